import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import Testing

@Suite("PostgreSQL connection safety")
struct ConnectionSafetyTests {
    @Test("a superuser connection is refused for per-user and system operations, with the SQL to fix it")
    func superuserIsRefused() async throws {
        try await PostgresFixture.with("safety_super") { fixture in
            try await fixture.asSuperuser { client in
                let store = PostgresSelfieModelStore(client: client)
                let error = await #expect(throws: SelfieModelKitError.self) {
                    try await store.userModel(for: Sample.user("a1"))
                }
                #expect(error?.code == .configuration)
                #expect(error?.rule == "postgres.unsafe-role")
                #expect(error?.userMessage.contains("is a superuser") == true)
                #expect(error?.userMessage.contains("CREATE ROLE selfie_app LOGIN") == true)
                #expect(error?.userMessage.contains("NOBYPASSRLS") == true)
                await #expect(throws: SelfieModelKitError.self) {
                    try await store.systemRecordWebhookReceipt("msg_1", receivedAt: Date())
                }
            }
        }
    }

    @Test("a BYPASSRLS role and a role inheriting the system role are refused")
    func bypassAndInheritanceAreRefused() async throws {
        try await PostgresFixture.with("safety_bypass") { fixture in
            let owner = fixture.database.ownerRole
            _ = try await fixture.asSuperuser { client in
                try await client.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(owner) BYPASSRLS"))
            }
            let bypassing = PostgresSelfieModelStore(client: fixture.client)
            let error = await #expect(throws: SelfieModelKitError.self) {
                try await bypassing.userModel(for: Sample.user("a1"))
            }
            #expect(error?.userMessage.contains("has BYPASSRLS") == true)

            _ = try await fixture.asSuperuser { client in
                try await client.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(owner) NOBYPASSRLS INHERIT"))
            }
            try await withRunningPostgresClient(fixture.database.ownerConfiguration) { client in
                let inheriting = PostgresSelfieModelStore(client: client)
                let error = await #expect(throws: SelfieModelKitError.self) {
                    try await inheriting.userModel(for: Sample.user("a1"))
                }
                #expect(error?.userMessage.contains("inherits the privileges of the system role") == true)
            }
        }
    }

    @Test("a migration-only store migrates over a superuser connection and serves nothing")
    func migrationOnly() async throws {
        try await PostgresFixture.with("safety_migrate", migrate: false) { fixture in
            let applied = try await fixture.asSuperuser { client in
                let store = PostgresSelfieModelStore(client: client, purpose: .migrationOnly)
                let applied = try await store.migrate()
                let error = await #expect(throws: SelfieModelKitError.self) {
                    try await store.userModel(for: Sample.user("a1"))
                }
                #expect(error?.rule == "postgres.migration-only")
                return applied
            }
            #expect(applied == PostgresMigration.all(for: PostgresStoreConfiguration()).map(\.version))
        }
    }

    @Test("a separate runtime role granted by the migrator serves users, isolated")
    func separateRuntimeRole() async throws {
        try await PostgresFixture.with("safety_runtime") { fixture in
            let runtime = "app_\(fixture.database.name.suffix(20))"
            try await fixture.asSuperuser { client in
                try await client.query(
                    PostgresQuery(unsafeSQL: "CREATE ROLE \(runtime) LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT"))
                try await client.query(PostgresQuery(unsafeSQL: "GRANT USAGE ON SCHEMA public TO \(runtime)"))
            }
            try await fixture.store.migrator.grantRuntimeAccess(to: try SQLIdentifier(runtime))
            var configuration = fixture.database.ownerConfiguration
            configuration.username = runtime
            try await withRunningPostgresClient(configuration) { client in
                let store = PostgresSelfieModelStore(client: client)
                let user = Sample.user("r1")
                let attempt = try await store.recordTrainingIntent(Sample.trainingIntent(for: user), for: user)
                _ = try await store.attachTrainingID(
                    Sample.trainingID(1), inputImagesURL: "https://x/a.zip", to: attempt.id, for: user)
                let done = try await store.systemCompleteTraining(
                    attempt.id, expected: .starting, version: Sample.version, versionSchemaJSON: nil)
                #expect(done.didApply)
                #expect(try await store.userModel(for: user)?.replicateVersionID == Sample.version)
                #expect(try await store.userModel(for: Sample.user("r2")) == nil)
            }
        }
    }
}
