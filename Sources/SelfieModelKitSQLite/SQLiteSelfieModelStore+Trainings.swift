import Foundation
import GRDB
import SelfieModelKit

extension SQLiteSelfieModelStore: UserModelStore {
    private static let kind = "training-attempt"

    public func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord? {
        try await read { db in try Self.fetchModel(user.id, in: db) }
    }

    public func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) async throws
        -> TrainingAttempt
    {
        try intent.requireOwned(by: user.id)
        let date = currentTime()
        return try await write { db in
            try Self.requireNotErased(user.id, in: db)
            if let existing = try Self.fetchAttempt(intent.id, owner: nil, in: db) {
                guard existing.userID == user.id else { throw SelfieModelKitError.duplicateStoreID(Self.kind) }
                return existing
            }
            let active = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM training_attempts
                        WHERE user_id = ? AND status IN \(Self.activeStatuses))
                        """),
                arguments: [user.id.rawValue])
            guard active != true else { throw SelfieModelKitError.trainingAlreadyActive }
            try Self.ensureUser(user.id, at: date, in: db)
            var model =
                try Self.fetchModel(user.id, in: db) ?? .initial(for: user.id, model: intent.modelID, at: date)
            model.prepareForTraining(at: date)
            try Self.saveModel(model, in: db)
            let attempt = TrainingAttempt(
                id: intent.id, userID: user.id, status: .recorded, photoCount: intent.photoCount,
                archiveSHA256: intent.archiveSHA256, createdAt: date, updatedAt: date)
            try db.cachedStatement(
                sql: """
                    INSERT INTO training_attempts
                        (id, user_id, status, photo_count, archive_sha256, created_at, updated_at, lease_holder,
                         lease_expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    Self.uuidText(attempt.id.rawValue), user.id.rawValue, attempt.status.rawValue,
                    attempt.photoCount, attempt.archiveSHA256, SQLiteTime.micros(date), SQLiteTime.micros(date),
                    intent.startLease?.holder, Self.leaseExpiry(intent.startLease, from: date),
                ])
            return attempt
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
        let date = currentTime()
        return try await write { db in
            guard var stored = try Self.fetchAttempt(attempt, owner: owner, in: db) else {
                throw SelfieModelKitError.storeItemNotFound(Self.kind)
            }
            if let attached = stored.trainingID {
                guard attached == trainingID else { throw SelfieModelKitError.replicateIDConflict(kind: Self.kind) }
                return .alreadyApplied(stored)
            }
            guard stored.status == .recorded else {
                throw SelfieModelKitError.transitionConflict(
                    kind: Self.kind, expected: .recorded, actual: stored.status)
            }
            let taken = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM training_attempts WHERE training_id = ?)"),
                arguments: [trainingID.rawValue])
            guard taken != true else { throw SelfieModelKitError.replicateIDConflict(kind: Self.kind) }
            stored.trainingID = trainingID
            stored.inputImagesURL = inputImagesURL
            stored.apply(JobUpdate(from: .recorded, to: .starting), at: date)
            try Self.saveAttempt(stored, in: db)
            try Self.mirror(stored, at: date, in: db)
            return .applied(stored)
        }
    }

    public func trainingAttempts(for user: AuthenticatedUser) async throws -> [TrainingAttempt] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM training_attempts WHERE user_id = ? ORDER BY created_at DESC, rowid DESC"),
                arguments: [user.id.rawValue]
            ).map(TrainingAttempt.init(row:))
        }
    }

    public func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await transitionAttempt(attempt, update, owner: user.id)
    }

    public func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM training_attempts WHERE training_id = ?"),
                arguments: [trainingID.rawValue]
            ).map(TrainingAttempt.init(row:))
        }
    }

    public func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<TrainingAttempt>
    {
        try await transitionAttempt(attempt, update, owner: nil)
    }

    public func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        let date = currentTime()
        return try await write { db in
            guard var stored = try Self.fetchAttempt(attempt, owner: nil, in: db) else {
                throw SelfieModelKitError.storeItemNotFound(Self.kind)
            }
            if stored.status == .succeeded {
                guard stored.outputVersionID == version else {
                    throw SelfieModelKitError.replicateIDConflict(kind: Self.kind)
                }
                return .alreadyApplied(stored)
            }
            _ = try JobUpdate(from: expected, to: .succeeded).decision(current: stored.status, kind: Self.kind)
            guard var model = try Self.fetchModel(stored.userID, in: db) else {
                throw SelfieModelKitError.storageFailure("training attempt without a user model record")
            }
            stored.complete(version: version, at: date)
            model.switchTo(version: version, schemaJSON: versionSchemaJSON, at: date)
            try Self.saveAttempt(stored, in: db)
            try Self.saveModel(model, in: db)
            return .applied(stored)
        }
    }

    public func systemClaimInFlightTrainings(lease: Lease, limit: Int) async throws -> [TrainingAttempt] {
        let date = currentTime()
        return try await write { db in
            try Self.claim(table: "training_attempts", lease: lease, limit: limit, at: date, in: db)
                .map(TrainingAttempt.init(row:))
        }
    }

    public func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) async throws {
        try await write { db in
            try Self.release(table: "training_attempts", id: attempt.rawValue, holder: holder, in: db)
        }
    }

    public func systemHoldTrainingLease(_ attempt: TrainingAttemptID, lease: Lease) async throws -> Bool {
        let date = currentTime()
        return try await write { db in
            try Self.hold(table: "training_attempts", id: attempt.rawValue, lease: lease, at: date, in: db)
        }
    }

    private func transitionAttempt(
        _ id: TrainingAttemptID, _ update: JobUpdate, owner: UserID?
    ) async throws
        -> TransitionOutcome<TrainingAttempt>
    {
        let date = currentTime()
        return try await write { db in
            guard var stored = try Self.fetchAttempt(id, owner: owner, in: db) else {
                throw SelfieModelKitError.storeItemNotFound(Self.kind)
            }
            try update.requireNotSuccess(kind: Self.kind, completion: "systemCompleteTraining")
            let decision = try update.decision(
                current: stored.status, currentProgress: stored.progress, kind: Self.kind)
            guard decision == .apply else { return .alreadyApplied(stored) }
            stored.apply(update, at: date)
            try Self.saveAttempt(stored, in: db)
            try Self.mirror(stored, at: date, in: db)
            return .applied(stored)
        }
    }

    // MARK: - Rows

    /// The attempt with `id`, only when it belongs to `owner` (any owner on the system path).
    static func fetchAttempt(_ id: TrainingAttemptID, owner: UserID?, in db: Database) throws -> TrainingAttempt? {
        let row: Row?
        if let owner {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM training_attempts WHERE id = ? AND user_id = ?"),
                arguments: [uuidText(id.rawValue), owner.rawValue])
        } else {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM training_attempts WHERE id = ?"),
                arguments: [uuidText(id.rawValue)])
        }
        return try row.map(TrainingAttempt.init(row:))
    }

    static func saveAttempt(_ attempt: TrainingAttempt, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE training_attempts SET
                    training_id = ?, status = ?, progress = ?, input_images_url = ?, output_version_id = ?,
                    failure_provider_error = ?, failure_user_message = ?, updated_at = ?, completed_at = ?
                WHERE id = ? AND user_id = ?
                """
        ).execute(
            arguments: [
                attempt.trainingID?.rawValue, attempt.status.rawValue, attempt.progress, attempt.inputImagesURL,
                attempt.outputVersionID?.rawValue, attempt.failure?.providerError, attempt.failure?.userMessage,
                SQLiteTime.micros(attempt.updatedAt), attempt.completedAt.map(SQLiteTime.micros),
                uuidText(attempt.id.rawValue), attempt.userID.rawValue,
            ])
    }

    /// Mirrors a changed attempt onto its user's model record.
    static func mirror(_ attempt: TrainingAttempt, at date: Date, in db: Database) throws {
        guard var model = try fetchModel(attempt.userID, in: db) else { return }
        model.mirror(attempt, at: date)
        try saveModel(model, in: db)
    }
}
