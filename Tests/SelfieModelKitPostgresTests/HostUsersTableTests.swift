import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import Testing

/// A host with its own users table: the store references it instead of creating `users`.
@Suite("PostgreSQL store on a host's users table")
struct HostUsersTableTests {
    static let configuration = PostgresStoreConfiguration(
        usersTable: .host(table: SQLTableName(table: "accounts"), key: "account_id"))

    @Test("the store references the host's table, and a user must exist there before writing")
    func referencesTheHostTable() async throws {
        try await PostgresFixture.with("host_users", migrate: false) { fixture in
            try await fixture.client.query(
                "CREATE TABLE accounts (account_id varchar(40) PRIMARY KEY, email text NOT NULL)")
            let store = PostgresSelfieModelStore(client: fixture.client, configuration: Self.configuration)
            try await store.migrate()
            let tables = try await fixture.client.strings(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            #expect(!tables.contains("users"))
            let reference = try await fixture.client.strings(
                """
                SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'user_models_user_id_fkey'
                """)
            #expect(reference == ["FOREIGN KEY (user_id) REFERENCES accounts(account_id) ON DELETE CASCADE"])

            let user = Sample.user("h1")
            let missing = await #expect(throws: SelfieModelKitError.self) {
                try await store.recordTrainingIntent(Sample.trainingIntent(for: user), for: user)
            }
            #expect(missing?.rule == "postgres.user-missing")
            try await fixture.client.query("INSERT INTO accounts VALUES ('h1', 'h1@example.com')")
            let attempt = try await store.recordTrainingIntent(Sample.trainingIntent(for: user), for: user)
            #expect(attempt.userID == user.id)
            try await fixture.client.query("DELETE FROM accounts WHERE account_id = 'h1'")
            #expect(try await store.userModel(for: user) == nil, "deleting the account cascades")
        }
    }

    @Test("a host table without a text key is refused by the first migration")
    func refusesANonTextKey() async throws {
        try await PostgresFixture.with("host_users_int", migrate: false) { fixture in
            try await fixture.client.query("CREATE TABLE accounts (account_id bigint PRIMARY KEY)")
            let store = PostgresSelfieModelStore(client: fixture.client, configuration: Self.configuration)
            let error = await #expect(throws: SelfieModelKitError.self) { try await store.migrate() }
            #expect(error?.rule == "postgres.migration-failed")
            #expect(error?.detail.contains("text or varchar key column") == true)
            #expect(try await store.migrator.appliedVersions() == [])
        }
    }
}
