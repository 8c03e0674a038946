import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("Orphans on a busy account")
struct OrphanSearchTests {
    @Test(
        "an orphaned generation is found beyond the first page of GET /v1/predictions and attached",
        .timeLimit(.minutes(4)), arguments: StoreFactory.all)
    func orphanBeyondFirstPage(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.wrapTransport = { CrashingTransport(wrapping: $0, when: CrashingTransport.predictionCreate) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("fleet4", reconcile: true)

        await #expect(throws: (any Error).self) {
            try await studio.generation.generate(user: user, look: studio.firstLook)
        }
        let orphan = try #require(try await studio.store.generations(for: user, limit: 10).first)
        #expect(orphan.status == .recorded && orphan.predictionID == nil)

        // A busy account: 250 predictions (other instances', say) created after the orphan's.
        let record = try #require(try await studio.store.userModel(for: user))
        let model = try TrainedUserModel(record: record, for: user, owner: StudioHarness.owner)
        for _ in 0..<250 {
            let request = try GenerationRequest(
                model: model, prompt: try UserPrompt("\(TriggerWord(for: user.id).rawValue) on a busy day", for: model),
                seed: .random())
            _ = try await studio.context.client.createPrediction(request)
        }
        #expect(try await studio.context.client.listPredictions().count == 100)

        try await studio.advance(by: options.orphanGracePeriod + 30, reconcile: true)
        let attached = try await studio.generation.generation(orphan.id, for: user)
        #expect(attached.status != .failed, "the orphan was failed: \(String(describing: attached.failure))")
        let predictionID = try #require(attached.predictionID)
        let atReplicate = try await studio.context.client.prediction(predictionID, for: user.id)
        #expect(atReplicate.input?["seed"]?.intValue == orphan.seed)
        #expect(try await studio.finish(orphan, for: user, reconcile: true).status == .succeeded)
        #expect(await studio.predictionCreates().count == 251)
    }
}
