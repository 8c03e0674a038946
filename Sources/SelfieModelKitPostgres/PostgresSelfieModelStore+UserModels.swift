import Foundation
import PostgresNIO
import SelfieModelKit

extension PostgresSelfieModelStore: UserModelStore {
    public func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord? {
        try await withUser(user) { connection in
            try await connection.query(
                "SELECT * FROM user_models WHERE user_id = \(user.id.rawValue)", logger: logger
            ).collect().first.map(PostgresRows.userModel)
        }
    }

    public func recordTrainingIntent(_ intent: NewTrainingAttempt, for user: AuthenticatedUser) async throws
        -> TrainingAttempt
    {
        guard intent.modelID == ReplicateModelID.selfieModel(for: user.id, owner: intent.modelID.owner) else {
            throw SelfieModelKitError(
                .modelOwnershipMismatch, rule: "training.model-derived",
                userMessage: "A training can only write to your own model.",
                detail: "\(intent.modelID) is not derived from user \(user.id)")
        }
        let now = self.now
        return try await withUser(user) { connection in
            let existing = try await connection.query(
                "SELECT * FROM training_attempts WHERE id = \(intent.id.rawValue)", logger: logger
            ).collect().first.map(PostgresRows.trainingAttempt)
            if let existing { return existing }
            try await registerUser(user, on: connection)
            try await connection.query(
                """
                INSERT INTO user_models (user_id, replicate_model_id, trigger_word, training_status, created_at,
                                         updated_at)
                VALUES (\(user.id.rawValue), \(intent.modelID.description), \(TriggerWord(for: user.id).rawValue),
                        'pending', \(now), \(now))
                ON CONFLICT (user_id) DO UPDATE
                   SET training_status = 'pending', training_progress = NULL, failure_provider_error = NULL,
                       failure_user_message = NULL, updated_at = EXCLUDED.updated_at
                 WHERE user_models.training_status IN ('failed', 'canceled')
                """, logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO training_attempts (id, user_id, status, photo_count, archive_sha256, created_at,
                                               updated_at)
                VALUES (\(intent.id.rawValue), \(user.id.rawValue), 'recorded', \(intent.photoCount),
                        \(intent.archiveSHA256), \(now), \(now))
                RETURNING *
                """, logger: logger
            ).collect()
            guard let row = rows.first else { throw PostgresErrors.storage("postgres.insert", detail: "no row") }
            return try PostgresRows.trainingAttempt(row)
        }
    }

    public func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID,
        for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        let rows = try await single(
            """
            SELECT r.outcome, (r.attempt).* FROM selfie_attach_training_id(
                \(user.id.rawValue), \(attempt.rawValue), \(trainingID.rawValue), \(inputImagesURL), \(now)) AS r
            """)
        return try Self.trainingOutcome(rows)
    }

    public func trainingAttempts(for user: AuthenticatedUser) async throws -> [TrainingAttempt] {
        try await withUser(user) { connection in
            try await connection.query(
                """
                SELECT * FROM training_attempts WHERE user_id = \(user.id.rawValue)
                 ORDER BY created_at DESC, id DESC
                """, logger: logger
            ).collect().map(PostgresRows.trainingAttempt)
        }
    }

    public func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try Self.requireLegal(update)
        let rows = try await single(
            """
            SELECT r.outcome, (r.attempt).* FROM selfie_transition_training_attempt(
                \(user.id.rawValue), \(attempt.rawValue), \(update.expected.rawValue), \(update.next.rawValue),
                \(update.progress), \(update.failure?.providerError), \(update.failure?.userMessage), \(now)) AS r
            """)
        return try Self.trainingOutcome(rows)
    }

    public func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt? {
        try await single("SELECT * FROM selfie_system_find_training_attempt(\(trainingID.rawValue))")
            .first.map(PostgresRows.trainingAttempt)
    }

    public func systemUpdateTrainingAttempt(_ attempt: TrainingAttemptID, _ update: JobUpdate) async throws
        -> TransitionOutcome<TrainingAttempt>
    {
        try Self.requireLegal(update)
        let rows = try await single(
            """
            SELECT r.outcome, (r.attempt).* FROM selfie_system_transition_training_attempt(
                \(attempt.rawValue), \(update.expected.rawValue), \(update.next.rawValue), \(update.progress),
                \(update.failure?.providerError), \(update.failure?.userMessage), \(now)) AS r
            """)
        return try Self.trainingOutcome(rows)
    }

    public func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try Self.requireLegal(JobUpdate(from: expected, to: .succeeded))
        let rows = try await single(
            """
            SELECT r.outcome, (r.attempt).* FROM selfie_system_complete_training(
                \(attempt.rawValue), \(expected.rawValue), \(version.rawValue), \(versionSchemaJSON)::json,
                \(now)) AS r
            """)
        return try Self.trainingOutcome(rows)
    }

    public func systemClaimInFlightTrainings(lease: Lease, limit: Int) async throws -> [TrainingAttempt] {
        let (now, until) = leaseWindow(lease)
        return try await single(
            """
            SELECT * FROM selfie_system_claim_training_attempts(
                \(lease.holder), \(now), \(until), \(Int32(clamping: max(0, limit))))
            ORDER BY created_at, id
            """
        ).map(PostgresRows.trainingAttempt)
    }

    public func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) async throws {
        _ = try await single("SELECT selfie_system_release_training_lease(\(attempt.rawValue), \(holder))")
    }

    static func trainingOutcome(_ rows: [PostgresRow]) throws -> TransitionOutcome<TrainingAttempt> {
        guard let row = rows.first else { throw notFound("training") }
        return try PostgresRows.outcome(row, record: PostgresRows.trainingAttempt(row))
    }

    /// Refuses transitions the core's state machine forbids, before touching the database. A non-terminal
    /// status "moving" to itself is allowed: it updates progress only.
    static func requireLegal(_ update: JobUpdate) throws {
        let progressOnly = update.expected == update.next && !update.expected.isTerminal
        guard update.expected.canMove(to: update.next) || progressOnly else {
            throw SelfieModelKitError(
                .transitionConflict, rule: "transition.illegal",
                userMessage: "That change is not possible for this job.",
                detail: "\(update.expected) → \(update.next) is not a legal transition")
        }
    }

    static func notFound(_ what: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .notFound, rule: "\(what).not-found", userMessage: "That \(what) does not exist.")
    }

    func leaseWindow(_ lease: Lease) -> (now: Date, until: Date) {
        let now = self.now
        let (seconds, attoseconds) = lease.duration.components
        let duration = Double(seconds) + Double(attoseconds) / 1e18
        return (now, now.addingTimeInterval(duration))
    }
}
