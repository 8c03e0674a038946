import Foundation

/// The locked generation parameters of the specification. No caller can change them: they are
/// constants, and ``GenerationRequest`` reads nothing else.
public enum LockedGenerationParameters: Sendable {
    /// `guidance: 2.8` (optimal natural results).
    public static let guidance = 2.8
    /// `num_inference_steps: 35` (expert quality).
    public static let numInferenceSteps = 35
    /// `num_outputs: 3` (variety for selection).
    public static let numOutputs = 3
    /// `aspect_ratio: "3:4"` (portrait format).
    public static let aspectRatio = "3:4"
    /// `output_format: "png"`.
    public static let outputFormat = "png"
    /// `output_quality: 95` (maximum clarity).
    public static let outputQuality = 95
    /// `go_fast: false` (quality over speed).
    public static let goFast = false
    /// `disable_safety_checker: false`.
    public static let disableSafetyChecker = false

    /// The `input` keys of the specification's request, in its order.
    public static let inputKeys = [
        "prompt", "guidance", "num_inference_steps", "num_outputs", "aspect_ratio", "output_format",
        "output_quality", "go_fast", "disable_safety_checker", "seed",
    ]
}

/// Whether to also send `guidance_scale`, the name Replicate's fine-tuned FLUX models give the guidance
/// input (see `Docs/decisions/0004-guidance-key.md`).
public enum GuidanceKeyCompatibility: String, Sendable, Hashable, Codable {
    /// Send exactly the specification's body (`guidance` only). The default.
    case specificationExact
    /// Also send `guidance_scale` with the same locked value, so the guidance takes effect on models whose
    /// schema names it so. Off unless the owner turns it on.
    case alsoSendGuidanceScale
}

/// The body of `POST /predictions` for one generation — the only place in SelfieModelKit that builds it.
///
/// It can only be made from a ``TrainedUserModel``, a ``UserPrompt`` for that model's user, and a
/// ``GenerationSeed``. ``jsonBody()`` encodes exactly the specification's request:
/// ```json
/// {"version":"{replicate_model_id}:{replicate_version_id}","input":{"prompt":…,"guidance":2.8,
///  "num_inference_steps":35,"num_outputs":3,"aspect_ratio":"3:4","output_format":"png",
///  "output_quality":95,"go_fast":false,"disable_safety_checker":false,"seed":…}}
/// ```
/// plus `webhook` and `webhook_events_filter` when a ``WebhookTarget`` is given.
public struct GenerationRequest: Sendable, Hashable {
    /// The user whose model runs.
    public let user: AuthenticatedUser
    /// `version`: the user's own model version.
    public let version: ModelVersionReference
    /// `input.prompt`.
    public let prompt: UserPrompt
    /// `input.seed`.
    public let seed: GenerationSeed
    /// Where webhooks go, if anywhere.
    public let webhook: WebhookTarget?
    /// Whether `guidance_scale` is sent too.
    public let guidanceKeyCompatibility: GuidanceKeyCompatibility

    /// Builds the request.
    /// - Throws: `SelfieModelKitError` with code `.modelOwnershipMismatch` when the prompt was made for
    ///   another user's trigger word.
    public init(
        model: TrainedUserModel, prompt: UserPrompt, seed: GenerationSeed, webhook: WebhookTarget? = nil,
        guidanceKeyCompatibility: GuidanceKeyCompatibility = .specificationExact
    ) throws {
        guard prompt.triggerWord == model.triggerWord else {
            throw SelfieModelKitError(
                .modelOwnershipMismatch, rule: "generation-request.prompt-owner",
                userMessage: "Something went wrong preparing your photo. Please try again.",
                detail: "prompt built for another user's trigger word")
        }
        self.user = model.user
        self.version = model.reference
        self.prompt = prompt
        self.seed = seed
        self.webhook = webhook
        self.guidanceKeyCompatibility = guidanceKeyCompatibility
    }

    /// The exact bytes to send as the body of `POST /predictions`.
    public func jsonBody() -> Data {
        Data(jsonValue.serialized().utf8)
    }

    var jsonValue: JSONValue {
        typealias P = LockedGenerationParameters
        var input: [(String, JSONValue)] = [
            ("prompt", .string(prompt.text)),
            ("guidance", .number(P.guidance)),
            ("num_inference_steps", .integer(P.numInferenceSteps)),
            ("num_outputs", .integer(P.numOutputs)),
            ("aspect_ratio", .string(P.aspectRatio)),
            ("output_format", .string(P.outputFormat)),
            ("output_quality", .integer(P.outputQuality)),
            ("go_fast", .bool(P.goFast)),
            ("disable_safety_checker", .bool(P.disableSafetyChecker)),
            ("seed", .integer(seed.value)),
        ]
        if guidanceKeyCompatibility == .alsoSendGuidanceScale {
            input.append(("guidance_scale", .number(P.guidance)))
        }
        var members: [(String, JSONValue)] = [
            ("version", .string(version.description)),
            ("input", .object(input)),
        ]
        members += webhook?.jsonMembers ?? []
        return .object(members)
    }
}
