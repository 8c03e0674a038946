import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("Every in-flight job gets its turn")
struct ClaimOrderTests {
    @Test(
        "jobs whose refresh always fails do not starve a newer job whose webhook was lost",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func failingJobsDoNotStarveOthers(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.webhooks = false  // every webhook "lost": only the reconciler can complete a job
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("fleet3", reconcile: true)

        // 120 in-flight generations Replicate answers 404 for (an account change, say): every refresh fails.
        let failing = 120
        for index in 0..<failing {
            let record = try await studio.store.recordGenerationIntent(
                NewGeneration(
                    source: .photoshoot, prompt: "\(TriggerWord(for: user.id).rawValue) lost \(index)", seed: index,
                    requestBody: Data("{}".utf8)),
                monthlyLimit: nil, for: user)
            let id = try PredictionID("gone" + String(format: "%022d", index))
            _ = try await studio.store.attachPredictionID(id, to: record.id, for: user)
        }
        try await studio.advance(by: 1)
        let healthy = try await studio.generation.generate(user: user, look: studio.firstLook)
        try await studio.advance(by: 120)  // it finished at Replicate long ago; no webhook told us

        let batches = (failing + 1 + studio.reconciler.batchSize - 1) / studio.reconciler.batchSize
        var passes = 0
        var current = healthy
        while passes < batches + 2, !current.status.isTerminal {
            passes += 1
            let summary = try await studio.reconciler.reconcileOnce()
            #expect(summary.errors > 0)
            current = try await studio.generation.generation(healthy.id, for: user)
        }
        #expect(current.status == .succeeded, "still \(current.status) after \(passes) passes")
        #expect(passes <= batches, "the healthy generation took \(passes) passes; \(batches) give every job a turn")
    }
}
