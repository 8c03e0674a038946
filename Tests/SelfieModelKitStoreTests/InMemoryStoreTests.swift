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

@Suite("The conformance suite catches broken stores")
struct ConformanceCatchesFaultsTests {
    /// The check that must fail for each planted fault.
    static let detectors: [(FaultyStore.Fault, StoreConformance.Check)] = [
        (.leaksGenerations, .isolation),
        (.ignoresExpectedState, .compareAndSet),
        (.reportsEveryUpdateApplied, .concurrentTransitionRace),
        (.racyQuota, .atomicQuota),
        (.ignoresLeases, .leases),
        (.forgetsReceipts, .webhookReceipts),
        (.completionLosesVersion, .trainingCompletionSwitchesVersion),
        (.allowsTwoActiveTrainings, .intentBeforeCallOutbox),
        (.dropsStartLeases, .startLeases),
        (.writesForErasedUser, .userErasure),
        (.erasesOtherUsers, .userErasure),
    ]

    @Test("a planted fault fails its check", arguments: detectors)
    func plantedFault(_ fault: FaultyStore.Fault, _ check: StoreConformance.Check) async throws {
        let suite = StoreConformance {
            let clock = AdjustableClock()
            let store = FaultyStore(memory: InMemorySelfieModelStore(now: clock.nowSource), fault: fault)
            return StoreConformanceSubject(store: store, clock: clock)
        }
        await #expect(throws: StoreConformanceFailure.self) {
            try await suite.run(check)
        }
    }

    @Test("every fault is covered")
    func everyFaultCovered() {
        #expect(Set(Self.detectors.map(\.0)) == Set(FaultyStore.Fault.allCases))
    }
}
