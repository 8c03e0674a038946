import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import Testing

/// Isolation in the database itself: raw SQL over the store's own connection (the table owner, a
/// non-superuser) sees only the rows of the user named by `app.user_id`, and nothing without it.
@Suite("PostgreSQL row-level security")
struct RowLevelSecurityTests {
    static let tables = [
        "users", "user_models", "training_attempts", "generations", "photos", "webhook_receipts", "user_erasures",
    ]

    /// Gives users a1 and b1 a model, an attempt, a generation, a photo each, records a webhook, and begins
    /// each user's erasure (the tombstones are user-owned rows too).
    static func seed(_ store: PostgresSelfieModelStore) async throws {
        for id in ["a1", "b1"] {
            let user = Sample.user(id)
            _ = try await store.recordTrainingIntent(Sample.trainingIntent(for: user), for: user)
            _ = try await store.recordGenerationIntent(Sample.generationIntent(), monthlyLimit: nil, for: user)
            try await store.addPhoto(Sample.photo(for: user), for: user)
        }
        _ = try await store.systemRecordWebhookReceipt("msg_1", receivedAt: Date())
        for id in ["a1", "b1"] {
            _ = try await store.beginUserErasure(for: Sample.user(id), reason: "test")
        }
    }

    /// Row counts per table in one transaction on `client`, after `setting` (if any) ran in it.
    static func counts(_ client: PostgresClient, setting: PostgresQuery?) async throws -> [String: Int] {
        try await client.withTransaction(logger: Logger(label: "test")) { connection in
            if let setting { try await connection.query(setting, logger: Logger(label: "test")) }
            var counts: [String: Int] = [:]
            for table in tables {
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: Logger(label: "test")
                ).collect()
                counts[table] = try rows.first?.decode(Int.self) ?? -1
            }
            return counts
        }
    }

    @Test("under A's setting a raw query sees A's rows only, never B's, and cannot write B's")
    func rawQueriesUnderAsSetting() async throws {
        try await PostgresFixture.with("rls_raw") { fixture in
            try await Self.seed(fixture.store)
            let client = fixture.client
            let counts = try await Self.counts(client, setting: "SELECT set_config('app.user_id', 'a1', true)")
            #expect(
                counts == [
                    "users": 1, "user_models": 1, "training_attempts": 1, "generations": 1, "photos": 1,
                    "webhook_receipts": 0, "user_erasures": 1,
                ])
            try await client.withTransaction(logger: Logger(label: "test")) { connection in
                let logger = Logger(label: "test")
                try await connection.query("SELECT set_config('app.user_id', 'a1', true)", logger: logger)
                let owners = try await connection.query(
                    "SELECT DISTINCT user_id FROM generations WHERE user_id = 'b1' OR true", logger: logger
                ).collect().map { try $0.decode(String.self) }
                #expect(owners == ["a1"])
                let updated = try await connection.query(
                    "UPDATE generations SET prompt = 'stolen' WHERE user_id = 'b1' RETURNING id", logger: logger
                ).collect()
                #expect(updated.isEmpty)
                let deleted = try await connection.query(
                    "DELETE FROM photos WHERE user_id = 'b1' RETURNING id", logger: logger
                ).collect()
                #expect(deleted.isEmpty)
            }
            // Writing a row for B under A's setting violates the policy's WITH CHECK.
            let refused = await #expect(throws: PostgresTransactionError.self) {
                try await client.withTransaction(logger: Logger(label: "test")) { connection in
                    let logger = Logger(label: "test")
                    try await connection.query("SELECT set_config('app.user_id', 'a1', true)", logger: logger)
                    try await connection.query(
                        """
                        INSERT INTO generations (id, user_id, source, prompt, seed, request_body, status, created_at,
                                                 updated_at)
                        VALUES (gen_random_uuid(), 'b1', 'maya', 'x', 1, '\\x00', 'recorded', now(), now())
                        """, logger: logger)
                }
            }
            let cause = refused?.closureError as? PSQLError
            #expect(cause?.serverInfo?[.sqlState] == "42501", "insufficient privilege: the policy's WITH CHECK")
            let superuserCounts = try await fixture.asSuperuser { try await Self.counts($0, setting: nil) }
            #expect(superuserCounts["generations"] == 2, "B's rows are really there")
            #expect(superuserCounts["photos"] == 2)
            #expect(superuserCounts["user_erasures"] == 2)
        }
    }

    @Test(
        "with no setting, an empty setting, or a setting left over from an earlier transaction, nothing is visible",
        arguments: [
            nil, "SELECT set_config('app.user_id', '', true)", "SELECT set_config('app.user_id', '', false)",
        ] as [PostgresQuery?])
    func nothingWithoutAUser(_ setting: PostgresQuery?) async throws {
        try await PostgresFixture.with("rls_none") { fixture in
            try await Self.seed(fixture.store)
            // A transaction-local setting on this very connection ends with its transaction and then reads
            // as '' (not NULL); that must show nothing either.
            try await fixture.client.withConnection { connection in
                let logger = Logger(label: "test")
                _ = try await connection.withTransaction(logger: logger) { connection in
                    try await connection.query("SELECT set_config('app.user_id', 'a1', true)", logger: logger)
                }
                let leftover = try await connection.query(
                    "SELECT current_setting('app.user_id', true)", logger: logger
                ).collect().first?.decode(String?.self)
                #expect(leftover == "" || leftover == nil)
                let visible = try await connection.query("SELECT count(*) FROM generations", logger: logger)
                    .collect().first?.decode(Int.self)
                #expect(visible == 0)
            }
            let counts = try await Self.counts(fixture.client, setting: setting)
            #expect(counts.values.allSatisfy { $0 == 0 }, "\(counts)")
        }
    }

    @Test("row-level security is enabled and forced on every table, and binds the table owner")
    func forcedForTheOwner() async throws {
        try await PostgresFixture.with("rls_force") { fixture in
            try await Self.seed(fixture.store)
            let flags = try await fixture.client.strings(
                """
                SELECT c.relname || ' ' || c.relrowsecurity || ' ' || c.relforcerowsecurity || ' '
                       || (pg_get_userbyid(c.relowner) = current_user)
                  FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace
                   AND c.relname IN (
                       'users', 'user_models', 'training_attempts', 'generations', 'photos', 'webhook_receipts',
                       'user_erasures')
                 ORDER BY c.relname
                """)
            #expect(
                flags == [
                    "generations true true true", "photos true true true", "training_attempts true true true",
                    "user_erasures true true true", "user_models true true true", "users true true true",
                    "webhook_receipts true true true",
                ])
            let role = try await fixture.client.strings(
                "SELECT rolsuper || ' ' || rolbypassrls FROM pg_roles WHERE rolname = current_user")
            #expect(role == ["false false"], "the owner is an ordinary role")
            let counts = try await Self.counts(fixture.client, setting: nil)
            #expect(counts.values.allSatisfy { $0 == 0 }, "the owner sees nothing without a user: \(counts)")
        }
    }

    @Test("the system functions do one thing each: a webhook lookup finds the job, not a whole table")
    func systemFunctionsAreNarrow() async throws {
        try await PostgresFixture.with("rls_system") { fixture in
            let store = fixture.store
            let user = Sample.user("a1")
            let generation = try await store.recordGenerationIntent(
                Sample.generationIntent(), monthlyLimit: nil, for: user)
            _ = try await store.attachPredictionID(Sample.predictionID(1), to: generation.id, for: user)
            let found = try await store.systemGeneration(predictionID: Sample.predictionID(1))
            #expect(found?.id == generation.id)
            let definers = try await fixture.client.strings(
                """
                SELECT p.proname || ' ' || pg_get_userbyid(p.proowner) || ' '
                       || coalesce(array_to_string(p.proconfig, ','), '')
                  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1
                """)
            #expect(definers.count == 18, "fourteen for the store, four for the shared rate budget")
            for line in definers {
                #expect(line.hasPrefix("selfie_system_"), "\(line)")
                #expect(line.hasSuffix("selfie_model_system search_path=public, pg_temp"), "\(line)")
            }
            // The owner is a NOINHERIT member of the system role: it holds none of its privileges.
            let inherits = try await fixture.client.strings(
                "SELECT pg_has_role(current_user, 'selfie_model_system', 'USAGE')::text")
            #expect(inherits == ["false"])
        }
    }
}
