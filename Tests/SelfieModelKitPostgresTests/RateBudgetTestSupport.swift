import Foundation
import SelfieModelKitReplicate

/// A value behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// A thread-safe count.
final class Counter: Sendable {
    private let count = Locked(0)

    func add(_ amount: Int) { count.withLock { $0 += amount } }
    var value: Int { count.current }
}

/// Time that moves only when the test says so; sleepers wait for it and can be cancelled.
final class ManualSchedulingClock: Sendable {
    private struct Sleeper {
        var id: Int
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state: Locked<State>

    init(start: Date) { state = Locked(State(now: start)) }

    var schedulingClock: SchedulingClock {
        SchedulingClock(now: { [self] in now }, sleep: { [self] in try await sleep($0) })
    }

    var now: Date { state.current.now }
    var sleeperCount: Int { state.current.sleepers.count }

    /// Moves time on and wakes every sleeper whose deadline has come; they are removed before this returns.
    func advance(by seconds: Double) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    private func sleep(_ duration: Duration) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        let (seconds, attoseconds) = duration.components
        let interval = Double(seconds) + Double(attoseconds) / 1e18
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.sleepers.append(
                        Sleeper(id: id, deadline: state.now.addingTimeInterval(interval), continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
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
