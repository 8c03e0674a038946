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
/// middle of a reconciler pass. With `ignoringCancellation`, held requests stay held when their task is
/// cancelled, until ``thaw()``: a host killed there, whose pass goes no further.
final class FreezingTransport: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    private let ignoringCancellation: Bool
    private let held = LockedValue<[CheckedContinuation<Void, Never>]>([])
    let frozen = LockedValue(0)

    init(wrapping base: any HTTPTransport, ignoringCancellation: Bool = false) {
        self.base = base
        self.ignoringCancellation = ignoringCancellation
    }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        if request.method == .get, (request.path ?? "").hasPrefix("/v1/predictions/") {
            frozen.withLock { $0 += 1 }
            if ignoringCancellation {
                await withCheckedContinuation { continuation in held.withLock { $0.append(continuation) } }
                throw CancellationError()
            }
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        return try await base.send(request, body: body)
    }

    /// Polls (in real time, up to ten seconds) until a request is held; returns how many are.
    func waitUntilFrozen() async throws -> Int {
        for _ in 0..<2000 where frozen.current == 0 { try await Task.sleep(for: .milliseconds(5)) }
        return frozen.current
    }

    /// Lets every held request end (with `CancellationError`).
    func thaw() {
        let waiting = held.withLock { held in
            defer { held = [] }
            return held
        }
        for continuation in waiting { continuation.resume() }
    }
}

@Suite("A reconciler pass holds few jobs at a time")
struct ClaimBatchTests {
    /// A harness whose reconciler freezes in its first prediction refresh, with `inFlight` generations
    /// whose webhooks were lost.
    private static func frozenPass(
        _ factory: StoreFactory, user name: String, inFlight: Int, killed: Bool = false
    ) async throws -> (StudioHarness, FreezingTransport, AuthenticatedUser) {
        let freezing = LockedValue<FreezingTransport?>(nil)
        var options = HarnessOptions()
        options.webhooks = false
        options.wrapTransport = { base in
            let transport = FreezingTransport(wrapping: base, ignoringCancellation: killed)
            freezing.withLock { $0 = transport }
            return transport
        }
        let studio = try await StudioHarness.make(factory, options)
        let user = try await studio.trainedUser(name, reconcile: true)
        for index in 0..<inFlight {
            let record = try await studio.store.recordGenerationIntent(
                NewGeneration(
                    source: .photoshoot, prompt: "\(TriggerWord(for: user.id).rawValue) frozen \(index)", seed: index,
                    requestBody: Data("{}".utf8)),
                monthlyLimit: nil, for: user)
            let id = try PredictionID("held" + String(format: "%022d", index))
            _ = try await studio.store.attachPredictionID(id, to: record.id, for: user)
        }
        return (studio, try #require(freezing.current), user)
    }

    @Test(
        "a host killed in the middle of a pass strands its claimed jobs for one short lease, not two minutes",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func killedHostReleasesWithinShortLease(_ factory: StoreFactory) async throws {
        let (studio, transport, _) = try await Self.frozenPass(factory, user: "fleet5", inFlight: 20, killed: true)
        defer { Task { await studio.close() } }
        let pass = Task { try await studio.reconciler.reconcileOnce() }
        defer { transport.thaw() }
        #expect(try await transport.waitUntilFrozen() == 1, "the pass is stuck in its first refresh")
        pass.cancel()  // the host is killed: its renewals stop, and its pass goes no further

        let other = Lease(holder: "another-instance", duration: .seconds(30))
        let before = try await studio.store.systemClaimInFlightGenerations(lease: other, limit: 100)
        #expect(before.count == 20 - Reconciler.claimChunk, "the killed pass's claims still hold")
        for record in before {
            try await studio.store.systemReleaseGenerationLease(record.id, holder: other.holder)
        }
        // One default lease later every job can be claimed again.
        await studio.simulator.advance(by: 31)
        let after = try await studio.store.systemClaimInFlightGenerations(lease: other, limit: 100)
        #expect(after.count == 20, "\(20 - after.count) jobs are still held by the killed pass after 31 s")
    }

    @Test(
        "a pass stuck for good stops renewing its claims after the maximum hold, and other reconcilers take them",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func stuckPassStopsRenewing(_ factory: StoreFactory) async throws {
        let (studio, transport, _) = try await Self.frozenPass(factory, user: "fleet8", inFlight: 20)
        defer { Task { await studio.close() } }
        // Renewed every 100 ms of real time, for 500 ms at most.
        let reconciler = Reconciler(
            training: studio.training, generation: studio.generation, holder: "stuck-pass",
            leaseDuration: .milliseconds(300), maximumClaimHold: .milliseconds(500))
        let pass = Task { try await reconciler.reconcileOnce() }
        defer { pass.cancel() }
        #expect(try await transport.waitUntilFrozen() == 1, "the pass is stuck in its first refresh")

        // Well past the maximum hold in real time, the store's clock moves on by more than a lease, and
        // renewals would have had time to run again: none did, so the claims have lapsed although the pass
        // is still alive.
        try await Task.sleep(for: .milliseconds(1200))
        await studio.simulator.advance(by: 0.4)
        try await Task.sleep(for: .milliseconds(400))
        let other = Lease(holder: "another-instance", duration: .seconds(30))
        let claimable = try await studio.store.systemClaimInFlightGenerations(lease: other, limit: 100)
        #expect(claimable.count == 20, "the stuck pass still holds \(20 - claimable.count) jobs")
    }

    @Test(
        "a pass that is alive but slow keeps its claims: it renews them while it works",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func slowPassRenewsItsClaims(_ factory: StoreFactory) async throws {
        let (studio, transport, _) = try await Self.frozenPass(factory, user: "fleet6", inFlight: 20)
        defer { Task { await studio.close() } }
        // A short lease, renewed every 100 ms of real time.
        let reconciler = Reconciler(
            training: studio.training, generation: studio.generation, holder: "slow-pass",
            leaseDuration: .milliseconds(300))
        let pass = Task { try await reconciler.reconcileOnce() }
        defer { pass.cancel() }
        #expect(try await transport.waitUntilFrozen() == 1, "the pass is stuck in its first refresh")

        // The store's clock moves 0.25 s, renewals run, and it moves 0.2 s more: the first claim would have
        // lapsed at 0.3 s; the renewed one holds.
        await studio.simulator.advance(by: 0.25)
        try await Task.sleep(for: .milliseconds(600))
        await studio.simulator.advance(by: 0.2)
        let other = Lease(holder: "another-instance", duration: .seconds(30))
        let claimable = try await studio.store.systemClaimInFlightGenerations(lease: other, limit: 100)
        #expect(
            claimable.count == 20 - Reconciler.claimChunk,
            "\(20 - claimable.count) jobs held; the slow pass should still hold its \(Reconciler.claimChunk)")
    }

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
        #expect(try await transport.waitUntilFrozen() == 1, "the pass is stuck in its first refresh")

        // Another instance's reconciler, meanwhile: it must find the jobs the stuck pass has not reached.
        let other = Lease(holder: "another-instance", duration: .seconds(120))
        let claimable = try await studio.store.systemClaimInFlightGenerations(lease: other, limit: 100)
        #expect(
            claimable.count >= inFlight - Reconciler.claimChunk,
            "the stuck pass holds \(inFlight - claimable.count) of \(inFlight) jobs; at most \(Reconciler.claimChunk)")
    }
}
