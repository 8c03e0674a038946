import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import SelfieModelKitTesting
import Testing

/// Runs the shared ``StoreConformance`` suite against the PostgreSQL store: each check on a fresh database
/// of its own, connected as the database's non-superuser owner, with row-level security on.
@Suite("PostgreSQL store conformance")
struct PostgresConformanceTests {
    @Test("conforms", arguments: StoreConformance.Check.allCases)
    func conforms(_ check: StoreConformance.Check) async throws {
        let clients = RunningClients()
        defer { clients.shutDown() }
        let suite = StoreConformance {
            let database = try await PostgresTestServer.shared().makeDatabase(prefix: "conformance")
            let clock = AdjustableClock()
            let configuration = PostgresStoreConfiguration(now: clock.nowSource)
            let store = PostgresSelfieModelStore(
                client: clients.start(database.ownerConfiguration), configuration: configuration)
            try await store.migrate()
            return StoreConformanceSubject(
                store: store, clock: clock,
                reopen: {
                    PostgresSelfieModelStore(
                        client: clients.start(database.ownerConfiguration), configuration: configuration)
                })
        }
        do {
            try await suite.run(check)
        } catch {
            // PostgreSQL errors describe themselves only when reflected.
            throw PostgresTestServerError(String(reflecting: error))
        }
    }
}

/// Clients whose `run()` tasks live until the test ends; the suite creates stores from inside its checks,
/// so their clients cannot be scoped by a closure.
final class RunningClients: @unchecked Sendable {
    // `@unchecked`: `tasks` is only touched under `lock`.
    private let lock = NSLock()
    private var tasks: [Task<Void, Never>] = []

    /// A running client for `configuration`, with a connection limit that leaves room for parallel tests.
    func start(_ configuration: PostgresClient.Configuration) -> PostgresClient {
        var configuration = configuration
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration)
        let task = Task { await client.run() }
        lock.withLock { tasks.append(task) }
        return client
    }

    /// Stops every client (cancelling `run()` closes its connections).
    func shutDown() {
        for task in lock.withLock({ tasks }) { task.cancel() }
    }
}
