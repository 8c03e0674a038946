import Foundation

/// A value behind a lock, for the few pieces of shared state that are not inside an actor.
///
/// `package`: the simulator's clocks and the package's own test targets share this one box.
package final class LockedValue<Value: Sendable>: @unchecked Sendable {
    // `@unchecked` because `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// The value now.
    package var current: Value { withLock { $0 } }

    /// Replaces the value.
    package func set(_ newValue: Value) { withLock { $0 = newValue } }
}
