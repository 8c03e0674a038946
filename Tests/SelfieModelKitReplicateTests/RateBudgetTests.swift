import Foundation
import SelfieModelKit
import SelfieModelKitTesting
import Testing

@testable import SelfieModelKitReplicate

/// Yields until `condition` holds (bounded, so a broken budget fails instead of hanging).
func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<20_000 {
        if await condition() { return true }
        await Task.yield()
    }
    return await condition()
}

@Suite("Rate budget: limits and fairness")
struct RateBudgetTests {
    @Test("GCRA store: a burst goes at once, then one permit per interval; a pause holds everything")
    func store() async throws {
        let store = InMemoryRateBudgetStore()
        let limit = RateLimit(requestsPerMinute: 600, burst: 60)
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        for _ in 0..<60 {
            #expect(await store.takePermit(from: .predictionCreate, limit: limit, now: start) == .granted)
        }
        guard case .retry(let wait) = await store.takePermit(from: .predictionCreate, limit: limit, now: start) else {
            Issue.record("the 61st request in the same instant must wait")
            return
        }
        #expect(abs(wait.seconds - 0.1) < 1e-5)
        #expect(
            await store.takePermit(from: .predictionCreate, limit: limit, now: start.addingTimeInterval(0.1))
                == .granted)
        #expect(await store.takePermit(from: .general, limit: limit, now: start) == .granted)

        await store.pause(.general, until: start.addingTimeInterval(10))
        #expect(
            await store.takePermit(from: .general, limit: limit, now: start.addingTimeInterval(4))
                == .retry(after: .seconds(6)))
        #expect(await store.takePermit(from: .general, limit: limit, now: start.addingTimeInterval(10)) == .granted)
    }

    @Test("the defaults are Replicate's: 600 prediction creates and 3000 other calls per minute")
    func defaults() {
        let limits = RateBudget.Limits()
        #expect(limits.predictionCreate.requestsPerMinute == 600)
        #expect(limits.general.requestsPerMinute == 3000)
    }

    @Test("sequential requests are paced at the sustained rate on virtual time")
    func pacing() async throws {
        let clock = VirtualClock()
        let budget = RateBudget(
            limits: .init(general: RateLimit(requestsPerMinute: 60, burst: 2)), clock: clock.clock)
        let start = clock.now
        for _ in 0..<10 { try await budget.acquire(.general, for: nil) }
        let elapsed = clock.now.timeIntervalSince(start)
        #expect(abs(elapsed - 8) < 0.01)
    }

    @Test("one user's burst of 100 cannot starve another user's single request")
    func fairness() async throws {
        let clock = ManualSchedulingClock()
        let budget = RateBudget(
            limits: .init(general: RateLimit(requestsPerMinute: 60, burst: 1)), clock: clock.schedulingClock)
        let alice = try UserID("alice1")
        let bob = try UserID("bob2")
        let grants = LockedValue([String]())

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await budget.acquire(.general, for: alice)
                    grants.withLock { $0.append("alice") }
                }
            }
            #expect(await eventually { await budget.waitingCount(in: .general) == 99 && grants.current.count == 1 })
            group.addTask {
                try await budget.acquire(.general, for: bob)
                grants.withLock { $0.append("bob") }
            }
            #expect(await eventually { await budget.waitingCount(in: .general) == 100 })

            for turn in 1...5 where !grants.current.contains("bob") {
                #expect(await eventually { clock.sleeperCount == 1 }, "turn \(turn): the pump sleeps")
                clock.advance(by: 1)
                #expect(await eventually { grants.current.count == turn + 1 }, "turn \(turn): one more grant")
            }
            let order = grants.current
            let bobPosition = try #require(order.firstIndex(of: "bob"))
            #expect(bobPosition <= 2, "bob was served at position \(bobPosition) of \(order)")
            #expect(order.count(where: { $0 == "alice" }) <= 2)

            group.cancelAll()
            var cancelled = 0
            while let result = await group.nextResult() {
                if case .failure(let error) = result, error is CancellationError { cancelled += 1 }
            }
            #expect(cancelled == 100 - order.count(where: { $0 == "alice" }))
        }
        #expect(await budget.waitingCount(in: .general) == 0)
    }

    @Test("a cancelled waiter leaves the queue and the others are still served")
    func cancellation() async throws {
        let clock = ManualSchedulingClock()
        let budget = RateBudget(
            limits: .init(general: RateLimit(requestsPerMinute: 60, burst: 1)), clock: clock.schedulingClock)
        try await budget.acquire(.general, for: nil)
        let waiter = Task { try await budget.acquire(.general, for: try UserID("u1")) }
        let second = Task { try await budget.acquire(.general, for: try UserID("u2")) }
        #expect(await eventually { await budget.waitingCount(in: .general) == 2 && clock.sleeperCount == 1 })
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await eventually { await budget.waitingCount(in: .general) == 1 })
        #expect(await eventually { clock.sleeperCount == 1 })
        clock.advance(by: 1)
        try await second.value
        #expect(await budget.waitingCount(in: .general) == 0)
    }

    @Test("a 429 seen by one call pauses the bucket for the next calls")
    func pauseAfter429() async throws {
        let (client, transport, clock) = try Fixtures.client([
            .json(429, #"{"detail":"Request was throttled."}"#, headers: ["Retry-After": "20"]),
            .json(200, Fixtures.predictionJSON),
            .json(200, Fixtures.predictionJSON),
        ])
        let id = try PredictionID("gm3qorzdhgbfurvjtvhg6dckhu")
        let start = clock.now
        _ = try await client.prediction(id)
        _ = try await client.prediction(id)
        #expect(clock.now.timeIntervalSince(start) >= 20)
        #expect(await transport.requests.count == 3)
    }
}

