/// The one error type of `SelfieModelKit` and `SelfieModelKitValidation`.
///
/// Following async-http-client's `HTTPClientError`, it is a struct wrapping a stable ``Code``, so new
/// codes never break callers that switch over the ones they know. Every error carries:
/// - ``rule``: the rule that was broken, in stable dotted form (`"user-id.characters"`), for logs and tests;
/// - ``userMessage``: a sentence for the end user that says what to do next;
/// - ``detail``: developer detail, shown by `debugDescription` only.
///
/// No error ever carries a secret: API tokens and webhook secrets are redacted types.
public struct SelfieModelKitError: Error, Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// A stable error code. Compare with the static members, for example `error.code == .modelNotTrained`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable string form of the code, such as `"model-not-trained"`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// A value does not satisfy the format rules of an identifier.
        public static let invalidIdentifier = Code("invalid-identifier")
        /// No authenticated user was presented, or the host's authentication produced no user.
        public static let notAuthenticated = Code("not-authenticated")
        /// The user has no model yet, or it has never completed training.
        public static let modelNotTrained = Code("model-not-trained")
        /// The user's first training is still running.
        public static let modelTrainingInProgress = Code("model-training-in-progress")
        /// The user's last training failed and no completed version exists.
        public static let modelTrainingFailed = Code("model-training-failed")
        /// A record claims to be completed but carries no version id.
        public static let modelVersionMissing = Code("model-version-missing")
        /// A record belongs to another user, or names a model other than the user's own.
        public static let modelOwnershipMismatch = Code("model-ownership-mismatch")
        /// A prompt is empty, too long, or otherwise unusable.
        public static let invalidPrompt = Code("invalid-prompt")
        /// A seed lies outside `[0, 1000000)`.
        public static let invalidSeed = Code("invalid-seed")
        /// A training hyperparameter lies outside the trainer's range.
        public static let invalidTrainingParameter = Code("invalid-training-parameter")
        /// A photo was refused (format, size, corruption, duplicate).
        public static let invalidPhoto = Code("invalid-photo")
        /// Too few photos to start a training.
        public static let notEnoughPhotos = Code("not-enough-photos")
        /// A training is already running for this user.
        public static let trainingAlreadyActive = Code("training-already-active")
        /// The user's monthly generation quota is used up.
        public static let quotaExceeded = Code("quota-exceeded")
        /// The requested item does not exist, or belongs to someone else (the two look the same).
        public static let notFound = Code("not-found")
        /// A compare-and-set transition found the item in another state than expected.
        public static let transitionConflict = Code("transition-conflict")
        /// The store failed or refused to serve (for example over an unsafe connection).
        public static let storage = Code("storage")
        /// The configuration is invalid; ``SelfieModelKitError/detail`` lists every problem.
        public static let configuration = Code("configuration")
        /// A generation or training failed at the provider; the message explains why.
        public static let jobFailed = Code("job-failed")
        /// A packaged training archive did not match the user's stored photos.
        public static let trainingPackageMismatch = Code("training-package-mismatch")
        /// The user is being erased or was erased; nothing new is recorded for them.
        public static let userErased = Code("user-erased")
        /// An erasure could not finish yet (for example, Replicate still processes a version deletion);
        /// calling it again, or the reconciler, finishes it.
        public static let erasureIncomplete = Code("erasure-incomplete")
    }

    /// The stable code of this error.
    public let code: Code
    /// The broken rule, in stable dotted form such as `"user-id.characters"`.
    public let rule: String
    /// A sentence for the end user that says what went wrong and what to do next.
    public let userMessage: String
    /// Developer detail; appears in `debugDescription`, never a secret.
    public let detail: String

    /// Creates an error. Libraries and hosts extending SelfieModelKit use this; messages must never hold secrets.
    public init(_ code: Code, rule: String, userMessage: String, detail: String = "") {
        self.code = code
        self.rule = rule
        self.userMessage = userMessage
        self.detail = detail
    }

    public var description: String { "SelfieModelKitError.\(code) [\(rule)]: \(userMessage)" }

    public var debugDescription: String {
        detail.isEmpty ? description : "\(description) (\(detail))"
    }
}

extension SelfieModelKitError {
    static func invalidIdentifier(_ rule: String, _ message: String, value: String) -> Self {
        SelfieModelKitError(
            .invalidIdentifier, rule: rule, userMessage: message,
            detail: "rejected value: \(value.debugDescription.prefix(120))")
    }
}
