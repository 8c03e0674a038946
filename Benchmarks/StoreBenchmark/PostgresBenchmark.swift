import Foundation
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting

/// The PostgreSQL half of the benchmark: the store's transitions against plain single-row UPDATEs on the
/// same server, tables and rows, at the same concurrency (`tasks` tasks, `tasks` connections each side).
///
/// The server is `DATABASE_URL` when set (its role must be able to create roles and databases), otherwise
/// a throwaway server with PostgreSQL's durable defaults (fsync and synchronous commit on). The store runs
/// as the database's owner, an ordinary role, so row-level security is on and FORCED; the baselines run as
/// the superuser, which row-level security does not slow down.
///
/// Measured, in three rounds (medians reported):
/// - generation transitions, one compare-and-set on one row each: `recorded → processing` through the
///   system path (a SECURITY DEFINER function), then `processing → canceled` through the per-user path
///   (`app.user_id` set, the policies applied), against a raw `UPDATE generations SET status …, updated_at …
///   WHERE id = $1` on the same rows;
/// - training progress refreshes, which write two rows (the attempt, and the model record it mirrors onto),
///   against a raw single-row `UPDATE training_attempts SET progress … WHERE id = $1`.
enum PostgresBenchmark {
    struct Figures {
        let generationSystem: Double
        let generationUser: Double
        let generationRaw: Double
        let refreshSystem: Double
        let refreshUser: Double
        let refreshRaw: Double
    }

    static func run(on server: PostgresTestServer) async throws -> Figures {
        let database = try await server.makeDatabase(prefix: "benchmark")
        var ownerConfiguration = database.ownerConfiguration
        ownerConfiguration.options.maximumConnections = tasks
        let superuserConfiguration = {
            var configuration = database.superuserConfiguration
            configuration.options.maximumConnections = tasks
            return configuration
        }()

        return try await withRunningPostgresClient(ownerConfiguration) { client in
            let store = PostgresSelfieModelStore(client: client)
            try await store.migrate()
            let users = try (0..<tasks).map {
                AuthenticatedUser.verifiedByHost(try UserID("bench\($0)"), via: "benchmark")
            }
            let attempts = try await runningAttempts(in: store)
            return try await withRunningPostgresClient(superuserConfiguration) { admin in
                var measured: [Figures] = []
                for round in 0..<rounds {
                    measured.append(
                        try await measureRound(
                            round, store: store, admin: admin, users: users, attempts: attempts))
                }
                return Figures(
                    generationSystem: median(measured.map(\.generationSystem)),
                    generationUser: median(measured.map(\.generationUser)),
                    generationRaw: median(measured.map(\.generationRaw)),
                    refreshSystem: median(measured.map(\.refreshSystem)),
                    refreshUser: median(measured.map(\.refreshUser)),
                    refreshRaw: median(measured.map(\.refreshRaw)))
            }
        }
    }

    /// How many times each figure is measured; the report gives the medians, so a burst of load from other
    /// processes on the machine during one phase does not decide a ratio.
    static let rounds = 3

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// One round: each store phase, then its raw baseline right after, on the same rows.
    static func measureRound(
        _ round: Int, store: PostgresSelfieModelStore, admin: PostgresClient, users: [AuthenticatedUser],
        attempts: [TrainingAttemptID]
    ) async throws -> Figures {
        let generations = try await recordedGenerations(in: store, users: users)
        let generationSystem = try await measure { task, index in
            let outcome = try await store.systemUpdateGeneration(
                generations[task][index], JobUpdate(from: .recorded, to: .processing))
            precondition(outcome.didApply, "a generation transition did not apply")
        }
        let generationUser = try await measure { task, index in
            let outcome = try await store.updateGeneration(
                generations[task][index], JobUpdate(from: .processing, to: .canceled), for: users[task])
            precondition(outcome.didApply, "a per-user generation transition did not apply")
        }
        let generationRaw = try await measure { task, index in
            let status = index.isMultiple(of: 2) ? "failed" : "canceled"
            try await admin.query(
                """
                UPDATE generations SET status = \(status), updated_at = now()
                 WHERE id = \(generations[task][index].rawValue)
                """)
        }
        // Progress values differ per round and per path, so every refresh changes the row and applies.
        let offset = Double(round * 3)
        let refreshSystem = try await measure { task, index in
            let outcome = try await store.systemUpdateTrainingAttempt(
                attempts[task],
                JobUpdate(from: .processing, to: .processing, progress: (progress(index) + offset) / 10))
            precondition(outcome.didApply, "a progress refresh did not apply")
        }
        let refreshUser = try await measure { task, index in
            let outcome = try await store.updateTrainingAttempt(
                attempts[task],
                JobUpdate(from: .processing, to: .processing, progress: (progress(index) + offset + 1) / 10),
                for: users[task])
            precondition(outcome.didApply, "a per-user progress refresh did not apply")
        }
        let refreshRaw = try await measure { task, index in
            try await admin.query(
                """
                UPDATE training_attempts SET progress = \((progress(index) + offset + 2) / 10)
                 WHERE id = \(attempts[task].rawValue)
                """)
        }
        return Figures(
            generationSystem: generationSystem, generationUser: generationUser, generationRaw: generationRaw,
            refreshSystem: refreshSystem, refreshUser: refreshUser, refreshRaw: refreshRaw)
    }

    /// `updatesPerTask` recorded generations for each task's user, recorded concurrently per task.
    static func recordedGenerations(
        in store: PostgresSelfieModelStore, users: [AuthenticatedUser]
    ) async throws -> [[GenerationID]] {
        try await withThrowingTaskGroup(of: (Int, [GenerationID]).self) { group in
            for (task, user) in users.enumerated() {
                group.addTask {
                    var ids: [GenerationID] = []
                    for index in 0..<updatesPerTask {
                        let intent = NewGeneration(
                            source: .maya, prompt: "benchmark \(index)", seed: index, requestBody: Data("{}".utf8))
                        ids.append(try await store.recordGenerationIntent(intent, monthlyLimit: nil, for: user).id)
                    }
                    return (task, ids)
                }
            }
            var byTask = Array(repeating: [GenerationID](), count: users.count)
            for try await (task, ids) in group { byTask[task] = ids }
            return byTask
        }
    }

    static func report(_ figures: Figures) {
        print(String(format: "PostgreSQL generation transition, system path:    %8.0f /s", figures.generationSystem))
        print(String(format: "PostgreSQL generation transition, per-user (RLS): %8.0f /s", figures.generationUser))
        print(String(format: "PostgreSQL raw single-row UPDATE of a generation: %8.0f /s", figures.generationRaw))
        print(
            String(
                format: "PostgreSQL generation store / raw:                %8.2f system, %.2f per-user",
                figures.generationSystem / figures.generationRaw, figures.generationUser / figures.generationRaw))
        print(String(format: "PostgreSQL training refresh (2 rows), system:     %8.0f /s", figures.refreshSystem))
        print(String(format: "PostgreSQL training refresh (2 rows), per-user:   %8.0f /s", figures.refreshUser))
        print(String(format: "PostgreSQL raw single-row UPDATE of an attempt:   %8.0f /s", figures.refreshRaw))
        print(
            String(
                format: "PostgreSQL training refresh store / raw:          %8.2f system, %.2f per-user",
                figures.refreshSystem / figures.refreshRaw, figures.refreshUser / figures.refreshRaw))
    }
}
