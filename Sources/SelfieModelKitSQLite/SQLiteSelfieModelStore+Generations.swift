import Foundation
import GRDB
import SelfieModelKit

extension SQLiteSelfieModelStore: GenerationStore {
    private static let kind = "generation"

    public func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    ) async throws -> GenerationRecord {
        let date = currentTime()
        return try await write { db in
            try Self.requireNotErased(user.id, in: db)
            if let existing = try Self.fetchGeneration(intent.id, owner: nil, in: db) {
                guard existing.userID == user.id else { throw SelfieModelKitError.duplicateStoreID(Self.kind) }
                return existing
            }
            if let monthlyLimit {
                let used = try Self.count(user.id, in: utcMonth(containing: date), db: db)
                guard used < monthlyLimit else { throw SelfieModelKitError.quotaExceeded(limit: monthlyLimit) }
            }
            try Self.ensureUser(user.id, at: date, in: db)
            let record = GenerationRecord(
                id: intent.id, userID: user.id, source: intent.source, lookID: intent.lookID, prompt: intent.prompt,
                seed: intent.seed, requestBody: intent.requestBody, status: .recorded, createdAt: date,
                updatedAt: date)
            try db.cachedStatement(
                sql: """
                    INSERT INTO generations
                        (id, user_id, source, look_id, prompt, seed, request_body, status, created_at, updated_at,
                         lease_holder, lease_expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    Self.uuidText(record.id.rawValue), user.id.rawValue, record.source.rawValue, record.lookID,
                    record.prompt, record.seed, record.requestBody, record.status.rawValue,
                    SQLiteTime.micros(date), SQLiteTime.micros(date), intent.startLease?.holder,
                    Self.leaseExpiry(intent.startLease, from: date),
                ])
            return record
        }
    }

    public func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<GenerationRecord> {
        try await attachPredictionID(prediction, to: generation, owner: user.id)
    }

    public func systemAttachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    ) async throws -> TransitionOutcome<GenerationRecord> {
        try await attachPredictionID(prediction, to: generation, owner: owner)
    }

    func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    ) async throws -> TransitionOutcome<GenerationRecord> {
        let date = currentTime()
        return try await write { db in
            guard var stored = try Self.fetchGeneration(generation, owner: owner, in: db) else {
                throw SelfieModelKitError.storeItemNotFound(Self.kind)
            }
            if let attached = stored.predictionID {
                guard attached == prediction else { throw SelfieModelKitError.replicateIDConflict(kind: Self.kind) }
                return .alreadyApplied(stored)
            }
            guard stored.status == .recorded else {
                throw SelfieModelKitError.transitionConflict(
                    kind: Self.kind, expected: .recorded, actual: stored.status)
            }
            let taken = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM generations WHERE prediction_id = ?)"),
                arguments: [prediction.rawValue])
            guard taken != true else { throw SelfieModelKitError.replicateIDConflict(kind: Self.kind) }
            stored.predictionID = prediction
            stored.apply(JobUpdate(from: .recorded, to: .starting), at: date)
            try Self.saveGeneration(stored, in: db)
            return .applied(stored)
        }
    }

    public func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord? {
        try await read { db in try Self.fetchGeneration(id, owner: user.id, in: db) }
    }

    public func generations(for user: AuthenticatedUser, limit: Int) async throws -> [GenerationRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM generations WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?"),
                arguments: [user.id.rawValue, max(limit, 0)]
            ).map(GenerationRecord.init(row:))
        }
    }

    public func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try await transitionGeneration(id, update, owner: user.id)
    }

    public func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) async throws -> Int {
        try await read { db in try Self.count(user.id, in: utcMonth(containing: date), db: db) }
    }

    public func systemGeneration(predictionID: PredictionID) async throws -> GenerationRecord? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM generations WHERE prediction_id = ?"),
                arguments: [predictionID.rawValue]
            ).map(GenerationRecord.init(row:))
        }
    }

    public func systemUpdateGeneration(
        _ id: GenerationID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try await transitionGeneration(id, update, owner: nil)
    }

    public func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        let date = currentTime()
        return try await write { db in
            guard var stored = try Self.fetchGeneration(id, owner: nil, in: db) else {
                throw SelfieModelKitError.storeItemNotFound(Self.kind)
            }
            if stored.status == .succeeded { return .alreadyApplied(stored) }
            let update = JobUpdate(from: expected, to: .succeeded)
            _ = try update.decision(current: stored.status, kind: Self.kind)
            try PhotoRecord.requireOutputs(photos, of: stored)
            for photo in photos {
                guard try Self.fetchPhoto(photo.id, owner: nil, in: db) == nil else {
                    throw SelfieModelKitError.duplicateStoreID("photo")
                }
                try Self.insertPhoto(photo, in: db)
            }
            stored.apply(update, at: date)
            try Self.saveGeneration(stored, in: db)
            return .applied(stored)
        }
    }

    public func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        let date = currentTime()
        return try await write { db in
            try Self.claim(table: "generations", lease: lease, limit: limit, at: date, in: db)
                .map(GenerationRecord.init(row:))
        }
    }

    public func systemReleaseGenerationLease(_ id: GenerationID, holder: String) async throws {
        try await write { db in try Self.release(table: "generations", id: id.rawValue, holder: holder, in: db) }
    }

    public func systemHoldGenerationLease(_ id: GenerationID, lease: Lease) async throws -> Bool {
        let date = currentTime()
        return try await write { db in
            try Self.hold(table: "generations", id: id.rawValue, lease: lease, at: date, in: db)
        }
    }

    private func transitionGeneration(
        _ id: GenerationID, _ update: JobUpdate, owner: UserID?
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        let date = currentTime()
        return try await write { db in
            guard var stored = try Self.fetchGeneration(id, owner: owner, in: db) else {
                throw SelfieModelKitError.storeItemNotFound(Self.kind)
            }
            try update.requireNotSuccess(kind: Self.kind, completion: "systemCompleteGeneration")
            guard try update.decision(current: stored.status, kind: Self.kind) == .apply else {
                return .alreadyApplied(stored)
            }
            stored.apply(update, at: date)
            try Self.saveGeneration(stored, in: db)
            return .applied(stored)
        }
    }

    // MARK: - Rows

    /// The generation with `id`, only when it belongs to `owner` (any owner on the system path).
    static func fetchGeneration(_ id: GenerationID, owner: UserID?, in db: Database) throws -> GenerationRecord? {
        let row: Row?
        if let owner {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM generations WHERE id = ? AND user_id = ?"),
                arguments: [uuidText(id.rawValue), owner.rawValue])
        } else {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM generations WHERE id = ?"), arguments: [uuidText(id.rawValue)])
        }
        return try row.map(GenerationRecord.init(row:))
    }

    static func saveGeneration(_ record: GenerationRecord, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE generations SET
                    prediction_id = ?, status = ?, failure_provider_error = ?, failure_user_message = ?,
                    updated_at = ?, completed_at = ?
                WHERE id = ? AND user_id = ?
                """
        ).execute(
            arguments: [
                record.predictionID?.rawValue, record.status.rawValue, record.failure?.providerError,
                record.failure?.userMessage, SQLiteTime.micros(record.updatedAt),
                record.completedAt.map(SQLiteTime.micros), uuidText(record.id.rawValue), record.userID.rawValue,
            ])
    }

    /// Generations of `user` created in `month` that count toward the quota.
    static func count(_ user: UserID, in month: Range<Date>, db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT count(*) FROM generations
                    WHERE user_id = ? AND created_at >= ? AND created_at < ? AND status NOT IN ('failed', 'canceled')
                    """),
            arguments: [user.rawValue, SQLiteTime.micros(month.lowerBound), SQLiteTime.micros(month.upperBound)]
        ) ?? 0
    }
}
