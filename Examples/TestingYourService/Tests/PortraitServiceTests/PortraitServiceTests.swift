import Foundation
import PortraitService
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// Tests of a host's own service, offline: nothing here touches the network or real Replicate.
@Suite("PortraitService, tested offline")
struct PortraitServiceTests {
    @Test("selfies in, model trained, headshot made: three photos in the host's own image store")
    func happyPath() async throws {
        let studio = try await OfflineStudio()
        let portraits = PortraitService(training: studio.training, generation: studio.generation)
        let ada = try studio.user("ada1")

        _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies())
        await studio.simulator.advance(by: 40 * 60)  // a simulated training takes 20 to 30 minutes

        guard case .started(let id) = try await portraits.requestHeadshot(for: ada) else {
            Issue.record("the trained user should get a headshot")
            return
        }
        await studio.simulator.advance(by: 60)
        let headshot = try await portraits.headshot(id, for: ada)
        #expect(headshot.status == .succeeded)
        #expect(headshot.photos.count == 3)
        for photo in headshot.photos {
            let bytes = try #require(await studio.images.get(photo.storageKey))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))  // a real PNG, copied out of Replicate's hour
        }

        // What was sent is checkable too: the user's own model and the locked parameters.
        let sent = try #require(await studio.predictionRequests().first?.body)
        let body = try #require(try JSONSerialization.jsonObject(with: sent) as? [String: Any])
        let version = try #require(body["version"] as? String)
        #expect(version.hasPrefix("sandrasocial/ada1-selfie-lora:"))
        let input = try #require(body["input"] as? [String: Any])
        #expect(input["num_outputs"] as? Int == 3)
        #expect(input["aspect_ratio"] as? String == "3:4")
        #expect((input["prompt"] as? String)?.contains("userada1") == true)
    }

    @Test("closing an account leaves nothing of the user, here or at the simulated Replicate; others keep theirs")
    func closeAccount() async throws {
        let studio = try await OfflineStudio()
        let portraits = PortraitService(training: studio.training, generation: studio.generation)
        let ada = try studio.user("ada1")
        let grace = try studio.user("grace2")
        _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies(seed: 1))
        _ = try await portraits.onboard(grace, selfies: OfflineStudio.selfies(seed: 2))
        await studio.simulator.advance(by: 40 * 60)
        guard case .started(let id) = try await portraits.requestHeadshot(for: ada) else {
            Issue.record("the trained user should get a headshot")
            return
        }
        await studio.simulator.advance(by: 60)
        #expect(try await portraits.headshot(id, for: ada).photos.count == 3)
        let graceKeys = await studio.images.keys(of: grace.id)

        let message = try await portraits.closeAccount(ada)
        #expect(message.contains("15 photos"))  // 12 selfies and 3 generated photos

        // Nothing of Ada is left: rows, bytes, her model and her uploaded selfies at (simulated) Replicate.
        #expect(await studio.store.allUserModels().map(\.userID) == [grace.id])
        #expect(await studio.store.allPhotos().allSatisfy { $0.userID == grace.id })
        #expect(await studio.images.keys(of: ada.id).isEmpty)
        let replicate = await studio.simulator.inventory(of: OfflineStudio.owner)
        #expect(replicate.models.map(\.name) == ["sandrasocial/grace2-selfie-lora"])
        #expect(replicate.files.isEmpty)  // the training archives left when their trainings ended
        // Nothing new can start for her, however late a request comes; Grace is untouched.
        await #expect(throws: SelfieModelKitError.self) {
            _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies(seed: 1))
        }
        #expect(await studio.images.keys(of: grace.id) == graceKeys)
        #expect(try await studio.training.status(for: grace).canGenerate)
    }

    @Test("an untrained user is told to train, and Replicate is never called")
    func untrainedUser() async throws {
        let studio = try await OfflineStudio()
        let portraits = PortraitService(training: studio.training, generation: studio.generation)

        let outcome = try await portraits.requestHeadshot(for: try studio.user("grace2"))

        guard case .needsTraining(let message) = outcome else {
            Issue.record("expected needsTraining, got \(outcome)")
            return
        }
        #expect(message.contains("selfies"))
        #expect(await studio.predictionRequests().isEmpty)
    }

    @Test("a storm of 5xx answers while the status is polled: retried with backoff, the user never sees it")
    func serverErrorStorm() async throws {
        var faults = SimulatorFaults()
        faults.webhookDropRate = 1  // so only polling can bring the training home
        let studio = try await OfflineStudio(faults: faults)
        let portraits = PortraitService(training: studio.training, generation: studio.generation)
        let ada = try studio.user("ada1")
        _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies())
        await studio.simulator.advance(by: 40 * 60)

        faults.serverErrorRate = 0.6  // now most answers are 500s
        await studio.simulator.setFaults(faults)
        for _ in 0..<10 {
            try await studio.reconciler.reconcileOnce()  // a pass that still meets 5xx is simply tried again
            if try await studio.training.status(for: ada).canGenerate { break }
        }

        #expect(try await studio.training.status(for: ada).canGenerate)
        let statuses = await studio.simulator.recordedRequests().map(\.status)
        #expect(statuses.contains { $0 >= 500 }, "the storm really happened")
    }

    @Test("every webhook lost: the Reconciler still brings training and headshot home")
    func droppedWebhooks() async throws {
        var faults = SimulatorFaults()
        faults.webhookDropRate = 1
        let studio = try await OfflineStudio(faults: faults)
        let portraits = PortraitService(training: studio.training, generation: studio.generation)
        let ada = try studio.user("ada1")

        _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies())
        await studio.simulator.advance(by: 40 * 60)
        #expect(try await studio.training.status(for: ada).canGenerate == false, "no webhook arrived")

        try await studio.reconciler.reconcileOnce()  // in the app, the Reconciler runs as a Service
        #expect(try await studio.training.status(for: ada).canGenerate)

        guard case .started(let id) = try await portraits.requestHeadshot(for: ada) else {
            Issue.record("the headshot should start once the reconciler completed the training")
            return
        }
        await studio.simulator.advance(by: 60)
        try await studio.reconciler.reconcileOnce()
        #expect(try await portraits.headshot(id, for: ada).photos.count == 3)
    }

    @Test("an NSFW failure reaches the user as advice, with no retry on another model")
    func nsfwFailure() async throws {
        var faults = SimulatorFaults()
        faults.predictionFailureRate = 1
        faults.nsfwShareOfPredictionFailures = 1
        let studio = try await OfflineStudio(faults: faults)
        let portraits = PortraitService(training: studio.training, generation: studio.generation)
        let ada = try studio.user("ada1")

        _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies())
        await studio.simulator.advance(by: 40 * 60)
        guard case .started(let id) = try await portraits.requestHeadshot(for: ada) else {
            Issue.record("the headshot should start")
            return
        }
        await studio.simulator.advance(by: 60)

        let headshot = try await portraits.headshot(id, for: ada)
        #expect(headshot.status == .failed)
        #expect(headshot.photos.isEmpty)
        let advice = try #require(headshot.failure)
        #expect(!advice.isEmpty)
        #expect(await studio.predictionRequests().count == 1, "no fallback generation of any kind")
    }

    @Test("the database fails as the headshot is recorded: the user is told, and Replicate is never called")
    func databaseDown() async throws {
        let database = DatabaseSwitch()
        let studio = try await OfflineStudio(wrapStore: { DownWhenSwitchedOff(base: $0, database: database) })
        let portraits = PortraitService(training: studio.training, generation: studio.generation)
        let ada = try studio.user("ada1")
        _ = try await portraits.onboard(ada, selfies: OfflineStudio.selfies())
        await studio.simulator.advance(by: 40 * 60)

        await database.switchOff()
        let error = await #expect(throws: SelfieModelKitError.self) {
            _ = try await portraits.requestHeadshot(for: ada)
        }
        #expect(error?.code == .storage)
        #expect(error?.userMessage.contains("try again") == true)
        #expect(await studio.predictionRequests().isEmpty, "no job without its record: nothing can be lost")
        #expect(await studio.store.generations(for: ada, limit: 10).isEmpty)

        await database.switchOn()
        guard case .started = try await portraits.requestHeadshot(for: ada) else {
            Issue.record("the headshot should start once the database is back")
            return
        }
        #expect(await studio.predictionRequests().count == 1)
    }
}

/// Whether the test's database is up.
actor DatabaseSwitch {
    private(set) var isOn = true
    func switchOff() { isOn = false }
    func switchOn() { isOn = true }
}

/// Fault injection with `ForwardingSelfieModelStore`: every call goes to the real store, except recording a
/// generation, which fails while the switch is off, as a database that went away would.
struct DownWhenSwitchedOff: ForwardingSelfieModelStore {
    let base: any SelfieModelStore
    let database: DatabaseSwitch

    func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    ) async throws -> GenerationRecord {
        guard await database.isOn else {
            throw SelfieModelKitError(
                .storage, rule: "test.database-down",
                userMessage: "We couldn't save your request. Please try again in a moment.")
        }
        return try await base.recordGenerationIntent(intent, monthlyLimit: monthlyLimit, for: user)
    }
}
