import Foundation
import SelfieModelKit
import SelfieModelKitTesting
import Testing

@Suite("In-memory store conformance")
struct InMemoryStoreConformanceTests {
    let suite = StoreConformance {
        let clock = AdjustableClock()
        return StoreConformanceSubject(store: InMemorySelfieModelStore(now: clock.nowSource), clock: clock)
    }

    @Test(
        "conforms",
        arguments: StoreConformance.Check.allCases.filter { $0 != .persistenceAcrossReopening })
    func conforms(_ check: StoreConformance.Check) async throws {
        try await suite.run(check)
    }

    @Test("the persistence check fails for a store that cannot reopen")
    func persistenceNeedsReopen() async throws {
        await #expect(throws: StoreConformanceFailure.self) {
            try await suite.run(.persistenceAcrossReopening)
        }
    }
}
