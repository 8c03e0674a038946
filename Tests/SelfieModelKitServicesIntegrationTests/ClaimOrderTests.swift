import Foundation
import HTTPTypes
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

/// Holds every `GET /v1/predictions/{id}` until its task is cancelled: a host that froze or died in the
/// middle of a reconciler pass.
final class FreezingTransport: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    let frozen = LockedValue(0)

    init(wrapping base: any HTTPTransport) { self.base = base }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        if request.method == .get, (request.path ?? "").hasPrefix("/v1/predictions/") {
            frozen.withLock { $0 += 1 }
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        return try await base.send(request, body: body)
    }
}

@Suite("A reconciler pass holds few jobs at a time")
struct ClaimBatchTests {
    @Test(
        "a host that dies in the middle of a pass strands only the few jobs it had claimed",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func deadHostStrandsFewJobs(_ factory: StoreFactory) async throws {
        let freezing = LockedValue<FreezingTransport?>(nil)
        var options = HarnessOptions()
        options.webhooks = false
        options.wrapTransport = { base in
            let transport = FreezingTransport(wrapping: base)
            freezing.withLock { $0 = transport }
            return transport
        }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("fleet4", reconcile: true)
        let inFlight = 40
        for index in 0..<inFlight {
            let record = try await studio.store.recordGenerationIntent(
                NewGeneration(
                    source: .photoshoot, prompt: "\(TriggerWord(for: user.id).rawValue) frozen \(index)", seed: index,
                    requestBody: Data("{}".utf8)),
                monthlyLimit: nil, for: user)
            let id = try PredictionID("held" + String(format: "%022d", index))
            _ = try await studio.store.attachPredictionID(id, to: record.id, for: user)
        }
        let pass = Task { try await studio.reconciler.reconcileOnce() }
        defer { pass.cancel() }
        let transport = try #require(freezing.current)
        for _ in 0..<2000 where transport.frozen.current == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(transport.frozen.current == 1, "the pass is stuck in its first refresh")

        // Another instance's reconciler, meanwhile: it must find the jobs the stuck pass has not reached.
        let other = Lease(holder: "another-instance", duration: .seconds(120))
        let claimable = try await studio.store.systemClaimInFlightGenerations(lease: other, limit: 100)
        #expect(
            claimable.count >= inFlight - Reconciler.claimChunk,
            "the stuck pass holds \(inFlight - claimable.count) of \(inFlight) jobs; at most \(Reconciler.claimChunk)")
    }
}
