import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import SelfieModelKitReplicate

/// Rate budget permits per second: `PostgresRateBudgetStore` against `InMemoryRateBudgetStore`, measured in
/// the same run, on one bucket (as all prediction creates share one), with a limit so generous that every
/// permit is granted, so the figures are the stores' own cost.
///
/// - "store": `tasks` tasks call `takePermit` directly, `tasks` connections on the PostgreSQL side; every
///   call waits for the bucket's row lock, so this is the most one bucket can serve across all instances.
/// - "raw": the floor for any shared counter, `tasks` tasks running a plain `UPDATE` of one shared row of the
///   same table as the superuser: every update, like every permit, waits for the row lock and its commit.
/// - "RateBudget": `tasks` tasks call `acquire` on one `RateBudget` (users round-robin); one caller at a
///   time asks the store (the budget's pump), so this is one instance's ceiling: one round trip a permit.
///
/// Replicate allows 10 prediction creates and 50 other calls a second; both ceilings are far above that.
enum RateBudgetBenchmark {
    struct Figures {
        let memoryStore: Double
        let postgresStore: Double
        let rawSharedRow: Double
        let memoryBudget: Double
        let postgresBudget: Double
    }

    /// Every call is granted: a 10 µs interval with a ten-second burst allowance.
    static let generous = RateLimit(requestsPerMinute: 6_000_000, burst: 1_000_000)

    static func run(on server: PostgresTestServer) async throws -> Figures {
        let database = try await server.makeDatabase(prefix: "budget")
        var configuration = database.ownerConfiguration
        configuration.options.maximumConnections = tasks
        let superuserConfiguration = {
            var configuration = database.superuserConfiguration
            configuration.options.maximumConnections = tasks
            return configuration
        }()
        return try await withRunningPostgresClient(configuration) { client in
            try await PostgresMigrator(client: client).migrate()
            let postgres = PostgresRateBudgetStore(client: client)
            let admin = PostgresClient(configuration: superuserConfiguration)
            let adminRun = Task { await admin.run() }
            defer { adminRun.cancel() }
            let users = try (0..<tasks).map { try UserID("bench\($0)") }
            var measured: [Figures] = []
            for round in 0..<PostgresBenchmark.rounds {
                let bucket = RateBucket(name: "benchmark.\(round)")
                let memory = InMemoryRateBudgetStore()
                let memoryStore = try await measureStore(memory, bucket: bucket)
                let postgresStore = try await measureStore(postgres, bucket: bucket)
                let rawSharedRow = try await measure { _, _ in
                    try await admin.query(
                        """
                        UPDATE rate_budget_buckets SET theoretical_arrival_ns = theoretical_arrival_ns + 1
                         WHERE bucket = \(bucket.name)
                        """)
                }
                let budgetBucket = RateBucket(name: "benchmark.budget.\(round)")
                let memoryBudget = try await measureBudget(
                    InMemoryRateBudgetStore(), bucket: budgetBucket, users: users)
                let postgresBudget = try await measureBudget(postgres, bucket: budgetBucket, users: users)
                measured.append(
                    Figures(
                        memoryStore: memoryStore, postgresStore: postgresStore, rawSharedRow: rawSharedRow,
                        memoryBudget: memoryBudget, postgresBudget: postgresBudget))
            }
            return Figures(
                memoryStore: PostgresBenchmark.median(measured.map(\.memoryStore)),
                postgresStore: PostgresBenchmark.median(measured.map(\.postgresStore)),
                rawSharedRow: PostgresBenchmark.median(measured.map(\.rawSharedRow)),
                memoryBudget: PostgresBenchmark.median(measured.map(\.memoryBudget)),
                postgresBudget: PostgresBenchmark.median(measured.map(\.postgresBudget)))
        }
    }

    static func measureStore(_ store: any RateBudgetStore, bucket: RateBucket) async throws -> Double {
        try await measure { _, _ in
            let decision = try await store.takePermit(from: bucket, limit: generous, now: Date())
            precondition(decision == .granted, "the benchmark's limit must grant every permit")
        }
    }

    static func measureBudget(
        _ store: any RateBudgetStore, bucket: RateBucket, users: [UserID]
    ) async throws
        -> Double
    {
        let budget = RateBudget(limits: .init(predictionCreate: generous, general: generous), store: store)
        return try await measure { task, _ in try await budget.acquire(bucket, for: users[task]) }
    }

    static func report(_ figures: Figures) {
        print(String(format: "rate budget store, in memory:          %10.0f permits/s", figures.memoryStore))
        print(String(format: "rate budget store, PostgreSQL:         %10.0f permits/s", figures.postgresStore))
        print(
            String(
                format: "rate budget store PostgreSQL / memory: %10.4f", figures.postgresStore / figures.memoryStore))
        print(String(format: "raw UPDATE of one shared row:          %10.0f updates/s", figures.rawSharedRow))
        print(
            String(
                format: "rate budget store PostgreSQL / raw:    %10.2f", figures.postgresStore / figures.rawSharedRow))
        print(String(format: "RateBudget.acquire, in-memory store:   %10.0f permits/s", figures.memoryBudget))
        print(String(format: "RateBudget.acquire, PostgreSQL store:  %10.0f permits/s", figures.postgresBudget))
        print(
            String(
                format: "RateBudget.acquire PostgreSQL / memory: %9.4f", figures.postgresBudget / figures.memoryBudget))
    }
}
