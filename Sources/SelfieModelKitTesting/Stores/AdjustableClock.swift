import Foundation

/// A clock that tests set and advance by hand, to hand to a store as its source of "now".
///
/// ```swift
/// let clock = AdjustableClock(now: Date(timeIntervalSince1970: 1_780_000_000))
/// let store = InMemorySelfieModelStore(now: clock.nowSource)
/// clock.advance(by: .seconds(120))  // every lease shorter than two minutes has expired
/// ```
public final class AdjustableClock: @unchecked Sendable {
    // `@unchecked` because the one mutable field is only touched under `lock`.
    private let lock = NSLock()
    private var current: Date

    /// Creates a clock showing `now`.
    public init(now: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        self.current = now
    }

    /// The time the clock shows.
    public var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// A closure reading this clock, for a store's `now:` parameter.
    public var nowSource: @Sendable () -> Date {
        { [self] in now }
    }

    /// Moves the clock forward (or backward, with a negative duration).
    public func advance(by duration: Duration) {
        let seconds = duration.timeInterval
        lock.lock()
        defer { lock.unlock() }
        current = current.addingTimeInterval(seconds)
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        lock.lock()
        defer { lock.unlock() }
        current = date
    }
}

extension Duration {
    /// The duration in seconds, for date arithmetic.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
