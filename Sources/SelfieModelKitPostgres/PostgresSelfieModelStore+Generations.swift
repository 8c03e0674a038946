import Foundation
import PostgresNIO
import SelfieModelKit

extension PostgresSelfieModelStore: GenerationStore {
    /// The advisory-lock class of the per-user quota lock (`'SMKQ'`); the second key is the user's hash.
    static let quotaLockClass: Int32 = 0x534D_4B51

    public func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    ) async throws -> GenerationRecord {
        let now = self.now
        let month = utcMonth(containing: now)
        return try await withUser(user) { connection in
            try await requireNotErased(user, on: connection)
            let existing = try await connection.query(
                "SELECT * FROM generations WHERE id = \(intent.id.rawValue)", logger: logger
            ).collect().first.map(PostgresRows.generation)
            if let existing { return existing }
            try await registerUser(user, on: connection)
            if monthlyLimit != nil {
                // Serializes this user's quota checks until the transaction ends, so the count and the insert
                // below are atomic against the user's other intents; other users are not blocked.
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Self.quotaLockClass), hashtext(\(user.id.rawValue)))",
                    logger: logger)
            }
            let limit = monthlyLimit.map { Int64($0) }
            let rows = try await connection.query(
                """
                INSERT INTO generations (id, user_id, source, look_id, prompt, seed, request_body, status,
                                         created_at, updated_at, lease_holder, lease_expires_at)
                SELECT \(intent.id.rawValue), \(user.id.rawValue), \(intent.source.rawValue), \(intent.lookID),
                       \(intent.prompt), \(intent.seed), \(intent.requestBody), 'recorded', \(now), \(now),
                       \(intent.startLease?.holder), \(intent.startLease.map { leaseWindow($0, from: now).until })
                 WHERE \(limit)::bigint IS NULL OR (
                       SELECT count(*) FROM generations
                        WHERE user_id = \(user.id.rawValue) AND created_at >= \(month.lowerBound)
                          AND created_at < \(month.upperBound) AND status NOT IN ('failed', 'canceled')) < \(limit)::bigint
                RETURNING *
                """, logger: logger
            ).collect()
            guard let row = rows.first else { throw SelfieModelKitError.quotaExceeded(limit: monthlyLimit ?? 0) }
            return try PostgresRows.generation(row)
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
        try await resolveTransition(
            kind: Self.generationKind, expected: .recorded, current: \.status,
            run: {
                try await single(
                    """
                    SELECT r.outcome, (r.generation).* FROM selfie_attach_prediction_id(
                        \(owner.rawValue), \(generation.rawValue), \(prediction.rawValue), \(now)) AS r
                    """)
            },
            decode: PostgresRows.generation,
            decide: { record in
                try Self.attachDecision(
                    attached: record.predictionID?.rawValue, requested: prediction.rawValue, status: record.status,
                    kind: Self.generationKind)
            })
    }

    public func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord? {
        try await withUser(user) { connection in
            try await connection.query(
                "SELECT * FROM generations WHERE id = \(id.rawValue) AND user_id = \(user.id.rawValue)",
                logger: logger
            ).collect().first.map(PostgresRows.generation)
        }
    }

    public func generations(for user: AuthenticatedUser, limit: Int) async throws -> [GenerationRecord] {
        try await withUser(user) { connection in
            try await connection.query(
                """
                SELECT * FROM generations WHERE user_id = \(user.id.rawValue)
                 ORDER BY created_at DESC, seq DESC LIMIT \(Int64(max(0, limit)))
                """, logger: logger
            ).collect().map(PostgresRows.generation)
        }
    }

    public func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<GenerationRecord> {
        try await transitionGeneration(id, update, user: user)
    }

    public func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) async throws -> Int {
        let month = utcMonth(containing: date)
        return try await withUser(user) { connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FROM generations
                 WHERE user_id = \(user.id.rawValue) AND created_at >= \(month.lowerBound)
                   AND created_at < \(month.upperBound)
                   AND status NOT IN ('failed', 'canceled')
                """, logger: logger
            ).collect()
            return try rows.first?.decode(Int.self) ?? 0
        }
    }

    public func systemGeneration(predictionID: PredictionID) async throws -> GenerationRecord? {
        try await single("SELECT * FROM selfie_system_find_generation(\(predictionID.rawValue))")
            .first.map(PostgresRows.generation)
    }

    public func systemUpdateGeneration(
        _ id: GenerationID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try await transitionGeneration(id, update, user: nil)
    }

    public func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws -> TransitionOutcome<GenerationRecord> {
        let update = JobUpdate(from: expected, to: .succeeded)
        let legalExpected = update.isLegal ? expected.rawValue : nil
        let photosJSON = try Self.photosJSON(photos)
        return try await resolveTransition(
            kind: Self.generationKind, expected: expected, current: \.status,
            run: {
                try await single(
                    """
                    SELECT r.outcome, (r.generation).* FROM selfie_system_complete_generation(
                        \(id.rawValue), \(legalExpected), \(photosJSON)::json, \(now)) AS r
                    """)
            },
            decode: PostgresRows.generation,
            decide: { record in
                if record.status == .succeeded { return .alreadyApplied }
                return try update.decision(current: record.status, kind: Self.generationKind)
            })
    }

    public func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        guard limit > 0 else { return [] }
        let (now, until) = leaseWindow(lease)
        return try await single(
            """
            SELECT * FROM selfie_system_claim_generations(
                \(lease.holder), \(now), \(until), \(Int32(clamping: limit)))
            ORDER BY created_at, seq
            """
        ).map(PostgresRows.generation)
    }

    public func systemReleaseGenerationLease(_ id: GenerationID, holder: String) async throws {
        _ = try await single("SELECT selfie_system_release_generation_lease(\(id.rawValue), \(holder))")
    }

    public func systemHoldGenerationLease(_ id: GenerationID, lease: Lease) async throws -> Bool {
        let (now, until) = leaseWindow(lease)
        return try await single(
            "SELECT selfie_system_hold_generation_lease(\(id.rawValue), \(lease.holder), \(now), \(until))"
        ).first?.decode(Bool.self) ?? false
    }

    /// The photos of a completed generation as the JSON array `selfie_system_complete_generation` reads.
    static func photosJSON(_ photos: [PhotoRecord]) throws -> String {
        struct Row: Encodable {
            let id: String
            let userID: String
            let kind: String
            let generationID: String?
            let outputIndex: Int?
            let sha256: String
            let byteCount: Int
            let width: Int
            let height: Int
            let contentType: String
            let isFavourite: Bool
            let createdMicroseconds: Int64

            enum CodingKeys: String, CodingKey {
                case id, kind, sha256, width, height
                case userID = "user_id"
                case generationID = "generation_id"
                case outputIndex = "output_index"
                case byteCount = "byte_count"
                case contentType = "content_type"
                case isFavourite = "is_favourite"
                case createdMicroseconds = "created_us"
            }
        }
        let rows = photos.map {
            Row(
                id: $0.id.description, userID: $0.userID.rawValue, kind: $0.kind.rawValue,
                generationID: $0.generationID?.description, outputIndex: $0.outputIndex, sha256: $0.sha256,
                byteCount: $0.byteCount, width: $0.width, height: $0.height, contentType: $0.contentType,
                isFavourite: $0.isFavourite,
                createdMicroseconds: Int64(($0.createdAt.timeIntervalSince1970 * 1_000_000).rounded(.down)))
        }
        return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