extension ManualSchedulingClock {
    /// The clock to hand to the code under test.
    var schedulingClock: SchedulingClock {
        SchedulingClock(now: { [self] in now }, sleep: { [self] in try await sleep(for: $0) })
    }
}

/// Records what the budget tells a shared store about itself; refuses the first permit for a second,
/// then grants every permit.
private actor ClaimantRecorder: RateBudgetStore {
    private(set) var claimants: [PermitClaimant] = []

    func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) -> PermitDecision { .granted }

    func takePermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) -> PermitDecision {
        claimants.append(claimant)
        return claimants.count == 1 ? .retry(after: .seconds(1)) : .granted
    }

    func pause(_ bucket: RateBucket, until date: Date) {}
}

@Suite("Rate budget: what a shared store is told")
struct RateBudgetClaimantTests {
    @Test("each permit request names the instance and how many users wait in it")
    func claimantCountsWaitingUsers() async throws {
        let recorder = ClaimantRecorder()
        let clock = ManualSchedulingClock()
        let budget = RateBudget(store: recorder, clock: clock.schedulingClock, instance: "instance-test-1")
        #expect(budget.instance == "instance-test-1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await budget.acquire(.general, for: try UserID("carol3")) }
            #expect(await eventually { clock.sleeperCount == 1 }, "the first request was told to wait")
            for name in ["dave4", "erin5"] {
                group.addTask { try await budget.acquire(.general, for: try UserID(name)) }
            }
            group.addTask { try await budget.acquire(.general, for: nil) }
            #expect(await eventually { await budget.waitingCount(in: .general) == 4 })
            clock.advance(by: 1)
            try await group.waitForAll()
        }
        let claimants = await recorder.claimants
        #expect(claimants.allSatisfy { $0.instance == "instance-test-1" })
        // Carol alone; then carol, dave, erin and the system (counted as one); then one fewer each grant.
        #expect(claimants.map(\.waitingUsers) == [1, 4, 3, 2, 1])
    }
}

/// A shared store that refuses the first permit for a second, then grants every permit to the last user
/// the instance names: the opposite of the instance's own round-robin.
private actor LastKeyChooser: RateBudgetStore {
    private(set) var named: [[String]] = []
    private(set) var chosen: [String] = []

    func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) -> PermitDecision { .granted }

    func takeFairPermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) -> FairPermitDecision {
        named.append(claimant.waiting)
        guard named.count > 1, let last = claimant.waiting.last else { return .retry(after: .seconds(1)) }
        chosen.append(last)
        return .granted(serving: claimant.waiting.count - 1)
    }

    func pause(_ bucket: RateBucket, until date: Date) {}
}

@Suite("Rate budget: a shared store chooses whom a permit serves")
struct RateBudgetChoiceTests {
    @Test("the budget names its waiting users in round-robin order and serves the one the store chooses")
    func storeChoosesTheUser() async throws {
        let chooser = LastKeyChooser()
        let clock = ManualSchedulingClock()
        let budget = RateBudget(store: chooser, clock: clock.schedulingClock, instance: "instance-test-2")
        let grants = LockedValue([String]())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await budget.acquire(.general, for: try UserID("fay6"))
                grants.withLock { $0.append("fay6") }
            }
            #expect(await eventually { clock.sleeperCount == 1 }, "the first request was told to wait")
            for (index, name) in ["gus7", "hal8", "ivy9"].enumerated() {
                group.addTask {
                    try await budget.acquire(.general, for: try UserID(name))
                    grants.withLock { $0.append(name) }
                }
                // One at a time, so the round-robin order is the order of arrival.
                #expect(await eventually { await budget.waitingCount(in: .general) == index + 2 })
            }
            group.addTask {
                try await budget.acquire(.general, for: nil)
                grants.withLock { $0.append("system") }
            }
            #expect(await eventually { await budget.waitingCount(in: .general) == 5 })
            clock.advance(by: 1)
            try await group.waitForAll()
        }
        // Round-robin would serve fay6, gus7, hal8, ivy9, system. The store chose the last named user every
        // time, and the round-robin moved on by one user with each permit; every request was granted once.
        #expect(
            await chooser.chosen == ["system:instance-test-2", "user:fay6", "user:gus7", "user:hal8", "user:ivy9"])
        #expect(grants.current.sorted() == ["fay6", "gus7", "hal8", "ivy9", "system"])
        let named = await chooser.named
        #expect(named.first == ["user:fay6"])
        #expect(
            named.dropFirst().first == ["user:fay6", "user:gus7", "user:hal8", "user:ivy9", "system:instance-test-2"])
        #expect(named.dropFirst(2).first == ["user:gus7", "user:hal8", "user:ivy9", "user:fay6"])
        #expect(named.last == ["user:ivy9"])
    }
}
