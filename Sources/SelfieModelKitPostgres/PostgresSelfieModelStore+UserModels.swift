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

    public func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) async throws
        -> TrainingAttempt
    {
        try intent.requireOwned(by: user.id)
        let now = self.now
        return try await withUser(user) { connection in
            try await requireNotErased(user, on: connection)
            let existing = try await connection.query(
                "SELECT * FROM training_attempts WHERE id = \(intent.id.rawValue)", logger: logger
            ).collect().first.map(PostgresRows.trainingAttempt)
            if let existing { return existing }
            try await registerUser(user, on: connection)
            // UserModelRecord.initial / prepareForTraining: a record without a version goes back to pending,
            // a completed one keeps serving; progress and the last failure are cleared.
            try await connection.query(
                """
                INSERT INTO user_models (user_id, replicate_model_id, trigger_word, training_status, created_at,
                                         updated_at)
                VALUES (\(user.id.rawValue), \(intent.modelID.description), \(TriggerWord(for: user.id).rawValue),
                        'pending', \(now), \(now))
                ON CONFLICT (user_id) DO UPDATE
                   SET training_status = CASE WHEN user_models.training_status = 'completed' THEN 'completed'
                                              ELSE 'pending' END,
                       training_progress = NULL, failure_provider_error = NULL, failure_user_message = NULL,
                       updated_at = EXCLUDED.updated_at
                """, logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO training_attempts (id, user_id, status, photo_count, archive_sha256, created_at,
                                               updated_at, lease_holder, lease_expires_at)
                VALUES (\(intent.id.rawValue), \(user.id.rawValue), 'recorded', \(intent.photoCount),
                        \(intent.archiveSHA256), \(now), \(now), \(intent.startLease?.holder),
                        \(intent.startLease.map { leaseWindow($0, from: now).until }))
                RETURNING *
                """, logger: logger
            ).collect()
            guard let row = rows.first else { throw SelfieModelKitError.storageFailure("insert returned no row") }
            return try PostgresRows.trainingAttempt(row)
        }
    }

    public func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await attachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, owner: user.id)
    }

    public func systemAttachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, owner: UserID
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await attachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, owner: owner)
    }

    func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID,
        owner: UserID
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await resolveTransition(
            kind: Self.attemptKind, expected: .recorded, current: \.status,
            run: {
                try await single(
                    """
                    SELECT r.outcome, (r.attempt).* FROM selfie_attach_training_id(
                        \(owner.rawValue), \(attempt.rawValue), \(trainingID.rawValue), \(inputImagesURL),
                        \(now)) AS r
                    """)
            },
            decode: PostgresRows.trainingAttempt,
            decide: { record in
                try Self.attachDecision(
                    attached: record.trainingID?.rawValue, requested: trainingID.rawValue, status: record.status,
                    kind: Self.attemptKind)
            })
    }

    public func trainingAttempts(for user: AuthenticatedUser) async throws -> [TrainingAttempt] {
        try await withUser(user) { connection in
            try await connection.query(
                """
                SELECT * FROM training_attempts WHERE user_id = \(user.id.rawValue)
                 ORDER BY created_at DESC, seq DESC
                """, logger: logger
            ).collect().map(PostgresRows.trainingAttempt)
        }
    }

    public func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await transitionAttempt(attempt, update, user: user)
    }

    public func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt? {
        try await single("SELECT * FROM selfie_system_find_training_attempt(\(trainingID.rawValue))")
            .first.map(PostgresRows.trainingAttempt)
    }

    public func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<TrainingAttempt>
    {
        try await transitionAttempt(attempt, update, user: nil)
    }

    public func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        let update = JobUpdate(from: expected, to: .succeeded)
        let legalExpected = update.isLegal ? expected.rawValue : nil
        return try await resolveTransition(
            kind: Self.attemptKind, expected: expected, current: \.status,
            run: {
                try await single(
                    """
                    SELECT r.outcome, (r.attempt).* FROM selfie_system_complete_training(
                        \(attempt.rawValue), \(legalExpected), \(version.rawValue), \(versionSchemaJSON)::json,
                        \(now)) AS r
                    """)
            },
            decode: PostgresRows.trainingAttempt,
            decide: { record in
                if record.status == .succeeded {
                    guard record.outputVersionID == version else {
                        throw SelfieModelKitError.replicateIDConflict(kind: Self.attemptKind)
                    }
                    return .alreadyApplied
                }
                return try update.decision(current: record.status, kind: Self.attemptKind)
            })
    }

    public func systemClaimInFlightTrainings(lease: Lease, limit: Int) async throws -> [TrainingAttempt] {
        guard limit > 0 else { return [] }
        let (now, until) = leaseWindow(lease)
        return try await single(
            """
            SELECT * FROM selfie_system_claim_training_attempts(
                \(lease.holder), \(now), \(until), \(Int32(clamping: limit)))
            ORDER BY created_at, seq
            """
        ).map(PostgresRows.trainingAttempt)
    }

    public func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) async throws {
        _ = try await single("SELECT selfie_system_release_training_lease(\(attempt.rawValue), \(holder))")
    }

    public func systemHoldTrainingLease(_ attempt: TrainingAttemptID, lease: Lease) async throws -> Bool {
        let (now, until) = leaseWindow(lease)
        return try await single(
            "SELECT selfie_system_hold_training_lease(\(attempt.rawValue), \(lease.holder), \(now), \(until))"
        ).first?.decode(Bool.self) ?? false
    }

    func leaseWindow(_ lease: Lease, from now: Date? = nil) -> (now: Date, until: Date) {
        let now = now ?? self.now
        let (seconds, attoseconds) = lease.duration.components
        return (now, now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18))
    }
}
