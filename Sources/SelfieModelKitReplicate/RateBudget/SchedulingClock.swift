import Foundation

/// The time source and sleep of the rate budget and of retries, injectable so tests run on virtual time
/// and never really wait.
public struct SchedulingClock: Sendable {
    /// The current wall-clock time. Wall-clock (not monotonic) because a shared budget compares times
    /// across processes.
    public var now: @Sendable () -> Date
    /// Suspends for a duration; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a clock from its two functions.
    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The system clock and `Task.sleep`.
    public static let system = SchedulingClock(now: { Date() }, sleep: { try await Task.sleep(for: $0) })
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration of `seconds`, clamped at zero.
    static func clampedSeconds(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((max(0, seconds) * 1e9).rounded(.up)))
    }
}
