import Foundation
import SelfieModelKitReplicate
import SelfieModelKitTesting

/// A thread-safe count.
final class Counter: Sendable {
    private let count = LockedValue(0)

    func add(_ amount: Int) { count.withLock { $0 += amount } }
    var value: Int { count.current }
}

/// Counts the permits a store grants, at the moment it grants them.
final class CountingRateBudgetStore: RateBudgetStore {
    private let wrapped: any RateBudgetStore
    private let count = Counter()

    init(wrapping store: any RateBudgetStore) { wrapped = store }

    var granted: Int { count.value }

    func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) async throws -> PermitDecision {
        let decision = try await wrapped.takePermit(from: bucket, limit: limit, now: now)
        if decision == .granted { count.add(1) }
        return decision
    }

    func pause(_ bucket: RateBucket, until date: Date) async throws {
        try await wrapped.pause(bucket, until: date)
    }
}

/// A small deterministic generator (SplitMix64), so a "random" sequence is the same on every run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A number in `0..<bound`.
    mutating func next(upTo bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}

extension ManualSchedulingClock {
    /// The clock to hand to the code under test.
    var schedulingClock: SchedulingClock {
        SchedulingClock(now: { [self] in now }, sleep: { [self] in try await sleep(for: $0) })
    }
}
