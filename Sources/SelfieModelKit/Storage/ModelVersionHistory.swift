import Foundation

/// One version a user's model served: which, from when, until when.
public struct ModelVersionHistoryEntry: Sendable, Hashable, Codable {
    /// The version.
    public var version: ModelVersionID
    /// When it became the user's current version (its training's completion, in the same transaction).
    public var becameCurrentAt: Date
    /// When a later training's version replaced it; `nil` while it is current.
    public var replacedAt: Date?
    /// The training attempt that produced it.
    public var attemptID: TrainingAttemptID

    /// Creates an entry.
    public init(version: ModelVersionID, becameCurrentAt: Date, replacedAt: Date?, attemptID: TrainingAttemptID) {
        self.version = version
        self.becameCurrentAt = becameCurrentAt
        self.replacedAt = replacedAt
        self.attemptID = attemptID
    }

    /// Whether this version was the current one at `date` (both ends included: a generation recorded in the
    /// same instant as a switch is accepted on either side).
    public func wasCurrent(at date: Date) -> Bool {
        becameCurrentAt <= date && (replacedAt.map { date <= $0 } ?? true)
    }

    /// The history of one user's versions, oldest first, from their training attempts.
    ///
    /// The store keeps it in its training attempts: `systemCompleteTraining` marks an attempt succeeded with
    /// its version and switches the model record to that version in one transaction, and a user has at most
    /// one active training, so the succeeded attempts ordered by completion are exactly the versions the
    /// model served, each replaced by the next. The rows stay when old versions are deleted at Replicate.
    public static func history(from attempts: [TrainingAttempt]) -> [ModelVersionHistoryEntry] {
        let served =
            attempts
            .compactMap { attempt -> (TrainingAttempt, ModelVersionID, Date)? in
                guard attempt.status == .succeeded, let version = attempt.outputVersionID,
                    let completed = attempt.completedAt
                else { return nil }
                return (attempt, version, completed)
            }
            .sorted { ($0.2, $0.0.createdAt) < ($1.2, $1.0.createdAt) }
        return served.enumerated().map { index, item in
            ModelVersionHistoryEntry(
                version: item.1, becameCurrentAt: item.2,
                replacedAt: index + 1 < served.count ? served[index + 1].2 : nil, attemptID: item.0.id)
        }
    }
}

extension UserModelStore {
    /// The versions the user's model has served, oldest first; see
    /// ``ModelVersionHistoryEntry/history(from:)``.
    public func versionHistory(for user: AuthenticatedUser) async throws -> [ModelVersionHistoryEntry] {
        ModelVersionHistoryEntry.history(from: try await trainingAttempts(for: user))
    }
}
