import Foundation
import SelfieModelKit

extension StoreConformance {
    /// A job recorded with a start lease is its starter's from the insert: no reconciler claims it while
    /// the starter renews its hold, and it is claimable once released or once the hold lapses (a crashed
    /// starter). A hold never takes another holder's live lease, nor a terminal or missing job.
    public func checkStartLeases() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let starter = Lease(holder: "conformance-starter-\(UUID())", duration: .seconds(60))
        let reconciler = Lease(holder: "conformance-reconciler-\(UUID())", duration: .seconds(60))
        /// Lets `seconds` pass on the store's clock (or in real time, at a hundredth, for short leases).
        func pass(_ seconds: Int) async throws {
            if let clock = subject.clock {
                clock.advance(by: .seconds(seconds))
            } else {
                try await Task.sleep(for: .milliseconds(seconds * 10))
            }
        }
        let starterLease = subject.clock == nil ? Lease(holder: starter.holder, duration: .milliseconds(600)) : starter
        let claimLease =
            subject.clock == nil ? Lease(holder: reconciler.holder, duration: .milliseconds(600)) : reconciler

        var generationIntent = generationIntent()
        generationIntent.startLease = starterLease
        let generation = try await store.recordGenerationIntent(generationIntent, monthlyLimit: nil, for: user)
        try expect(generation.status == .recorded, "a generation recorded with a start lease is \(generation.status)")
        var trainingIntent = trainingIntent(for: user)
        trainingIntent.startLease = starterLease
        let attempt = try await store.recordTrainingIntent(trainingIntent, for: user)
        let unheld = try await store.recordGenerationIntent(self.generationIntent(), monthlyLimit: nil, for: user)

        let claimed = try await store.systemClaimInFlightGenerations(lease: claimLease, limit: 100)
        try expect(
            claimed.map(\.id) == [unheld.id],
            "a reconciler claimed \(claimed.map(\.id)) while the starter holds \(generation.id); only \(unheld.id) is free"
        )
        try await store.systemReleaseGenerationLease(unheld.id, holder: claimLease.holder)
        let claimedTrainings = try await store.systemClaimInFlightTrainings(lease: claimLease, limit: 100)
        try expect(claimedTrainings.isEmpty, "a reconciler claimed a training its starter holds")

        // The starter renews before its lease ends; the renewed hold outlasts the first lease.
        try await pass(40)
        try expect(
            try await store.systemHoldGenerationLease(generation.id, lease: starterLease),
            "the starter could not renew its hold on its generation")
        try expect(
            try await store.systemHoldTrainingLease(attempt.id, lease: starterLease),
            "the starter could not renew its hold on its training")
        try await pass(40)
        let afterRenewal = try await store.systemClaimInFlightGenerations(lease: claimLease, limit: 100)
        try expect(
            !afterRenewal.contains { $0.id == generation.id },
            "a reconciler claimed a generation whose start lease was renewed (the first lease had ended)")
        try await store.systemReleaseGenerationLease(unheld.id, holder: claimLease.holder)
        let trainingsAfterRenewal = try await store.systemClaimInFlightTrainings(lease: claimLease, limit: 100)
        try expect(
            trainingsAfterRenewal.isEmpty, "a reconciler claimed a training whose start lease was renewed")
        try expect(
            !(try await store.systemHoldGenerationLease(generation.id, lease: claimLease)),
            "another holder took a generation under a live start lease")
        try expect(
            !(try await store.systemHoldTrainingLease(attempt.id, lease: claimLease)),
            "another holder took a training under a live start lease")

        // Released once started: a reconciler claims it at once, and the starter cannot take it back meanwhile.
        try await store.systemReleaseGenerationLease(generation.id, holder: starterLease.holder)
        let afterRelease = try await store.systemClaimInFlightGenerations(lease: claimLease, limit: 100)
        try expect(
            afterRelease.contains { $0.id == generation.id }, "a released start lease left the generation unclaimable")
        try expect(
            !(try await store.systemHoldGenerationLease(generation.id, lease: starterLease)),
            "the starter took back a generation a reconciler holds")

        // A starter that stops renewing (a crash): once its lease ends, a reconciler claims the job.
        try await pass(61)
        let lapsed = try await store.systemClaimInFlightTrainings(lease: claimLease, limit: 100)
        try expect(lapsed.map(\.id) == [attempt.id], "a lapsed start lease was not claimable: \(lapsed.map(\.id))")
        try await store.systemReleaseTrainingLease(attempt.id, holder: claimLease.holder)

        // Only in-flight jobs can be held.
        let failure = JobFailure(providerError: "never started", userMessage: "Try again.")
        _ = try await store.systemUpdateTrainingAttempt(
            attempt.id, JobUpdate(from: .recorded, to: .failed, failure: failure))
        try expect(
            !(try await store.systemHoldTrainingLease(attempt.id, lease: starterLease)), "a failed training was held")
        let done = try await self.generation(in: .failed, for: user, store: store)
        try expect(
            !(try await store.systemHoldGenerationLease(done.id, lease: starterLease)), "a failed generation was held")
        try expect(
            !(try await store.systemHoldGenerationLease(GenerationID(), lease: starterLease)),
            "a missing generation was held")
        try expect(
            !(try await store.systemHoldTrainingLease(TrainingAttemptID(), lease: starterLease)),
            "a missing training was held")
    }
}
