import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import SelfieModelKitReplicate
import SelfieModelKitTesting
import Testing

/// The shared rate budget on a real PostgreSQL: the same answers as the in-memory store, atomic across
/// clients, and out of the runtime roles' reach.
@Suite("PostgreSQL rate budget store")
struct RateBudgetStoreTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    @Test("a burst is granted, then the same retry-after as the in-memory store; a pause extends, never shortens")
    func sameAnswersAsInMemory() async throws {
        try await PostgresFixture.with("budget_same") { fixture in
            let postgres = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let memory = InMemoryRateBudgetStore()
            let limit = RateLimit(requestsPerMinute: 600, burst: 60)
            func both(_ bucket: RateBucket, _ limit: RateLimit, at seconds: Double) async throws -> PermitDecision {
                let now = Self.start.addingTimeInterval(seconds)
                let expected = await memory.takePermit(from: bucket, limit: limit, now: now)
                let answer = try await postgres.takePermit(from: bucket, limit: limit, now: now)
                #expect(answer == expected, "\(bucket) at +\(seconds)s")
                return answer
            }
            func pause(_ bucket: RateBucket, until seconds: Double) async throws {
                await memory.pause(bucket, until: Self.start.addingTimeInterval(seconds))
                try await postgres.pause(bucket, until: Self.start.addingTimeInterval(seconds))
            }

            for _ in 0..<60 { #expect(try await both(.predictionCreate, limit, at: 0) == .granted) }
            #expect(try await both(.predictionCreate, limit, at: 0) == .retry(after: .milliseconds(100)))
            // Dates off whole seconds are a few hundred nanoseconds off their decimal value: compare loosely
            // here (the exact comparison with the in-memory store is inside `both`).
            #expect(
                Self.retrySeconds(try await both(.predictionCreate, limit, at: 0.04)).map { abs($0 - 0.06) < 1e-5 }
                    == true)
            #expect(try await both(.predictionCreate, limit, at: 0.1) == .granted)
            #expect(
                Self.retrySeconds(try await both(.predictionCreate, limit, at: 0.1)).map { abs($0 - 0.1) < 1e-5 }
                    == true)

            try await pause(.general, until: 10)
            #expect(try await both(.general, limit, at: 4) == .retry(after: .seconds(6)))
            try await pause(.general, until: 20)
            try await pause(.general, until: 12)
            #expect(try await both(.general, limit, at: 15) == .retry(after: .seconds(5)), "not shortened")
            #expect(try await both(.general, limit, at: 20) == .granted)

            // An interval that is no whole number of nanoseconds, and a long pseudo-random sequence of
            // takes and pauses on three buckets: every answer must be the in-memory store's.
            let odd = RateLimit(requestsPerMinute: 7, burst: 3)
            let buckets = [RateBucket(name: "odd.a"), RateBucket(name: "odd.b"), RateBucket(name: "odd.c")]
            var random = SeededRandom(seed: 42)
            var seconds = 100.0
            var granted = 0
            for _ in 0..<240 {
                seconds += Double(random.next(upTo: 4000)) / 1000
                let bucket = buckets[random.next(upTo: buckets.count)]
                if random.next(upTo: 12) == 0 {
                    try await pause(bucket, until: seconds + Double(random.next(upTo: 30_000)) / 1000)
                } else if try await both(bucket, odd, at: seconds) == .granted {
                    granted += 1
                }
            }
            #expect(granted > 20 && granted < 200, "the sequence exercises both answers (\(granted) granted)")
        }
    }

    @Test("the first call for a new bucket inserts its row and is granted; a first pause inserts it too")
    func newBucket() async throws {
        try await PostgresFixture.with("budget_new") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let limit = RateLimit(requestsPerMinute: 60, burst: 1)
            let fresh = RateBucket(name: "bucket.never.seen")
            #expect(try await store.takePermit(from: fresh, limit: limit, now: Self.start) == .granted)
            #expect(
                try await store.takePermit(from: fresh, limit: limit, now: Self.start) == .retry(after: .seconds(1)))
            let paused = RateBucket(name: "bucket.paused.first")
            try await store.pause(paused, until: Self.start.addingTimeInterval(30))
            #expect(
                try await store.takePermit(from: paused, limit: limit, now: Self.start) == .retry(after: .seconds(30)))
            let rows = try await fixture.asSuperuser { client in
                try await client.stringsExplained(
                    """
                    SELECT bucket || ' ' || coalesce(theoretical_arrival_ns::text, '-') || ' '
                           || coalesce(paused_until_ns::text, '-')
                      FROM rate_budget_buckets ORDER BY bucket
                    """)
            }
            let startNanoseconds = 1_750_000_000 * 1_000_000_000 as Int64
            #expect(
                rows == [
                    "bucket.never.seen \(startNanoseconds + 1_000_000_000) -",
                    "bucket.paused.first - \(startNanoseconds + 30_000_000_000)",
                ])
        }
    }

    @Test("two clients hammering one bucket at the same instant get exactly one burst between them")
    func concurrentClientsNeverOverGrant() async throws {
        try await PostgresFixture.with("budget_race") { fixture in
            try await withRunningPostgresClient(fixture.database.ownerConfiguration) { second in
                let stores = [
                    PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil),
                    PostgresRateBudgetStore(client: second, maximumClockSkew: nil),
                ]
                let limit = RateLimit(requestsPerMinute: 60, burst: 50)
                func hammer(at seconds: Double) async throws -> Int {
                    try await withThrowingTaskGroup(of: Int.self) { group in
                        for task in 0..<16 {
                            group.addTask {
                                var granted = 0
                                for _ in 0..<12 {
                                    let decision = try await stores[task % 2].takePermit(
                                        from: .predictionCreate, limit: limit,
                                        now: Self.start.addingTimeInterval(seconds))
                                    if decision == .granted { granted += 1 }
                                }
                                return granted
                            }
                        }
                        return try await group.reduce(0, +)
                    }
                }
                let granted = [try await hammer(at: 0), try await hammer(at: 3), try await hammer(at: 3)]
                let afterQuietSpell = try await hammer(at: 120)
                #expect(granted == [50, 3, 0], "192 calls, one burst; three intervals later, three more")
                #expect(afterQuietSpell == 50, "after a quiet spell, a full burst again")
            }
        }
    }

    @Test("two RateBudgets on two clients (two processes) share one limit on virtual time")
    func twoBudgetsShareOneLimit() async throws {
        let limit = RateLimit(requestsPerMinute: 60, burst: 5)
        try await PostgresFixture.with("budget_two") { fixture in
            try await withRunningPostgresClient(fixture.database.ownerConfiguration) { second in
                let shared = try await Self.runTwoBudgets(
                    limit: limit,
                    stores: [
                        PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil),
                        PostgresRateBudgetStore(client: second, maximumClockSkew: nil),
                    ])
                // One burst at the start, then exactly one permit per second of virtual time, in total.
                #expect(shared == [5, 6, 7, 8, 11])
            }
        }
        // What the shared store prevents: two processes with a store each spend the limit twice.
        let separate = try await Self.runTwoBudgets(
            limit: limit, stores: [InMemoryRateBudgetStore(), InMemoryRateBudgetStore()])
        #expect(separate == [10, 12, 14, 16, 22])
    }

    @Test("no login role reads or writes the table directly; a runtime role takes permits through the functions")
    func tableIsOutOfReach() async throws {
        try await PostgresFixture.with("budget_roles") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let limit = RateLimit(requestsPerMinute: 60, burst: 2)
            #expect(try await store.takePermit(from: .general, limit: limit, now: Self.start) == .granted)
            let before = try await Self.bucketRows(fixture)

            // The owner (the migrating role, which may also serve): row-level security hides every row.
            #expect(try await fixture.client.strings("SELECT bucket FROM rate_budget_buckets") == [])
            #expect(
                try await fixture.client.strings(
                    "UPDATE rate_budget_buckets SET theoretical_arrival_ns = 0 RETURNING bucket") == [])
            #expect(try await fixture.client.strings("DELETE FROM rate_budget_buckets RETURNING bucket") == [])
            let insert = await #expect(throws: PSQLError.self) {
                try await fixture.client.query("INSERT INTO rate_budget_buckets (bucket) VALUES ('forged')")
            }
            #expect(insert?.serverInfo?[.sqlState] == "42501", "the policy admits the system role only")

            // A separate runtime role: no privilege on the table at all, EXECUTE on the functions.
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
                for statement in [
                    "UPDATE rate_budget_buckets SET theoretical_arrival_ns = 0",
                    "DELETE FROM rate_budget_buckets", "SELECT * FROM rate_budget_buckets",
                    "INSERT INTO rate_budget_buckets (bucket) VALUES ('forged')",
                ] {
                    let error = await #expect(throws: PSQLError.self, "\(statement)") {
                        try await client.query(PostgresQuery(unsafeSQL: statement))
                    }
                    #expect(error?.serverInfo?[.sqlState] == "42501", "permission denied: \(statement)")
                }
                let runtimeStore = PostgresRateBudgetStore(client: client, maximumClockSkew: nil)
                let decisions = [
                    try await runtimeStore.takePermit(from: .general, limit: limit, now: Self.start),
                    try await runtimeStore.takePermit(from: .general, limit: limit, now: Self.start),
                ]
                #expect(decisions == [.granted, .retry(after: .seconds(1))])
            }
            #expect(before == ["general \(1_750_000_001_000_000_000 as Int64)"])
            #expect(try await Self.bucketRows(fixture) == ["general \(1_750_000_002_000_000_000 as Int64)"])
        }
    }

    @Test("by default a permit whose clock is further than five seconds from the database's is refused")
    func clockSkewIsRefused() async throws {
        try await PostgresFixture.with("budget_skew") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client)
            #expect(store.maximumClockSkew == .seconds(5))
            let limit = RateLimit(requestsPerMinute: 60, burst: 3)
            #expect(try await store.takePermit(from: .general, limit: limit, now: Date()) == .granted)
            for offset in [-3600.0, 30, 3600] {
                let error = await #expect(throws: SelfieModelKitError.self, "\(offset) s off") {
                    try await store.takePermit(from: .general, limit: limit, now: Date().addingTimeInterval(offset))
                }
                #expect(error?.code == .configuration)
                #expect(error?.rule == "postgres.clock-skew")
                #expect(error?.detail.contains("ms from the database's") == true, "\(String(describing: error))")
            }
            // The refused calls took nothing: two permits of the burst are left.
            let now = Date()
            let decisions = [
                try await store.takePermit(from: .general, limit: limit, now: now),
                try await store.takePermit(from: .general, limit: limit, now: now),
            ]
            #expect(decisions == [.granted, .granted])
        }
    }

    /// The wait of a `.retry` decision in seconds, or `nil` for `.granted`.
    static func retrySeconds(_ decision: PermitDecision) -> Double? {
        guard case .retry(let wait) = decision else { return nil }
        let (seconds, attoseconds) = wait.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The bucket rows as the superuser sees them.
    static func bucketRows(_ fixture: PostgresFixture) async throws -> [String] {
        try await fixture.asSuperuser { client in
            try await client.stringsExplained(
                "SELECT bucket || ' ' || theoretical_arrival_ns FROM rate_budget_buckets ORDER BY bucket")
        }
    }
}

