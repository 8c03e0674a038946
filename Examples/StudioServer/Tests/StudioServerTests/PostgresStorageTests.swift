import Foundation
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgresTesting
import SelfieModelKitTesting
import Testing

@testable import StudioServer

/// The server on PostgreSQL: the host's accounts table, what `DATABASE_URL` chooses, and the roles it refuses.
@Suite("Studio server on PostgreSQL")
struct PostgresStorageTests {
    @Test("accounts live in the host's own table, which the library's records reference")
    func hostAccountsTable() async throws {
        try await TestServer.with(.postgres) { server in
            let database = try #require(server.database)
            let accounts = try #require(server.backend.accounts as? PostgresAccountStore)
            let ada = Account(userID: try UserID("ada1"), email: "ada@example.com", passwordHash: "$2b$04$hash")
            #expect(try await accounts.create(ada))
            let taken = Account(userID: try UserID("other2"), email: "ada@example.com", passwordHash: "$2b$04$x")
            #expect(try await !accounts.create(taken), "a taken email is refused")
            #expect(try await accounts.account(email: "ada@example.com") == ada)
            #expect(try await accounts.account(userID: ada.userID) == ada)
            #expect(try await accounts.account(userID: taken.userID) == nil)
            #expect(try await accounts.migrate() == [], "the host's migrations ran once")

            try await withRunningPostgresClient(database.superuserConfiguration) { client in
                let reference = try await client.query(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'user_models_user_id_fkey'"
                ).collect().map { try $0.decode(String.self) }
                #expect(reference == ["FOREIGN KEY (user_id) REFERENCES studio_accounts(user_id) ON DELETE CASCADE"])
                let versions = try await client.query("SELECT version FROM studio_migrations").collect()
                    .map { try $0.decode(Int.self) }
                #expect(versions == [1])
                let libraryUsers = try await client.query("SELECT to_regclass('public.users')::text").collect()
                    .map { try $0.decode(String?.self) }
                #expect(libraryUsers == [nil], "the library keeps no users table of its own here")
            }
        }
    }

    @Test("DATABASE_URL chooses PostgreSQL, and the server starts on it")
    func databaseURLChoosesPostgres() async throws {
        let database = try await PostgresTestServer.shared().makeDatabase(prefix: "studio_url")
        let host = database.superuserConfiguration.host ?? "127.0.0.1"
        let port = try await withRunningPostgresClient(database.superuserConfiguration) { client in
            try await client.query("SHOW port").collect().first?.decode(String.self) ?? "5432"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("studio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url =
            "postgres://\(database.ownerRole):\(database.ownerPassword)@\(host):\(port)/\(database.name)"
            + "?sslmode=disable"
        let storage = try StudioBackend.Storage.fromEnvironment(
            ["DATABASE_URL": url], dataFolder: folder, logger: TestServer.quiet)
        guard case .postgres(let configuration, let dataFolder) = storage else {
            Issue.record("DATABASE_URL did not choose PostgreSQL: \(storage.summary)")
            return
        }
        #expect(configuration.username == database.ownerRole)
        #expect(dataFolder == folder)
        #expect(!storage.summary.contains(database.ownerPassword))

        let backend = try await StudioBackend.make(
            environment: ["DATABASE_URL": url, "SELFIE_REPLICATE_BACKEND": "simulator"], storage: storage,
            simulatorClock: .virtual(), bcryptCost: 4,
            logger: TestServer.quiet)
        let account = Account(userID: try UserID("grace1"), email: "grace@example.com", passwordHash: "$2b$04$h")
        #expect(try await backend.accounts.create(account))
        await backend.close()

        let unset = try StudioBackend.Storage.fromEnvironment(
            ["DATABASE_URL": ""], dataFolder: folder, logger: TestServer.quiet)
        guard case .dataFolder = unset else {
            Issue.record("an empty DATABASE_URL did not choose the data folder")
            return
        }
        let error = #expect(throws: SelfieModelKitError.self) {
            try StudioBackend.Storage.fromEnvironment(
                ["DATABASE_URL": url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=prefer")],
                dataFolder: folder, logger: TestServer.quiet)
        }
        #expect(error?.rule == "database-url.sslmode")
        #expect(error.map { "\($0)" }?.contains(database.ownerPassword) == false)
    }

    @Test("a superuser connection is refused at start, with the SQL to make a proper role")
    func superuserRefused() async throws {
        let database = try await PostgresTestServer.shared().makeDatabase(prefix: "studio_super")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("studio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = await #expect(throws: SelfieModelKitError.self) {
            _ = try await StudioBackend.make(
                environment: ["SELFIE_REPLICATE_BACKEND": "simulator"],
                storage: .postgres(database.superuserConfiguration, dataFolder: folder),
                simulatorClock: .virtual(), bcryptCost: 4, logger: TestServer.quiet)
        }
        #expect(error?.rule == "postgres.unsafe-role")
        #expect(error?.userMessage.contains("CREATE ROLE") == true)
    }
}
