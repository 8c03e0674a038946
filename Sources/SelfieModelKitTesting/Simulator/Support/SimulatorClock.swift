import Foundation

/// The simulator's notion of time: either a virtual clock that only moves when a test advances it, or
/// the system clock.
///
/// With the virtual clock (the default) the simulator is a deterministic discrete-event simulation:
/// trainings and predictions move on only when ``ReplicateSimulator/advance(by:)`` is called (or while a
/// `Prefer: wait` request waits, which lets virtual time run), and every webhook carries the virtual
/// time as its `webhook-timestamp`. With the system clock, jobs follow wall time, scaled by
/// ``ReplicateSimulator/Configuration/timeScale``.
public final class SimulatorClock: Sendable {
    private let virtualNow: LockedValue<Date>?

    private init(virtualStart: Date?) {
        self.virtualNow = virtualStart.map { LockedValue($0) }
    }

    /// A virtual clock starting at `start` (by default 2026-01-01T00:00:00Z).
    public static func virtual(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) -> SimulatorClock {
        SimulatorClock(virtualStart: start)
    }

    /// The system clock.
    public static func system() -> SimulatorClock {
        SimulatorClock(virtualStart: nil)
    }

    /// Whether this is a virtual clock.
    public var isVirtual: Bool { virtualNow != nil }

    /// The current time.
    public var now: Date {
        virtualNow?.withLock { $0 } ?? Date()
    }

    /// Moves a virtual clock forward to `date` (never backwards); does nothing on the system clock.
    package func moveForward(to date: Date) {
        virtualNow?.withLock { now in
            if date > now { now = date }
        }
    }
}
