import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitReplicate
import SelfieModelKitTesting
import Testing

/// Fairness between users across host instances (ADR 0408). A user whose requests wait in two instances
/// at once must get one user's share of the budget, not two, and every user's share is about the same
/// whichever instances hold the requests. Found by the fleet run: with fair shares per instance (ADR 0407)
/// and round-robin inside each process, a user whose three generations landed on three instances was in
/// three rounds at once, and users who asked together waited from 1 to 270 seconds.
@Suite("PostgreSQL rate budget: one fair order of users across instances")
struct UserFairnessTests {
    static let start = Date(timeIntervalSince1970: 1_760_000_000)

    /// One instance as the `RateBudget` runs it: users with requests waiting (an endless supply each),
    /// served in its own round-robin unless the store chooses.
    private struct Instance {
        let name: String
        var ring: [String]
        var cursor = 0

        /// The keys in the order its round-robin would serve them.
        var order: [String] { (0..<ring.count).map { ring[(cursor + $0) % ring.count] } }

        /// Serves the user the store chose, or the next in its round-robin; either way the round-robin
        /// moves on by one.
        mutating func serve(_ choice: Int?) -> String {
            let key = order[choice ?? 0]
            cursor = (cursor + 1) % ring.count
            return key
        }
    }

    /// Every instance asks at every tick of a budget that grants one permit a second, for `ticks` seconds
    /// from second `first`.
    /// Returns the permits each user got, whichever instance served them.
    private func permits(
        _ store: any RateBudgetStore, instances: [Instance], ticks: Int, from first: Int = 0
    ) async throws -> [String: Int] {
        let limit = RateLimit(requestsPerMinute: 60, burst: 1)
        var instances = instances
        var counts: [String: Int] = [:]
        for tick in first..<(first + ticks) {
            let now = Self.start.addingTimeInterval(Double(tick))
            for index in instances.indices.shuffled(using: &SeededOrder.shared) {
                let claimant = PermitClaimant(instance: instances[index].name, waiting: instances[index].order)
                let decision = try await store.takeFairPermit(
                    from: .predictionCreate, limit: limit, now: now, claimant: claimant)
                if case .granted(let choice) = decision {
                    counts[instances[index].serve(choice), default: 0] += 1
                }
            }
        }
        return counts
    }

    @Test("a user waiting in two instances gets one user's share, and every user about the same")
    func oneSharePerUser() async throws {
        let busy = Instance(name: "instance-busy", ring: (1...10).map { "user:u\($0)" })
        // u1 waits in both instances; u11 only in the quiet one.
        let quiet = Instance(name: "instance-quiet", ring: ["user:u1", "user:u11"])
        let counts = try await PostgresFixture.with("budget_user_fair") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            return try await permits(store, instances: [busy, quiet], ticks: 220)
        }
        let total = counts.values.reduce(0, +)
        #expect(total >= 216, "the budget is not left unused: \(total) of 220")
        // Fair: 11 users, 20 permits each. The bound: one round, so 20 ± 2.
        let listed = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        for user in (1...11).map({ "user:u\($0)" }) {
            let got = counts[user, default: 0]
            #expect((18...22).contains(got), "\(user) got \(got) of \(total) permits: \(listed)")
        }
    }

    @Test("a user who arrives later starts at the current round and banks no credit")
    func latecomersBankNoCredit() async throws {
        let early = Instance(name: "instance-early", ring: ["user:a1", "user:b2"])
        let late = Instance(name: "instance-late", ring: ["user:c3"])
        let counts = try await PostgresFixture.with("budget_user_late") { fixture in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            _ = try await permits(store, instances: [early], ticks: 40)
            // Now a newcomer asks next to them; it must not get 20 permits in a row to "catch up".
            return try await permits(store, instances: [early, late], ticks: 30, from: 40)
        }
        #expect((8...12).contains(counts["user:c3", default: 0]), "the newcomer got \(counts)")
        #expect((8...12).contains(counts["user:a1", default: 0]), "an early user got \(counts)")
    }

    @Test("no login role reads or writes the users' places in line; the store keeps no user id in clear")
    func tagsAreOutOfReach() async throws {
        try await PostgresFixture.with("budget_user_roles") { fixture throws in
            let store = PostgresRateBudgetStore(client: fixture.client, maximumClockSkew: nil)
            let claimant = PermitClaimant(instance: "instance-a", waiting: ["user:secret42"])
            let limit = RateLimit(requestsPerMinute: 60, burst: 1)
            #expect(
                try await store.takeFairPermit(from: .general, limit: limit, now: Self.start, claimant: claimant)
                    == .granted(serving: 0))
            #expect(try await fixture.client.strings("SELECT bucket FROM rate_budget_user_tags") == [])
            let insert = await #expect(throws: PSQLError.self) {
                try await fixture.client.query(
                    "INSERT INTO rate_budget_user_tags VALUES ('general', '\\x00'::bytea, 0)")
            }
            #expect(insert?.serverInfo?[.sqlState] == "42501", "the policy admits the system role only")
            let owner = try await fixture.asSuperuser { client in
                try await client.strings("SELECT encode(user_hash, 'hex') FROM rate_budget_user_tags")
            }
            #expect(owner.count == 1)
            #expect(owner.allSatisfy { !$0.contains("secret42") && $0.count == 64 })
        }
    }
}

/// A fixed order of instances per tick, so a run is the same every time.
private struct SeededOrder: RandomNumberGenerator {
    nonisolated(unsafe) static var shared = SeededOrder(state: 0x5E1F_1E00)
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}
