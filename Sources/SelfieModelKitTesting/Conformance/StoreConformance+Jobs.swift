import Foundation
import SelfieModelKit

extension StoreConformance {
    /// The intent is recorded before Replicate is called and Replicate's id attached after; a user has at
    /// most one active training; the system path finds jobs by Replicate's id only once attached.
    public func checkIntentBeforeCallOutbox() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        try expect(try await store.userModel(for: user) == nil, "a new user already has a model record")

        let attempt = try await store.recordTrainingIntent(trainingIntent(for: user, photoCount: 15), for: user)
        try expect(attempt.status == .recorded && attempt.trainingID == nil, "intent not recorded bare: \(attempt)")
        try expect(attempt.userID == user.id && attempt.photoCount == 15, "intent fields lost: \(attempt)")
        let model = try unwrap(try await store.userModel(for: user), "the intent created no model record")
        try expect(model.trainingStatus == .pending, "a new model record is \(model.trainingStatus), not pending")
        try expect(
            model.replicateModelID == .selfieModel(for: user.id, owner: owner), "model id not derived: \(model)")
        try expect(model.triggerWord == TriggerWord(for: user.id), "trigger word not derived: \(model)")
        try expect(model.replicateVersionID == nil, "a pending model has a version: \(model)")

        try await expectError(.trainingAlreadyActive, "a second intent while one is recorded") {
            try await store.recordTrainingIntent(trainingIntent(for: user), for: user)
        }
        let trainingID = try makeTrainingID()
        try expect(
            try await store.systemTrainingAttempt(trainingID: trainingID) == nil,
            "the system path found a training id that was never attached")
        let attached = try await store.attachTrainingID(
            trainingID, inputImagesURL: "https://files.example/a.zip", to: attempt.id, for: user)
        try expect(attached.didApply, "attaching the training id did not apply")
        try expect(
            attached.record.status == .starting && attached.record.trainingID == trainingID
                && attached.record.inputImagesURL == "https://files.example/a.zip",
            "attached attempt reads \(attached.record)")
        let found = try await store.systemTrainingAttempt(trainingID: trainingID)
        try expect(found?.id == attempt.id, "the system path did not find the attached training")
        let training = try await store.userModel(for: user)
        try expect(
            training?.trainingStatus == .training, "model not training after attach: \(String(describing: training))")
        try await expectError(.trainingAlreadyActive, "a second intent while one is starting") {
            try await store.recordTrainingIntent(trainingIntent(for: user), for: user)
        }

        let failure = JobFailure(providerError: "CUDA out of memory", userMessage: "Training failed. Try again.")
        _ = try await store.systemUpdateTrainingAttempt(
            attempt.id, JobUpdate(from: .starting, to: .failed, failure: failure))
        let failed = try await store.userModel(for: user)
        try expect(
            failed?.trainingStatus == .failed && failed?.failure == failure,
            "the failure was not mirrored onto the model: \(String(describing: failed))")
        let retry = try await store.recordTrainingIntent(trainingIntent(for: user), for: user)
        try expect(retry.status == .recorded, "a new intent after a failure was refused")
        let retried = try await store.userModel(for: user)
        try expect(
            retried?.trainingStatus == .pending && retried?.failure == nil,
            "a new intent did not reset the failed model: \(String(describing: retried))")
        let listed = try await store.trainingAttempts(for: user)
        try expect(listed.map(\.id) == [retry.id, attempt.id], "attempts not newest first: \(listed.map(\.id))")

        let other = try await makeUser(subject)
        try await expectError(.modelOwnershipMismatch, "an intent naming another user's model") {
            try await store.recordTrainingIntent(
                NewTrainingAttempt(
                    modelID: .selfieModel(for: other.id, owner: owner), photoCount: 10, archiveSHA256: "00"),
                for: user)
        }

