import Foundation
import Logging
import PostgresNIO
import PostgresTestServer
import SelfieModelKit
import SelfieModelKitPostgres

/// The PostgreSQL half of the benchmark: the store's transitions against plain single-row UPDATEs on the
/// same server, table and rows, at the same concurrency.
///
/// The server is `DATABASE_URL` when set (its role must be able to create roles and databases), otherwise
/// a throwaway server with PostgreSQL's durable defaults (fsync and synchronous commit on). The store runs
/// as the database's owner, an ordinary role, so row-level security is on and FORCED; the baseline runs as
/// the superuser, which row-level security does not slow down.
enum PostgresBenchmark {
    struct Figures {
        let systemPath: Double
        let userPath: Double
        let raw: Double
    }

    static func run() async throws -> Figures {
        let server = try await PostgresTestServer.start(durable: true)
        let database = try await server.makeDatabase(prefix: "benchmark")
        var ownerConfiguration = database.ownerConfiguration
        ownerConfiguration.options.maximumConnections = tasks
        let superuserConfiguration = {
            var configuration = database.superuserConfiguration
            configuration.options.maximumConnections = tasks
            return configuration
        }()

        return try await withClient(ownerConfiguration) { client in
            let store = PostgresSelfieModelStore(client: client)
            try await store.migrate()
            let attempts = try await runningAttempts(in: store)
            let users = try (0..<tasks).map {
                AuthenticatedUser.verifiedByHost(try UserID("bench\($0)"), via: "benchmark")
            }
            let systemPath = try await benchmarkStore(store, attempts: attempts)
            let userPath = try await measure { task, index in
                let outcome = try await store.updateTrainingAttempt(
                    attempts[task], JobUpdate(from: .processing, to: .processing, progress: progress(index) / 2),
                    for: users[task])
                precondition(outcome.didApply, "a per-user progress refresh did not apply")
            }
            let raw = try await withClient(superuserConfiguration) { admin in
                try await measure { task, index in
                    try await admin.query(
                        "UPDATE training_attempts SET progress = \(progress(index) / 3) WHERE id = \(attempts[task].rawValue)"
                    )
                }
            }
            return Figures(systemPath: systemPath, userPath: userPath, raw: raw)
        }
    }
}
