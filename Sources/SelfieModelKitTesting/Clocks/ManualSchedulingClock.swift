import Foundation

/// Time and sleep for a `SchedulingClock`, moving only when a test moves them.
///
/// Build a `SchedulingClock` from ``now`` and ``sleep(for:)`` and give it to a `RateBudget` (or anything
/// else that takes one): its sleeps then wait until the test calls ``advance(by:)`` past their deadline,
/// and a cancelled task's sleep throws `CancellationError` at once. ``sleeperCount`` tells a test when the
/// code under test has started waiting, so the test moves time deterministically instead of racing the
/// system clock. (This module does not depend on the Replicate client, so the clock is built by the test.)
///
/// ```swift
/// let clock = ManualSchedulingClock()
/// let scheduling = SchedulingClock(now: { clock.now }, sleep: { try await clock.sleep(for: $0) })
/// let budget = RateBudget(limits: .init(general: RateLimit(requestsPerMinute: 60, burst: 1)),
///                         clock: scheduling)
/// try await budget.acquire(.general, for: nil)        // the burst: no wait
/// async let second: Void = budget.acquire(.general, for: nil)
/// // …once clock.sleeperCount == 1:
/// clock.advance(by: 1)                                  // the second permit is due
/// try await second
/// ```
public final class ManualSchedulingClock: Sendable {
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

    private let state: LockedValue<State>

    /// A clock that reads `start` until it is advanced (by default 2025-06-15T15:06:40Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        state = LockedValue(State(now: start))
    }

    /// The clock's current time.
    public var now: Date { state.withLock { $0.now } }

    /// How many sleeps are waiting for time to move.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Moves time on by `seconds` and wakes every sleeper whose deadline has come; they are no longer
    /// counted by ``sleeperCount`` when this returns.
    public func advance(by seconds: TimeInterval) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits until the clock has been advanced by `duration`; throws `CancellationError` as soon as the
    /// task is cancelled.
    public func sleep(for duration: Duration) async throws {
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