        let generation = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user)
        try expect(generation.status == .recorded && generation.predictionID == nil, "generation intent: \(generation)")
        let prediction = try makePredictionID()
        try expect(
            try await store.systemGeneration(predictionID: prediction) == nil, "found an unattached prediction")
        _ = try await store.attachPredictionID(prediction, to: generation.id, for: user)
        let byPrediction = try await store.systemGeneration(predictionID: prediction)
        try expect(byPrediction?.id == generation.id, "the system path did not find the attached prediction")
        try expect(byPrediction?.status == .starting, "attached generation is \(String(describing: byPrediction))")

        // The system attach (the reconciler's crash recovery) takes the owner from the store's own row.
        let orphan = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user)
        let recovered = try makePredictionID()
        try await expectError(.notFound, "a system attach naming another owner") {
            try await store.systemAttachPredictionID(recovered, to: orphan.id, owner: other.id)
        }
        let systemAttached = try await store.systemAttachPredictionID(recovered, to: orphan.id, owner: user.id)
        try expect(
            systemAttached.didApply && systemAttached.record.predictionID == recovered,
            "the system attach did not apply: \(systemAttached.record)")
        let again = try await store.systemAttachPredictionID(recovered, to: orphan.id, owner: user.id)
        try expect(!again.didApply, "attaching the same prediction twice changed something")
        try expect(
            try await store.systemGeneration(predictionID: recovered)?.id == orphan.id,
            "the system path did not find the system-attached prediction")
    }

    /// 1,000 concurrent tasks apply the same transition; exactly one reports `.applied`. Then 1,000
    /// tasks race two different terminal moves; exactly one wins and the rest see it.
    public func checkConcurrentTransitionRace() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let record = try await generation(in: .starting, for: user, store: store)
        let racers = 1000

        let toProcessing = await concurrently(racers) { _ in
            try await store.systemUpdateGeneration(record.id, JobUpdate(from: .starting, to: .processing)).didApply
        }
        let applied = try toProcessing.map { try $0.get() }.filter { $0 }.count
        try expect(applied == 1, "\(applied) of \(racers) racers applied starting → processing")

        let terminal = await concurrently(racers) { index in
            let next: JobStatus = index.isMultiple(of: 2) ? .failed : .canceled
            let outcome = try await store.updateGeneration(record.id, JobUpdate(from: .processing, to: next), for: user)
            return outcome.didApply ? next : nil
        }
        var winners: [JobStatus] = []
        for result in terminal {
            switch result {
            case .success(let winner): if let winner { winners.append(winner) }
            case .failure(let error as SelfieModelKitError) where error.code == .transitionConflict: continue
            case .failure(let error): throw error
            }
        }
        try expect(winners.count == 1, "\(winners.count) of \(racers) racers applied a terminal move")
        let final = try await store.generation(record.id, for: user)
        try expect(final?.status == winners.first, "final status \(String(describing: final?.status)) ≠ winner")
    }

    /// Two holders never claim the same job; a lease can be renewed by its holder, released only by it,
    /// and is claimed by another holder once expired. Terminal jobs are never claimed.
    public func checkLeases() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        var inFlight: Set<GenerationID> = []
        for status in [JobStatus.recorded, .starting, .processing, .processing] {
            inFlight.insert(try await generation(in: status, for: user, store: store).id)
        }
        let done = try await generation(in: .succeeded, for: user, store: store).id
        let (_, running) = try await trainingAttempt(in: .processing, subject: subject)
        let (_, finished) = try await trainingAttempt(in: .failed, subject: subject)

        let holderA = "conformance-a-\(UUID())"
        let holderB = "conformance-b-\(UUID())"
        let holderC = "conformance-c-\(UUID())"
        let usesClock = subject.clock != nil
        let duration: Duration = usesClock ? .seconds(60) : .milliseconds(300)

        let claimedA = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holderA, duration: duration), limit: 2)
        try expect(claimedA.count == 2, "holder A claimed \(claimedA.count) of a limit of 2")
        let claimedB = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holderB, duration: duration), limit: 100)
        let idsA = Set(claimedA.map(\.id))
        let idsB = Set(claimedB.map(\.id))
        try expect(idsA.isDisjoint(with: idsB), "holders A and B claimed the same generation")
        try expect(idsA.union(idsB) == inFlight, "A and B together did not claim exactly the in-flight jobs")
        try expect(!idsB.contains(done), "a succeeded generation was claimed")
        let renewedA = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holderA, duration: duration), limit: 100)
        try expect(Set(renewedA.map(\.id)) == idsA, "holder A's renewal returned \(renewedA.map(\.id))")

        let concurrentClaims = await concurrently(8) { index in
            try await store.systemClaimInFlightGenerations(
                lease: Lease(holder: "\(holderC)-\(index)", duration: duration), limit: 100
            ).count
        }
        let stolen = try concurrentClaims.map { try $0.get() }.reduce(0, +)
        try expect(stolen == 0, "other holders claimed \(stolen) generations under live leases")

        let releasedByOther = try unwrap(claimedA.first, "A holds nothing").id
        try await store.systemReleaseGenerationLease(releasedByOther, holder: holderB)
        let afterWrongRelease = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holderC, duration: duration), limit: 100)
        try expect(afterWrongRelease.isEmpty, "a release by a non-holder freed the lease")
        try await store.systemReleaseGenerationLease(releasedByOther, holder: holderA)
        let afterRelease = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holderC, duration: duration), limit: 100)
        try expect(afterRelease.map(\.id) == [releasedByOther], "after A's release C claimed \(afterRelease.map(\.id))")

        let trainingsA = try await store.systemClaimInFlightTrainings(
            lease: Lease(holder: holderA, duration: duration), limit: 100)
        try expect(trainingsA.map(\.id) == [running.id], "A claimed trainings \(trainingsA.map(\.id))")
        try expect(!trainingsA.contains { $0.id == finished.id }, "a failed training was claimed")
        let trainingsB = try await store.systemClaimInFlightTrainings(
            lease: Lease(holder: holderB, duration: duration), limit: 100)
        try expect(trainingsB.isEmpty, "B claimed a training A holds")

        if let clock = subject.clock {
            clock.advance(by: .seconds(61))
        } else {
            try await Task.sleep(for: .milliseconds(700))
        }
        let expiredGenerations = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holderB, duration: .seconds(60)), limit: 100)
        try expect(Set(expiredGenerations.map(\.id)) == inFlight, "expired generation leases were not reclaimed")
        let expiredTrainings = try await store.systemClaimInFlightTrainings(
            lease: Lease(holder: holderB, duration: .seconds(60)), limit: 100)
        try expect(expiredTrainings.map(\.id) == [running.id], "an expired training lease was not reclaimed")
        try await store.systemReleaseTrainingLease(running.id, holder: holderB)
        let releasedTraining = try await store.systemClaimInFlightTrainings(
            lease: Lease(holder: holderA, duration: .seconds(60)), limit: 100)
        try expect(releasedTraining.map(\.id) == [running.id], "a released training lease was not claimable")
    }
}
