import PostgresNIO
import SelfieModelKit

/// How the store turns a transition function's answer into the outcome every backend reports.
///
/// The functions apply a change only from the exact state the core's decision rule applies from, in one
/// statement (so concurrent callers serialize on the row and exactly one applies). When nothing applied
/// they return the row as it is, and the same rule as in every other backend
/// (`JobUpdate.decision(current:currentProgress:kind:)`) names the outcome or the error. If the rule says
/// "apply" after all, the row changed between the two reads; the call is retried.
extension PostgresSelfieModelStore {
    static let attemptKind = "training-attempt"
    static let generationKind = "generation"

    /// How often a transition is retried when its row keeps changing under it.
    static let transitionAttempts = 5

    func resolveTransition<Record>(
        kind: String, expected: JobStatus, current: (Record) -> JobStatus,
        run: () async throws -> [PostgresRow], decode: (PostgresRow) throws -> Record,
        decide: (Record) throws -> JobTransitionDecision
    ) async throws -> TransitionOutcome<Record> {
        var last: Record?
        for _ in 0..<Self.transitionAttempts {
            guard let row = try await run().first else { throw SelfieModelKitError.storeItemNotFound(kind) }
            let record = try decode(row)
            if try PostgresRows.isApplied(row) { return .applied(record) }
            if try decide(record) == .alreadyApplied { return .alreadyApplied(record) }
            last = record
        }
        throw SelfieModelKitError.transitionConflict(
            kind: kind, expected: expected, actual: last.map(current) ?? expected)
    }

    /// A training-attempt update from the per-user path (`user` set) or the system path.
    func transitionAttempt(
        _ id: TrainingAttemptID, _ update: JobUpdate, user: AuthenticatedUser?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        let reachesSuccess = update.next == .succeeded && update.expected != .succeeded
        let expected = update.isLegal && !reachesSuccess ? update.expected.rawValue : nil
        let progress = update.progress
        let (provider, message) = (update.failure?.providerError, update.failure?.userMessage)
        return try await resolveTransition(
            kind: Self.attemptKind, expected: update.expected, current: \.status,
            run: {
                if let user {
                    return try await single(
                        """
                        SELECT r.outcome, (r.attempt).* FROM selfie_transition_training_attempt(
                            \(user.id.rawValue), \(id.rawValue), \(expected), \(update.next.rawValue), \(progress),
                            \(provider), \(message), \(now)) AS r
                        """)
                }
                return try await single(
                    """
                    SELECT r.outcome, (r.attempt).* FROM selfie_system_transition_training_attempt(
                        \(id.rawValue), \(expected), \(update.next.rawValue), \(progress), \(provider), \(message),
                        \(now)) AS r
                    """)
            },
            decode: PostgresRows.trainingAttempt,
            decide: { record in
                try update.requireNotSuccess(kind: Self.attemptKind, completion: "systemCompleteTraining")
                return try update.decision(
                    current: record.status, currentProgress: record.progress, kind: Self.attemptKind)
            })
    }

    /// A generation update from the per-user path (`user` set) or the system path.
    func transitionGeneration(
        _ id: GenerationID, _ update: JobUpdate, user: AuthenticatedUser?
    ) async throws -> TransitionOutcome<GenerationRecord> {
        let reachesSuccess = update.next == .succeeded && update.expected != .succeeded
        let changes = update.expected != update.next || update.progress != nil
        let expected = update.isLegal && !reachesSuccess && changes ? update.expected.rawValue : nil
        let (provider, message) = (update.failure?.providerError, update.failure?.userMessage)
        return try await resolveTransition(
            kind: Self.generationKind, expected: update.expected, current: \.status,
            run: {
                if let user {
                    return try await single(
                        """
                        SELECT r.outcome, (r.generation).* FROM selfie_transition_generation(
                            \(user.id.rawValue), \(id.rawValue), \(expected), \(update.next.rawValue), \(provider),
                            \(message), \(now)) AS r
                        """)
                }
                return try await single(
                    """
                    SELECT r.outcome, (r.generation).* FROM selfie_system_transition_generation(
                        \(id.rawValue), \(expected), \(update.next.rawValue), \(provider), \(message), \(now)) AS r
                    """)
            },
            decode: PostgresRows.generation,
            decide: { record in
                try update.requireNotSuccess(kind: Self.generationKind, completion: "systemCompleteGeneration")
                return try update.decision(current: record.status, kind: Self.generationKind)
            })
    }

    /// The outcome of attaching a Replicate id that did not apply: the same id again is a no-op, another
    /// id or a job that moved on is a conflict; `.apply` means the job is still attachable (a race: retry).
    static func attachDecision(
        attached: String?, requested: String, status: JobStatus, kind: String
    ) throws -> JobTransitionDecision {
        if let attached {
            guard attached == requested else { throw SelfieModelKitError.replicateIDConflict(kind: kind) }
            return .alreadyApplied
        }
        guard status == .recorded else {
            throw SelfieModelKitError.transitionConflict(kind: kind, expected: .recorded, actual: status)
        }
        return .apply
    }
}
