import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitReplicate
import SelfieModelKitTesting
import Testing

/// Fairness across host instances: every instance asks the shared budget for permits, and each names how
/// many users wait in it. An instance with one waiting user must not get as many permits as one with ten:
/// users, not instances, share the budget. Found by reading the code for the fleet issue: the fairness
/// queues live in each process, so before this each instance got an equal share whatever its load.
@Suite("PostgreSQL rate budget: fair shares across instances")
struct FairShareTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    /// Both instances ask at every tick of a budget that grants one permit a second; `busy` has ten
    /// users waiting, `quiet` one. Returns how many permits each got over `ticks` seconds.
    private func shares(
        _ store: any RateBudgetStore, ticks: Int, quietFirst: Bool
    ) async throws -> (busy: Int, quiet: Int) {
        let limit = RateLimit(requestsPerMinute: 60, burst: 1)
        let busy = PermitClaimant(instance: "instance-busy", waitingUsers: 10)
        let quiet = PermitClaimant(instance: "instance-quiet", waitingUsers: 1)
        var counts = (busy: 0, quiet: 0)
        for tick in 0..<ticks {
            let now = Self.start.addingTimeInterval(Double(tick))
            let order = quietFirst ? [quiet, busy] : [busy, quiet]
            for claimant in order {
                let decision = try await store.takePermit(
                    from: .predictionCreate, limit: limit, now: now, claimant: claimant)
                if decision == .granted {
                    if claimant == busy { counts.busy += 1 } else { counts.quiet += 1 }
                }
            }
        }
        return counts
    }

    @Test("an instance with one waiting user gets about a tenth of what one with ten gets")
    func sharesFollowWaitingUsers() async throws {
        try await PostgresFixture.with("budget_fair") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let counts = try await shares(store, ticks: 110, quietFirst: true)
            #expect(counts.busy + counts.quiet >= 108, "the budget is not left unused: \(counts)")
            // Fair: 100 and 10. The bound: the quiet instance is at most one permit ahead of its share per
            // round of the others, so 10 of 110 plus a little.
            #expect(counts.quiet <= 13, "the quiet instance's one user got \(counts.quiet) of 110 permits")
            #expect(counts.quiet >= 8, "the quiet instance's user is still served: \(counts.quiet) of 110")
        }
    }

    @Test("an instance whose claims stop (it crashed or emptied) no longer holds the others back")
    func staleInstancesDoNotBlock() async throws {
        try await PostgresFixture.with("budget_fair_stale") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let limit = RateLimit(requestsPerMinute: 60, burst: 1)
            let gone = PermitClaimant(instance: "instance-gone", waitingUsers: 50)
            let alive = PermitClaimant(instance: "instance-alive", waitingUsers: 1)
            #expect(
                try await store.takePermit(from: .predictionCreate, limit: limit, now: Self.start, claimant: gone)
                    == .granted)
            var granted = 0
            for tick in 1...30 {
                let now = Self.start.addingTimeInterval(Double(tick))
                if try await store.takePermit(from: .predictionCreate, limit: limit, now: now, claimant: alive)
                    == .granted
                {
                    granted += 1
                }
            }
            #expect(granted >= 25, "the live instance got \(granted) of 30 permits after the other went quiet")
        }
    }

    @Test("no login role reads or writes the shares table; the runtime path is the function")
    func sharesTableIsOutOfReach() async throws {
        try await PostgresFixture.with("budget_fair_roles") { fixture throws in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let claimant = PermitClaimant(instance: "instance-a", waitingUsers: 3)
            let limit = RateLimit(requestsPerMinute: 60, burst: 1)
            #expect(
                try await store.takePermit(from: .general, limit: limit, now: Self.start, claimant: claimant)
                    == .granted)
            #expect(try await fixture.client.strings("SELECT instance FROM rate_budget_shares") == [])
            #expect(try await fixture.client.strings("DELETE FROM rate_budget_shares RETURNING instance") == [])
            let insert = await #expect(throws: PSQLError.self) {
                try await fixture.client.query(
                    "INSERT INTO rate_budget_shares VALUES ('general', 'forged', 0, 1, 0)")
            }
            #expect(insert?.serverInfo?[.sqlState] == "42501", "the policy admits the system role only")
        }
    }

    @Test("the in-memory store, for one process, grants by the limit alone")
    func inMemoryIgnoresClaimants() async throws {
        let counts = try await shares(InMemoryRateBudgetStore(), ticks: 20, quietFirst: true)
        #expect(counts.busy + counts.quiet == 20)
    }
}
