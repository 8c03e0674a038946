import Foundation
import SelfieModelKit
import SelfieModelKitReplicate

/// Turns a provider's failure into a message that tells the user what happened and what to do next.
enum FailureExplanation {
    static let nsfwMarker = "NSFW"

    static func generation(providerError: String?) -> JobFailure {
        let error = providerError ?? "unknown error"
        if error.localizedCaseInsensitiveContains(nsfwMarker) {
            return JobFailure(
                providerError: error,
                userMessage:
                    "The safety filter blocked these photos. Try rephrasing your description — for example "
                    + "describe the outfit and setting more fully — and create them again.")
        }
        return JobFailure(
            providerError: error,
            userMessage: "Your photos couldn't be created this time. Please try again in a moment.")
    }

    static func training(providerError: String?) -> JobFailure {
        let error = providerError ?? "unknown error"
        return JobFailure(
            providerError: error,
            userMessage:
                "Your training didn't finish. Check that your selfies are clear, well lit and show only you, "
                + "then start training again.")
    }

    static let expiredOutputs = JobFailure(
        providerError: "outputs removed before they were stored",
        userMessage: "Your photos expired before they could be saved. Please create them again.")

    static let neverStarted = JobFailure(
        providerError: "the create call never reached Replicate",
        userMessage: "This didn't start because Replicate couldn't be reached. Nothing was lost: please try again.")

    static let canceled = JobFailure(providerError: "canceled", userMessage: "Canceled.")
    /// A job canceled because its user is being erased.
    static let erased = JobFailure(providerError: "canceled: the user is being erased", userMessage: "Canceled.")

    /// Whether a failed create call may still have created the job at Replicate.
    static func mayHaveStarted(_ error: any Error) -> Bool {
        if let error = error as? ReplicateError {
            if let sent = error.requestMayHaveBeenSent { return sent && error.httpStatus == nil }
            return error.httpStatus == nil || (error.httpStatus ?? 0) >= 500
        }
        if let error = error as? HTTPTransportError { return error.requestMayHaveBeenSent }
        return true
    }
}
