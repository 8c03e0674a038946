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
        let (monthStart, monthEnd) = Self.month(holding: now)
        return try await withUser(user) { connection in
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
                                         created_at, updated_at)
                SELECT \(intent.id.rawValue), \(user.id.rawValue), \(intent.source.rawValue), \(intent.lookID),
                       \(intent.prompt), \(intent.seed), \(intent.requestBody), 'recorded', \(now), \(now)
                 WHERE \(limit)::bigint IS NULL OR (
                       SELECT count(*) FROM generations
                        WHERE user_id = \(user.id.rawValue) AND created_at >= \(monthStart)
                          AND created_at < \(monthEnd) AND status NOT IN ('failed', 'canceled')) < \(limit)::bigint
                RETURNING *
                """, logger: logger
            ).collect()
            guard let row = rows.first else {
                throw SelfieModelKitError(
                    .quotaExceeded, rule: "generation.monthly-quota",
                    userMessage: "You have used all of this month's generations. They renew on the first of the month.",
                    detail: "monthly limit \(monthlyLimit ?? 0) reached")
            }
            return try PostgresRows.generation(row)
        }
    }

    public func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<GenerationRecord> {
        let rows = try await single(
            """
            SELECT r.outcome, (r.generation).* FROM selfie_attach_prediction_id(
                \(user.id.rawValue), \(generation.rawValue), \(prediction.rawValue), \(now)) AS r
            """)
        return try Self.generationOutcome(rows)
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
                 ORDER BY created_at DESC, id DESC LIMIT \(Int64(max(0, limit)))
                """, logger: logger
            ).collect().map(PostgresRows.generation)
        }
    }

    public func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<GenerationRecord> {
        try Self.requireLegal(update)
        let rows = try await single(
            """
            SELECT r.outcome, (r.generation).* FROM selfie_transition_generation(
                \(user.id.rawValue), \(id.rawValue), \(update.expected.rawValue), \(update.next.rawValue),
                \(update.failure?.providerError), \(update.failure?.userMessage), \(now)) AS r
            """)
        return try Self.generationOutcome(rows)
    }

    public func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) async throws -> Int {
        let (start, end) = Self.month(holding: date)
        return try await withUser(user) { connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FROM generations
                 WHERE user_id = \(user.id.rawValue) AND created_at >= \(start) AND created_at < \(end)
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

    public func systemUpdateGeneration(_ id: GenerationID, _ update: JobUpdate) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try Self.requireLegal(update)
        let rows = try await single(
            """
            SELECT r.outcome, (r.generation).* FROM selfie_system_transition_generation(
                \(id.rawValue), \(update.expected.rawValue), \(update.next.rawValue),
                \(update.failure?.providerError), \(update.failure?.userMessage), \(now)) AS r
            """)
        return try Self.generationOutcome(rows)
    }

    public func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws -> TransitionOutcome<GenerationRecord> {
        try Self.requireLegal(JobUpdate(from: expected, to: .succeeded))
        let photosJSON = try Self.photosJSON(photos)
        let rows = try await single(
            """
            SELECT r.outcome, (r.generation).* FROM selfie_system_complete_generation(
                \(id.rawValue), \(expected.rawValue), \(photosJSON)::json, \(now)) AS r
            """)
        return try Self.generationOutcome(rows)
    }

    public func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        let (now, until) = leaseWindow(lease)
        return try await single(
            """
            SELECT * FROM selfie_system_claim_generations(
                \(lease.holder), \(now), \(until), \(Int32(clamping: max(0, limit))))
            ORDER BY created_at, id
            """
        ).map(PostgresRows.generation)
    }

    public func systemReleaseGenerationLease(_ id: GenerationID, holder: String) async throws {
        _ = try await single("SELECT selfie_system_release_generation_lease(\(id.rawValue), \(holder))")
    }

    static func generationOutcome(_ rows: [PostgresRow]) throws -> TransitionOutcome<GenerationRecord> {
        guard let row = rows.first else { throw notFound("generation") }
        return try PostgresRows.outcome(row, record: PostgresRows.generation(row))
    }

    /// The UTC calendar month holding `date`, as a half-open range.
    static func month(holding date: Date) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.dateInterval(of: .month, for: date)!.start
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return (start, end)
    }

    /// The photos of a completed generation as the JSON array `selfie_system_complete_generation` reads.
    static func photosJSON(_ photos: [PhotoRecord]) throws -> String {
        struct Row: Encodable {
            let id: String
            let user_id: String
            let kind: String
            let output_index: Int?
            let sha256: String
            let byte_count: Int
            let width: Int
            let height: Int
            let content_type: String
            let is_favourite: Bool
            let created_us: Int64
        }
        let rows = photos.map {
            Row(
                id: $0.id.description, user_id: $0.userID.rawValue, kind: $0.kind.rawValue,
                output_index: $0.outputIndex, sha256: $0.sha256, byte_count: $0.byteCount, width: $0.width,
                height: $0.height, content_type: $0.contentType, is_favourite: $0.isFavourite,
                created_us: Int64(($0.createdAt.timeIntervalSince1970 * 1_000_000).rounded(.down)))
        }
        return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
