/// What a store does with a ``JobUpdate``, given the job's current status.
///
/// Every backend follows this one rule, so in-memory, SQLite and PostgreSQL stores agree on what
/// "compare-and-set" and "applying the same event twice" mean.
public enum JobTransitionDecision: Sendable, Hashable {
    /// Write the update and report ``TransitionOutcome/applied(_:)``.
    case apply
    /// Write nothing and report ``TransitionOutcome/alreadyApplied(_:)``.
    case alreadyApplied
}

extension JobUpdate {
    /// Whether the update is legal on its own: a forward move (``JobStatus/canMove(to:)``), or a refresh
    /// of the same status (`expected == next`, for example new progress while `processing`).
    public var isLegal: Bool {
        expected == next || expected.canMove(to: next)
    }

    /// Decides how to apply this update to a job whose status is `current`.
    ///
    /// - The job is already in `next`: nothing changes (`.alreadyApplied`), except that a same-status
    ///   refresh of a running job with new progress is applied.
    /// - The job is in `expected`: the update is applied.
    /// - Otherwise the expected state was wrong.
    ///
    /// - Parameters:
    ///   - current: the job's status as stored.
    ///   - currentProgress: the job's progress as stored, for same-status refreshes.
    ///   - kind: what the job is (`"generation"`, `"training-attempt"`), for the error's rule.
    /// - Throws: ``SelfieModelKitError`` with code `.transitionConflict`: rule
    ///   `store.transition.illegal` when the update is not ``isLegal``, rule
    ///   `store.transition.unexpected-state` when the job is neither in `expected` nor in `next`.
    public func decision(
        current: JobStatus, currentProgress: Double? = nil, kind: String
    ) throws -> JobTransitionDecision {
        guard isLegal else {
            throw SelfieModelKitError.illegalTransition(kind: kind, from: expected, to: next)
        }
        if current == next {
            if expected == next, !current.isTerminal, let progress, progress != currentProgress {
                return .apply
            }
            return .alreadyApplied
        }
        guard current == expected else {
            throw SelfieModelKitError.transitionConflict(kind: kind, expected: expected, actual: current)
        }
        return .apply
    }
}
