import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import SelfieModelKitSQLite
import SelfieModelKitTesting

/// Makes a fresh, empty store for one test. Every integration test takes a factory as its argument, so
/// the same tests run on each store in ``all``.
struct StoreFactory: Sendable, CustomStringConvertible {
    /// A store made for one test, and how to release it afterwards.
    struct Made: Sendable {
        /// The store.
        let store: any SelfieModelStore
        /// Releases the store's resources (connections).
        let close: @Sendable () async -> Void
    }

    /// A name for test output.
    let name: String
    /// Makes an empty store whose own clock (timestamps, leases, receipts, the month of the quota) reads
    /// `now`.
    let make: @Sendable (_ now: @escaping @Sendable () -> Date) async throws -> Made

    var description: String { name }

    /// The in-memory store of `SelfieModelKitTesting`.
    static let inMemory = StoreFactory(name: "in-memory") { now in
        Made(store: InMemorySelfieModelStore(now: now), close: {})
    }

    /// The PostgreSQL store on a database of its own, migrated, connected as the database's non-superuser
    /// owner with row-level security on: on `DATABASE_URL`'s server when set, otherwise on a throwaway server
    /// started from the machine's binaries (`SelfieModelKitPostgresTesting`).
    static let postgres = StoreFactory(name: "PostgreSQL") { now in
        let database = try await PostgresTestServer.shared().makeDatabase(prefix: "services")
        var configuration = database.ownerConfiguration
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration)
        let running = Task { await client.run() }
        let store = PostgresSelfieModelStore(client: client, configuration: PostgresStoreConfiguration(now: now))
        do {
            try await store.migrate()
        } catch {
            running.cancel()
            throw PostgresTestServerError(String(reflecting: error))
        }
        return Made(store: store, close: { running.cancel() })
    }

    /// The SQLite store in a folder of its own, removed when the test ends.
    static let sqlite = StoreFactory(name: "SQLite") { now in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "selfie-integration-\(UUID().uuidString)", isDirectory: true)
        let store = try SQLiteSelfieModelStore(directory: folder, now: now)
        return Made(
            store: store,
            close: {
                try? store.close()
                try? FileManager.default.removeItem(at: folder)
            })
    }

    /// Every store the integration tests run on.
    static let all: [StoreFactory] = [.inMemory, .postgres]

    /// All three backends, for the tests whose promise is "the same on every store" (erasure).
    static let everyBackend: [StoreFactory] = [.inMemory, .sqlite, .postgres]
}
