import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("No generation without the user's own completed model")
struct GenerationGuardTests {
    /// Tries both generation entry points (Photoshoot and Maya) and returns their errors.
    private func refusals(_ studio: StudioHarness, _ user: AuthenticatedUser) async -> [SelfieModelKitError?] {
        let photoshoot = await #expect(throws: SelfieModelKitError.self) {
            try await studio.generation.generate(user: user, look: studio.firstLook)
        }
        let maya = await #expect(throws: SelfieModelKitError.self) {
            try await studio.maya.generate(
                user: user, from: StylistReply(text: "Here you go", prompt: "a portrait in a sunlit office"))
        }
        return [photoshoot, maya]
    }

    @Test(
        "not trained, still training, failed: the right code, a guiding message, no request",
        arguments: StoreFactory.all)
    func untrainedUsers(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.faults.trainingFailureRate = 0
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }

        let newcomer = try studio.user("new1")
        for error in await refusals(studio, newcomer) {
            #expect(error?.code == .modelNotTrained)
            #expect(error?.userMessage.contains("selfies") == true)
            #expect(error?.userMessage.contains("training") == true)
        }

        let busy = try studio.user("busy2")
        try await studio.addSyntheticSelfies(for: busy)
        _ = try await studio.training.startTraining(for: busy)
        try await studio.advance(by: 120)
        #expect(try await studio.training.status(for: busy).latestAttempt?.status.isTerminal == false)
        for error in await refusals(studio, busy) {
            #expect(error?.code == .modelTrainingInProgress)
            #expect(error?.userMessage.contains("still training") == true)
        }

        await studio.simulator.setFaults(
            {
                var faults = SimulatorFaults()
                faults.trainingFailureRate = 1
                return faults
            }())
        let failed = try studio.user("failed3")
        try await studio.addSyntheticSelfies(for: failed)
        _ = try await studio.training.startTraining(for: failed)
        #expect(try await studio.finishTraining(for: failed).status == .failed)
        for error in await refusals(studio, failed) {
            #expect(error?.code == .modelTrainingFailed)
            #expect(error?.userMessage.contains("start training again") == true)
        }

        #expect(await studio.predictionCreates().isEmpty)
        #expect(try await studio.store.generations(for: newcomer, limit: 10).isEmpty)
        #expect(try await studio.store.generations(for: busy, limit: 10).isEmpty)
        #expect(try await studio.store.generations(for: failed, limit: 10).isEmpty)
    }

    @Test("a forged record pointing at another user's model is refused; nothing is sent", arguments: StoreFactory.all)
    func forgedRecord(_ factory: StoreFactory) async throws {
        let forgeries = Forgeries()
        var options = HarnessOptions()
        options.wrapStore = { ForgingStore(base: $0, forgeries: forgeries) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let victim = try await studio.trainedUser("victim7", reconcile: true)
        let victimRecord = try #require(try await studio.store.userModel(for: victim))
        let attacker = try studio.user("mallory8")

        var pointingAtVictim = victimRecord
        pointingAtVictim.userID = attacker.id
        var victimsTriggerWord = pointingAtVictim
        victimsTriggerWord.replicateModelID = ReplicateModelID.selfieModel(for: attacker.id, owner: StudioHarness.owner)
        let forged: [(String, UserModelRecord)] = [
            ("the victim's own record", victimRecord),
            ("the attacker's record naming the victim's model and version", pointingAtVictim),
            ("the attacker's model with the victim's trigger word", victimsTriggerWord),
        ]
        await studio.simulator.clearRecordedRequests()
        for (name, record) in forged {
            await forgeries.forge(record, for: attacker.id)
            for error in await refusals(studio, attacker) {
                #expect(error?.code == .modelOwnershipMismatch, "\(name)")
                #expect(error?.userMessage.isEmpty == false)
            }
        }
        #expect(await studio.predictionCreates().isEmpty)
        #expect(try await studio.store.generations(for: attacker, limit: 10).isEmpty)
    }

    @Test("another user's trigger word is removed from the prompt that is sent", arguments: StoreFactory.all)
    func foreignTriggerWord(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        try await studio.trainedUser("victim7", reconcile: true)
        let user = try await studio.trainedUser("dana4", seed: 9, reconcile: true)

        let reply = StylistReply(
            text: "Here is your prompt",
            prompt: "uservictim7 portrait of userdana4 in a sunlit office, UserVictim7 smiling, (uservictim7:1.4)")
        let started = try await studio.maya.generate(user: user, from: reply)
        let sent = try #require(await studio.predictionCreates().last)
        let prompt = try #require(try RequestInspection.json(sent)["input"]?["prompt"]?.stringValue)
        #expect(!prompt.lowercased().contains("uservictim7"))
        #expect(prompt.contains("userdana4"))
        #expect(prompt.contains("sunlit office"))
        #expect(started.prompt == prompt)
        #expect(try RequestInspection.user(ofPrediction: sent) == "dana4")
    }

    @Test("quota: with 6 a month, the 7th is refused and nothing is sent", arguments: StoreFactory.all)
    func quotaExhaustion(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.monthlyQuota = 6
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("quota6", reconcile: true)
        for index in 0..<6 {
            let look = studio.generation.catalog.looks[index].id
            _ = try await studio.generation.generate(user: user, look: look)
        }
        #expect(await studio.predictionCreates().count == 6)
        let photoshoot = await #expect(throws: SelfieModelKitError.self) {
            try await studio.generation.generate(user: user, look: studio.firstLook)
        }
        #expect(photoshoot?.code == .quotaExceeded)
        #expect(photoshoot?.userMessage.isEmpty == false)
        let maya = await #expect(throws: SelfieModelKitError.self) {
            try await studio.maya.generate(user: user, from: StylistReply(text: "", prompt: "a portrait at the beach"))
        }
        #expect(maya?.code == .quotaExceeded)
        #expect(await studio.predictionCreates().count == 6)
        #expect(try await studio.store.generations(for: user, limit: 20).count == 6)

        // Another user's quota is their own.
        let other = try await studio.trainedUser("quota7", seed: 11, reconcile: true)
        _ = try await studio.generation.generate(user: other, look: studio.firstLook)
        #expect(await studio.predictionCreates().count == 7)
    }
}
