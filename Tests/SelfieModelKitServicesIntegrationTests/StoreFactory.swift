import Foundation
import SelfieModelKit
import SelfieModelKitTesting

/// Makes a fresh, empty store for one test. Every integration test takes a factory as its argument, so
/// the same tests run on each store: add the PostgreSQL store to ``all`` once `SelfieModelKitPostgres`
/// lands (a factory that creates a throwaway schema and drops it in `close`).
struct StoreFactory: Sendable, CustomStringConvertible {
    /// A store made for one test, and how to release it afterwards.
    struct Made: Sendable {
        /// The store.
        let store: any SelfieModelStore
        /// Releases the store's resources (connections, schemas).
        let close: @Sendable () async -> Void
    }

    /// A name for test output.
    let name: String
    /// Makes an empty store whose own clock (leases, receipts) reads `now`.
    let make: @Sendable (_ now: @escaping @Sendable () -> Date) async throws -> Made

    var description: String { name }

    /// The in-memory store of `SelfieModelKitTesting`.
    static let inMemory = StoreFactory(name: "in-memory") { now in
        Made(store: InMemorySelfieModelStore(now: now), close: {})
    }

    /// Every store the integration tests run on.
    static let all: [StoreFactory] = [.inMemory]
}
