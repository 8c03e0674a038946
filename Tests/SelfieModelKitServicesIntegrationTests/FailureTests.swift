import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("Failures explained, cancel, retrain")
struct FailureTests {
    @Test(
        "NSFW: the generation fails saying why and suggesting rephrasing; no retry of any kind",
        arguments: StoreFactory.all)
    func nsfwExplained(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("nsfw1")
        var faults = SimulatorFaults()
        faults.predictionFailureRate = 1
        faults.nsfwShareOfPredictionFailures = 1
        await studio.simulator.setFaults(faults)

        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        let done = try await studio.finish(started, for: user)
        #expect(done.status == .failed)
        let failure = try #require(done.failure)
        #expect(failure.providerError.contains("NSFW"))
        #expect(failure.userMessage.contains("safety filter"))
        #expect(failure.userMessage.contains("rephras"))
        #expect(!failure.userMessage.contains("NSFW"))

        // More time and reconciler passes change nothing: one prediction, never retried.
        try await studio.advance(by: 600, reconcile: true)
        try await studio.advance(by: 600, reconcile: true)
        let creates = await studio.predictionCreates()
        #expect(creates.count == 1)
        #expect(try await studio.generation.generation(started.id, for: user) == done)
        #expect(try await studio.generation.photos(for: user).isEmpty)
    }

    @Test(
        "a failed training keeps Replicate's error, explains it, and the user can train again",
        arguments: StoreFactory.all)
    func trainingFailureExplained(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.faults.trainingFailureRate = 1
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("fail2")
        try await studio.addSyntheticSelfies(for: user)
        _ = try await studio.training.startTraining(for: user)
        let failed = try await studio.finishTraining(for: user)
        #expect(failed.status == .failed)
        let failure = try #require(failed.failure)
        #expect(failure.providerError.contains("CUDA out of memory"))
        #expect(failure.userMessage.contains("start training again"))
        let status = try await studio.training.status(for: user)
        #expect(status.message == failure.userMessage)
        #expect(!status.canGenerate)
        #expect(status.model?.trainingStatus == .failed)

        await studio.simulator.setFaults(.none)
        let again = try await studio.training.startTraining(for: user)
        #expect(again.id != failed.id)
        #expect(try await studio.finishTraining(for: user).status == .succeeded)
        #expect(try await studio.training.status(for: user).canGenerate)
    }

    @Test("cancel cancels at the simulator and in the store", arguments: StoreFactory.all)
    func cancelTraining(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try studio.user("cancel3")
        try await studio.addSyntheticSelfies(for: user)
        let started = try await studio.training.startTraining(for: user)
        let trainingID = try #require(started.trainingID)
        try await studio.advance(by: 300)
        #expect(try await studio.training.status(for: user).latestAttempt?.status == .processing)

        let canceled = try await studio.training.cancelTraining(for: user)
        #expect(canceled.status == .canceled)
        #expect(await studio.requests("POST", "/trainings/\(trainingID)/cancel").count == 1)
        #expect(try await studio.context.client.training(trainingID).status == .canceled)

        try await studio.advance(by: 3600, reconcile: true)
        let status = try await studio.training.status(for: user)
        #expect(status.latestAttempt?.status == .canceled)
        #expect(status.model?.trainingStatus == .canceled)
        #expect(status.model?.replicateVersionID == nil)
        #expect(!status.canGenerate)
        let error = await #expect(throws: SelfieModelKitError.self) {
            try await studio.training.cancelTraining(for: user)
        }
        #expect(error?.code == .notFound)
        _ = try await studio.training.startTraining(for: user)
        #expect(try await studio.finishTraining(for: user).status == .succeeded)
    }

    @Test("retrain: the old version serves until the new one completes, then the switch", arguments: StoreFactory.all)
    func retrainSwitchesAtCompletion(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("retrain4")
        let first = try #require(try await studio.store.userModel(for: user)?.replicateVersionID)

        // New selfies make a different archive, so a different version.
        let more = SyntheticSelfies.make(count: 4, seed: 99).map { SelfieUpload(data: $0.png, fileName: $0.filename) }
        #expect(try await studio.training.addSelfies(more, for: user).stored.count == 4)
        let retraining = try await studio.training.startTraining(for: user)
        #expect(retraining.photoCount == 16)
        try await studio.advance(by: 300)

        let during = try await studio.training.status(for: user)
        #expect(during.latestAttempt?.status.isTerminal == false)
        #expect(during.canGenerate)
        #expect(during.model?.trainingStatus == .completed)
        #expect(during.model?.replicateVersionID == first)
        #expect(during.message.contains("current model keeps working"))
        let whileTraining = try await studio.generation.generate(user: user, look: studio.firstLook)
        #expect(try await studio.finish(whileTraining, for: user).status == .succeeded)
        let sentDuring = try #require(await studio.predictionCreates().last)
        #expect(
            try RequestInspection.json(sentDuring)["version"]?.stringValue
                == "sandrasocial/retrain4-selfie-lora:\(first)")

        #expect(try await studio.finishTraining(for: user).status == .succeeded)
        let second = try #require(try await studio.store.userModel(for: user)?.replicateVersionID)
        #expect(second != first)
        let after = try await studio.generation.generate(user: user, look: studio.firstLook)
        #expect(try await studio.finish(after, for: user).status == .succeeded)
        let sentAfter = try #require(await studio.predictionCreates().last)
        #expect(
            try RequestInspection.json(sentAfter)["version"]?.stringValue
                == "sandrasocial/retrain4-selfie-lora:\(second)")
        #expect(await studio.predictionCreates().count == 2)
    }
}