extension RateBudgetStoreTests {
    /// Two `RateBudget`s, one per store, on one manual clock, with 20 waiting requests each from three
    /// users. Returns the permits the stores granted in total: when both budgets are idle at the start,
    /// then after each of three one-second steps, then after a three-second step.
    ///
    /// Permits are counted where the stores grant them. "Idle" means both budgets' pumps sleep on the
    /// clock: then no store call is under way, so the count is exact. Every step wakes both pumps (their
    /// retries are at most one interval), and ``ManualSchedulingClock/advance(by:)`` removes the woken
    /// sleepers at once, so two sleepers again means both pumps ran and went back to sleep.
    static func runTwoBudgets(limit: RateLimit, stores: [any RateBudgetStore]) async throws -> [Int] {
        let clock = ManualSchedulingClock(start: start)
        let counting = stores.map { CountingRateBudgetStore(wrapping: $0) }
        let budgets = counting.map {
            RateBudget(limits: .init(general: limit), store: $0, clock: clock.schedulingClock)
        }
        let users = try ["u1", "u2", "u3"].map { try UserID($0) }
        let completed = Counter()
        func granted() -> Int { counting.reduce(0) { $0 + $1.granted } }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for budget in budgets {
                for index in 0..<20 {
                    group.addTask {
                        try await budget.acquire(.general, for: users[index % users.count])
                        completed.add(1)
                    }
                }
            }
            var totals: [Int] = []
            for step in [0.0, 1, 1, 1, 3] {
                clock.advance(by: step)
                try await settle { clock.sleeperCount == budgets.count }
                totals.append(granted())
            }
            try await settle { completed.value == granted() }
            #expect(completed.value == granted(), "every permit went to a waiting request")
            group.cancelAll()
            while true {
                do {
                    guard try await group.next() != nil else { break }
                } catch is CancellationError {
                    continue
                }
            }
            return totals
        }
    }

    /// Polls `condition` until it holds, failing after ten seconds (a bound, not a measured time).
    static func settle(_ condition: () -> Bool) async throws {
        for _ in 0..<5000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("the budgets never settled")
    }
}
