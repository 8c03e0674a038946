/// The training status of a user's model, as the `user_models.training_status` column stores it.
///
/// A model that is `completed` stays `completed` while a retraining runs: the old version keeps serving
/// until the new one completes (the attempt's own status tracks the retraining).
public enum TrainingStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A training has been recorded and is about to be started at Replicate.
    case pending
    /// The first training is running at Replicate.
    case training
    /// A version exists and serves generations.
    case completed
    /// The last training failed and no version exists.
    case failed
    /// The training was canceled and no version exists.
    case canceled

    public var description: String { rawValue }
}

/// The status of a job (a training attempt or a generation) in this library's records.
///
/// `recorded` is the intent written before Replicate is called; the others mirror Replicate's statuses.
/// For a generation, `succeeded` means every output is stored in the host's ``ImageStore``, not merely
/// that Replicate finished.
public enum JobStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Recorded before the call to Replicate; no Replicate id yet.
    case recorded
    /// Created at Replicate, not yet running.
    case starting
    /// Running at Replicate (or, for a generation, finished there with outputs still being stored).
    case processing
    /// Finished, with everything it produced stored.
    case succeeded
    /// Failed; the record's failure explains why.
    case failed
    /// Canceled by the user or the host.
    case canceled

    public var description: String { rawValue }

    /// Whether the job can change no more.
    public var isTerminal: Bool {
        switch self {
        case .succeeded, .failed, .canceled: true
        case .recorded, .starting, .processing: false
        }
    }

    /// Whether a job may move from this status to `next`. Terminal statuses move nowhere; the others
    /// move only forward.
    public func canMove(to next: JobStatus) -> Bool {
        guard !isTerminal, next != self else { return false }
        switch (self, next) {
        case (_, .recorded): return false
        case (.processing, .starting): return false
        default: return true
        }
    }
}

/// Why a job failed, as the provider reported it, plus the message the user sees.
public struct JobFailure: Sendable, Hashable, Codable {
    /// The provider's own error text, kept verbatim.
    public var providerError: String
    /// A sentence for the user that explains the failure and what to do next.
    public var userMessage: String

    /// Creates a failure description.
    public init(providerError: String, userMessage: String) {
        self.providerError = providerError
        self.userMessage = userMessage
    }
}
