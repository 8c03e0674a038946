import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

/// Holds every matching request (before it reaches the simulator) while closed; forwards the rest.
/// It stands for a create path that takes long: a slow upload, a long wait for the rate budget.
final class HoldingTransport: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    private let matches: @Sendable (HTTPRequest) -> Bool
    private let gate = Gate()

    private actor Gate {
        var isOpen = true
        var held: [CheckedContinuation<Void, Never>] = []

        func pass() async {
            guard !isOpen else { return }
            await withCheckedContinuation { held.append($0) }
        }

        func close() { isOpen = false }

        func open() {
            isOpen = true
            for request in held { request.resume() }
            held.removeAll()
        }
    }

    init(wrapping base: any HTTPTransport, when matches: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.base = base
        self.matches = matches
    }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        if matches(request) { await gate.pass() }
        return try await base.send(request, body: body)
    }

    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        if matches(request) { await gate.pass() }
        return try await base.send(request, bodyFile: bodyFile)
    }

    /// Holds matching requests from now on.
    func close() async { await gate.close() }

    /// Lets every held request go, and the next ones too.
    func open() async { await gate.open() }

    /// Polls (in real time, briefly) until `count` requests are held; returns how many are.
    func waitUntilHolding(_ count: Int) async throws -> Int {
        var holding = 0
        for _ in 0..<20_000 {
            holding = await gate.held.count
            if holding >= count { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        return holding
    }
}

extension StudioHarness {
    /// A second host instance over the same store and Replicate account: its own `StudioContext`, services
    /// and reconciler (holder `holder`), nothing shared in memory with this one.
    func otherInstance(holder: String, orphanGracePeriod: TimeInterval) throws -> StudioServices {
        let context = StudioContext(
            client: context.client, store: store, images: images, owner: StudioHarness.owner,
            publicURL: StudioHarness.publicURL, logger: context.logger, now: context.now)
        return try StudioServices(
            context: context, webhookSecrets: [],
            options: StudioServices.Options(
                reconciler: StudioServices.ReconcilerSettings(holder: holder, orphanGracePeriod: orphanGracePeriod)))
    }
}

@Suite("Several host instances over one store")
struct StartLeaseTests {
    /// A studio whose transport holds the requests `matches` picks while the test says so.
    private static func studio(
        _ factory: StoreFactory, holding matches: @escaping @Sendable (HTTPRequest) -> Bool,
        adjust: (inout HarnessOptions) -> Void = { _ in }
    ) async throws -> (StudioHarness, HoldingTransport, HarnessOptions) {
        let holding = LockedValue<HoldingTransport?>(nil)
        var options = HarnessOptions()
        options.orphanGracePeriod = 30
        options.wrapTransport = { base in
            let transport = HoldingTransport(wrapping: base, when: matches)
            holding.set(transport)
            return transport
        }
        adjust(&options)
        let studio = try await StudioHarness.make(factory, options)
        return (studio, try #require(holding.current), options)
    }

    @Test(
        "another instance's reconciler leaves alone a generation whose create call is held back",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func liveGenerationStartIsNoOrphan(_ factory: StoreFactory) async throws {
        let (studio, transport, options) = try await Self.studio(factory, holding: CrashingTransport.predictionCreate)
        defer {
            Task {
                await transport.open(); await studio.close()
            }
        }
        let user = try await studio.trainedUser("fleet1", reconcile: true)
        let instanceB = try studio.otherInstance(holder: "instance-b", orphanGracePeriod: options.orphanGracePeriod)

        await transport.close()
        let started = Task { try await studio.generation.generate(user: user, look: studio.firstLook) }
        #expect(try await transport.waitUntilHolding(1) == 1)
        // Longer than the orphan grace period passes while instance A's create call is held back;
        // instance B's reconciler runs meanwhile.
        try await studio.advance(by: options.orphanGracePeriod + 30)
        let pass = try await instanceB.reconciler.reconcileOnce()
        #expect(pass.generations == 0)
        let waiting = try #require(try await studio.store.generations(for: user, limit: 10).first)
        #expect(waiting.status == .recorded)
        #expect(waiting.failure == nil)

        await transport.open()
        let generation = try await started.value
        let predictionID = try #require(generation.predictionID)
        #expect(try await studio.finish(generation, for: user, reconcile: true).status == .succeeded)
        #expect(await studio.predictionCreates().count == 1)
        #expect(await studio.requests("POST", "/predictions/\(predictionID)/cancel").isEmpty)
    }

    @Test(
        "another instance's reconciler leaves alone a training whose upload is held back",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func liveTrainingStartIsNoOrphan(_ factory: StoreFactory) async throws {
        let (studio, transport, options) = try await Self.studio(factory) {
            $0.method == .post && $0.path == "/v1/files"
        }
        defer {
            Task {
                await transport.open(); await studio.close()
            }
        }
        let user = try studio.user("fleet2")
        try await studio.addSyntheticSelfies(for: user)
        let instanceB = try studio.otherInstance(holder: "instance-b", orphanGracePeriod: options.orphanGracePeriod)

        await transport.close()
        let started = Task { try await studio.training.startTraining(for: user) }
        #expect(try await transport.waitUntilHolding(1) == 1)
        try await studio.advance(by: options.orphanGracePeriod + 30)
        let pass = try await instanceB.reconciler.reconcileOnce()
        #expect(pass.trainings == 0)
        let waiting = try #require(try await studio.training.status(for: user).latestAttempt)
        #expect(waiting.status == .recorded)
        #expect(waiting.failure == nil)

        await transport.open()
        let attempt = try await started.value
        let trainingID = try #require(attempt.trainingID)
        #expect(try await studio.finishTraining(for: user, reconcile: true).status == .succeeded)
        #expect(await studio.trainingCreates().count == 1)
        #expect(await studio.requests("POST", "/trainings/\(trainingID)/cancel").isEmpty)
    }

    @Test(
        "the start lease is renewed while the upload takes several lease lengths", .timeLimit(.minutes(2)),
        arguments: StoreFactory.all)
    func startLeaseIsRenewed(_ factory: StoreFactory) async throws {
        let start = try await Self.heldUpload(factory, user: "fleet5")
        let (studio, transport, holds, sleeps, user, instanceB, started) = start
        defer {
            Task {
                await transport.open(); await studio.close()
            }
        }
        // Three lease lengths pass, 20 s at a time; after each step the starter renews its hold (and sleeps
        // again) and instance B's reconciler (no grace period at all) runs. Only the renewals keep the
        // attempt out of its claims.
        for step in 1...9 {
            await studio.simulator.advance(by: 20)
            #expect(
                try await Self.waitUntil { holds.current >= step && sleeps.current >= step + 1 },
                "renewal \(step) did not happen")
            #expect(try await instanceB.reconciler.reconcileOnce().trainings == 0, "claimed at step \(step)")
        }
        let waiting = try #require(try await studio.training.status(for: user).latestAttempt)
        #expect(waiting.status == .recorded)
        #expect(waiting.failure == nil)

        await transport.open()
        let attempt = try await started.value
        #expect(attempt.status == .starting)
        #expect(attempt.trainingID != nil)
        // Released once attached: any reconciler now claims it to follow it.
        #expect(try await instanceB.reconciler.reconcileOnce().trainings == 1)
    }

    @Test(
        "a start stuck for good stops renewing its lease after the maximum start hold, and is resolved",
        .timeLimit(.minutes(2)), arguments: StoreFactory.all)
    func stuckStartStopsRenewing(_ factory: StoreFactory) async throws {
        // A 60 s maximum hold: three renewals, 20 s apart.
        let start = try await Self.heldUpload(factory, user: "fleet9", maximumStartHold: .seconds(60))
        let (studio, transport, holds, _, user, instanceB, started) = start
        defer {
            Task {
                await transport.open(); await studio.close()
            }
        }
        defer { started.cancel() }
        for step in 1...3 {
            await studio.simulator.advance(by: 20)
            #expect(try await Self.waitUntil { holds.current >= step }, "renewal \(step) did not happen")
            #expect(try await instanceB.reconciler.reconcileOnce().trainings == 0, "claimed at step \(step)")
        }
        // The upload is still stuck; no fourth renewal comes, and one lease later instance B resolves it.
        await studio.simulator.advance(by: 61)
        try await Task.sleep(for: .milliseconds(200))
        #expect(holds.current == 3, "\(holds.current) renewals")
        #expect(try await instanceB.reconciler.reconcileOnce().trainings == 1)
        let resolved = try #require(try await studio.training.status(for: user).latestAttempt)
        #expect(resolved.status == .failed)
    }

    @Test(
        "a host killed while it starts a training strands it for one default start lease (30 s), not two minutes",
        .timeLimit(.minutes(2)), arguments: StoreFactory.all)
    func killedStarterIsResolvedWithinDefaultLease(_ factory: StoreFactory) async throws {
        let (studio, transport, options) = try await Self.studio(factory) {
            $0.method == .post && $0.path == "/v1/files"
        } adjust: {
            $0.startLease = StudioContext.defaultStartLease()
        }
        defer {
            Task {
                await transport.open(); await studio.close()
            }
        }
        let user = try studio.user("fleet7")
        try await studio.addSyntheticSelfies(for: user)
        let instanceB = try studio.otherInstance(holder: "instance-b", orphanGracePeriod: options.orphanGracePeriod)

        await transport.close()
        let started = Task { try await studio.training.startTraining(for: user) }
        #expect(try await transport.waitUntilHolding(1) == 1)
        started.cancel()  // the host is killed in its upload: no more renewals, and its start goes no further
        await studio.simulator.advance(by: 31)
        #expect(try await instanceB.reconciler.reconcileOnce().trainings == 1, "still held after 31 s")
        let resolved = try #require(try await studio.training.status(for: user).latestAttempt)
        #expect(resolved.status == .failed)
        #expect(resolved.failure?.userMessage.isEmpty == false)
    }

    /// A training start held in its upload, on a 60 s start lease renewed on virtual time (counted in
    /// `holds` and `sleeps`), with a second instance whose reconciler has no grace period; returns once the
    /// upload is held and the renewals have begun.
    private static func heldUpload(
        _ factory: StoreFactory, user name: String, maximumStartHold: Duration? = nil
    ) async throws -> (
        StudioHarness, HoldingTransport, holds: LockedValue<Int>, sleeps: LockedValue<Int>, AuthenticatedUser,
        StudioServices, Task<TrainingAttempt, any Error>
    ) {
        let holds = LockedValue(0)
        let sleeps = LockedValue(0)
        let (studio, transport, _) = try await Self.studio(factory) {
            $0.method == .post && $0.path == "/v1/files"
        } adjust: {
            $0.startLease = Lease(holder: "instance-a-starter", duration: .seconds(60))
            $0.maximumStartHold = maximumStartHold
            $0.renewalSleeps = sleeps
            $0.wrapStore = { HoldCountingStore(base: $0, holds: holds) }
        }
        let user = try studio.user(name)
        try await studio.addSyntheticSelfies(for: user)
        let instanceB = try studio.otherInstance(holder: "instance-b", orphanGracePeriod: 0)

        await transport.close()
        let started = Task { try await studio.training.startTraining(for: user) }
        #expect(try await transport.waitUntilHolding(1) == 1)
        #expect(try await Self.waitUntil { sleeps.current >= 1 }, "the renewals never began")
        return (studio, transport, holds, sleeps, user, instanceB, started)
    }

    /// Polls (in real time, up to ten seconds) until `condition` holds; returns whether it did.
    private static func waitUntil(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<10_000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }
}

/// Counts the start-lease holds (renewals) the services ask the store for.
struct HoldCountingStore: ForwardingSelfieModelStore {
    let base: any SelfieModelStore
    let holds: LockedValue<Int>

    func systemHoldTrainingLease(_ attempt: TrainingAttemptID, lease: Lease) async throws -> Bool {
        let held = try await base.systemHoldTrainingLease(attempt, lease: lease)
        holds.withLock { $0 += 1 }
        return held
    }

    func systemHoldGenerationLease(_ id: GenerationID, lease: Lease) async throws -> Bool {
        let held = try await base.systemHoldGenerationLease(id, lease: lease)
        holds.withLock { $0 += 1 }
        return held
    }
}
