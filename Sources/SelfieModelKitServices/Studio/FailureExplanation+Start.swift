import Foundation
import SelfieModelKit
import SelfieModelKitReplicate

/// A step of a user's request that calls Replicate, named so a failure can say what did not happen.
enum StudioStep: String, Sendable {
    /// Building and verifying a training's archive from the stored selfies.
    case trainingArchive = "training.archive"
    /// Before a training's create call: making sure the user's model exists and uploading the selfies.
    case trainingUpload = "training.upload"
    /// A training's create call.
    case trainingCreate = "training.create"
    /// A generation's create call.
    case generationCreate = "generation.create"
    /// Canceling a running training at Replicate.
    case trainingCancel = "training.cancel"
}

extension FailureExplanation {
    /// What a failed call to Replicate means for the user.
    private enum Cause: String {
        /// No answer, a 5xx, or an answer that could not be read: worth trying again later.
        case unreachable
        /// 429 after the rate budget's wait ran out: worth trying again soon.
        case busy
        /// Replicate refused the request (422, 404, 409, 413): trying again will not help.
        case refused
        /// The token or the configuration does not work: the host must fix it.
        case misconfigured
        /// Anything else (a file or an image store failing, say).
        case unexpected

        init(_ error: any Error) {
            switch error {
            case let error as ReplicateError:
                switch error.code {
                case .rateLimited: self = .busy
                case .invalidRequest, .notFound, .conflict, .payloadTooLarge: self = .refused
                case .unauthenticated, .forbidden, .invalidConfiguration: self = .misconfigured
                default: self = .unreachable
                }
            case is HTTPTransportError: self = .unreachable
            default: self = .unexpected
            }
        }
    }

    /// The error a host is given when `step` failed with `error`.
    ///
    /// A `SelfieModelKitError` already speaks to the user and a cancellation is the host's own, so both
    /// pass unchanged. Anything else (a `ReplicateError`, a transport or file error) becomes a
    /// `SelfieModelKitError` with code `.jobFailed`: its `userMessage` says what did not happen, whether
    /// trying again helps, and that nothing was lost; its `detail` keeps the original error for developers.
    /// `mayHaveStarted` says the create call may have created the job at Replicate all the same.
    static func surfaced(_ error: any Error, during step: StudioStep, mayHaveStarted: Bool = false) -> any Error {
        if error is SelfieModelKitError || error is CancellationError { return error }
        let cause = Cause(error)
        let uncertain = mayHaveStarted && (step == .trainingCreate || step == .generationCreate)
        return SelfieModelKitError(
            .jobFailed, rule: "\(step.rawValue).\(uncertain ? "may-have-started" : cause.rawValue)",
            userMessage: uncertain ? mayHaveStartedMessage(step) : message(step, cause),
            detail: String(reflecting: error))
    }

    /// The failure recorded on a training or generation that never started because `step` failed with
    /// `error`: the same sentence the host was given.
    static func notStarted(_ error: any Error, during step: StudioStep) -> JobFailure {
        let userMessage =
            (surfaced(error, during: step) as? SelfieModelKitError)?.userMessage ?? message(step, .unexpected)
        return JobFailure(providerError: "\(error)", userMessage: userMessage)
    }

    private static func mayHaveStartedMessage(_ step: StudioStep) -> String {
        step == .trainingCreate
            ? "Replicate, our training service, had a problem while your training was being started. It may "
                + "still have started: check back in a few minutes, and if it didn't, start training again then. "
                + "Your selfies are kept."
            : "Replicate, our image service, had a problem while your photos were being started. They may still "
                + "appear in a few minutes; if they don't, create them again then. Nothing was lost."
    }

    private static func message(_ step: StudioStep, _ cause: Cause) -> String {
        switch (step, cause) {
        case (.trainingArchive, _):
            "We couldn't prepare your selfies for training. Your selfies are kept and nothing was sent: please "
                + "start training again in a few minutes."
        case (.generationCreate, .unreachable):
            "We couldn't reach Replicate, our image service, so your photos weren't started. Nothing was lost. "
                + "Please try again in a few minutes."
        case (.generationCreate, .busy):
            "Replicate, our image service, is very busy right now, so your photos weren't started. Nothing was "
                + "lost. Please try again in a minute."
        case (.generationCreate, .refused):
            "Replicate, our image service, refused to create these photos, so they weren't started. Nothing was "
                + "lost, but trying again won't help until this is fixed: please contact support."
        case (.generationCreate, .misconfigured):
            "Creating photos is unavailable right now because of a problem on our side. Nothing was lost. "
                + "Please try again later."
        case (.generationCreate, .unexpected):
            "Your photos couldn't be started because of a problem on our side. Nothing was lost. Please try "
                + "again in a few minutes."
        case (.trainingCreate, .unreachable):
            "We couldn't reach Replicate, our training service, so your training didn't start. Your selfies are "
                + "kept: please start training again in a few minutes."
        case (.trainingCreate, .busy):
            "Replicate, our training service, is very busy right now, so your training didn't start. Your "
                + "selfies are kept: please start training again in a few minutes."
        case (.trainingCreate, .refused):
            "Replicate, our training service, refused to start your training. Your selfies are kept, but trying "
                + "again won't help until this is fixed: please contact support."
        case (.trainingUpload, .unreachable), (.trainingUpload, .busy), (.trainingUpload, .refused):
            "Your training didn't start: we couldn't reach Replicate, our training service, or the upload of "
                + "your selfies failed. Your selfies are kept: please start training again in a few minutes."
        case (.trainingUpload, .misconfigured), (.trainingCreate, .misconfigured):
            "Training is unavailable right now because of a problem on our side. Your selfies are kept. Please "
                + "try again later."
        case (.trainingUpload, .unexpected), (.trainingCreate, .unexpected):
            "Your training didn't start because of a problem on our side. Your selfies are kept: please start "
                + "training again in a few minutes."
        case (.trainingCancel, .unreachable), (.trainingCancel, .busy):
            "We couldn't reach Replicate to cancel your training, so it's still running. Please try canceling "
                + "again in a few minutes."
        case (.trainingCancel, .refused):
            "Replicate couldn't cancel your training. Please try again; if it keeps happening, contact support."
        case (.trainingCancel, .misconfigured), (.trainingCancel, .unexpected):
            "Your training couldn't be canceled because of a problem on our side, so it may still be running. "
                + "Please try again later."
        }
    }
}
