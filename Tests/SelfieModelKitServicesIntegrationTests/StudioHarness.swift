import Foundation
import HTTPTypes
import Logging
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

/// How a test wants its studio: faults, limits, webhooks, quota, and wrappers around the transport and
/// the store.
struct HarnessOptions: Sendable {
    /// Whether the services ask for webhooks (`PUBLIC_URL` set) and the simulator delivers them to the
    /// ``WebhookHandler``.
    var webhooks = true
    /// Faults the simulator injects from the start.
    var faults = SimulatorFaults.none
    /// The limits the simulator enforces.
    var simulatorRateLimits = SimulatorRateLimits()
    /// The client's rate budget.
    var budgetLimits = RateBudget.Limits()
    /// The per-user monthly quota.
    var monthlyQuota: Int?
    /// Whether generation bodies also carry `guidance_scale`.
    var guidanceKeyCompatibility = GuidanceKeyCompatibility.specificationExact
    /// Wraps the transport the client uses (the simulator), for crash tests.
    var wrapTransport: (@Sendable (any HTTPTransport) -> any HTTPTransport)?
    /// Wraps the store the services use, for forged records.
    var wrapStore: (@Sendable (any SelfieModelStore) -> any SelfieModelStore)?
    /// Holds every virtual sleep of the client and budget until opened.
    var sleepGate: SleepGate?
    /// How long the reconciler waits before resolving a job recorded without a Replicate id.
    var orphanGracePeriod: TimeInterval = 120
    /// The simulator's random seed.
    var seed: UInt64 = 1
    /// How the studio holds a job it is starting. Renewals run in real time while virtual time jumps, so
    /// the default outlasts any jump a test makes while a start is under way.
    var startLease = Lease(holder: "integration-starter", duration: .seconds(600))
    /// When set, start-lease renewals sleep on the simulator's virtual clock (each sleep ends once that much
    /// virtual time has passed) instead of in real time, and this counts the sleeps begun.
    var renewalSleeps: LockedValue<Int>?
    /// The context's `maximumStartHold`, when not the default.
    var maximumStartHold: Duration?
    /// What the studio deletes from Replicate once no longer needed.
    var retention = RetentionPolicy()
}

/// The three services, the webhook entry point and the reconciler, wired by `StudioServices` as every host
/// wires them, on the in-process simulator with a virtual clock and a client whose sleeps move that clock.
///
/// Time: the simulator's virtual clock is the only clock. The store, the services, the webhook verifier,
/// the client's retries and the rate budget all read it; the client's and the budget's sleeps move it
/// forward without running the simulator's events, so nothing ever waits in real time and a webhook is
/// never delivered from inside a sleep. Tests move the world on with ``advance(by:reconcile:)``.
struct StudioHarness: Sendable {
    static let owner = ReplicateOwner.sandrasocial
    static let token = "r8_integration_test_token_0123456789"
    static let publicURL = URL(string: "https://studio.example.test")!
    /// The simulated account's webhook signing secret (tests sign forged and stale deliveries with it).
    static let webhookSecretText = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

    let simulator: ReplicateSimulator
    let store: any SelfieModelStore
    let images: InMemoryImageStore
    let context: StudioContext
    let budget: RateBudget
    let training: ModelTrainingService
    let generation: ImageGenerationService
    let maya: AIService
    let reconciler: Reconciler
    let erasure: UserErasureService
    let webhooks: WebhookHandler
    let webhookSecret: WebhookSecret
    let close: @Sendable () async -> Void

    var clock: SimulatorClock { simulator.clock }
    var now: Date { simulator.clock.now }

    static func make(
        _ factory: StoreFactory, _ options: HarnessOptions = HarnessOptions()
    ) async throws
        -> StudioHarness
    {
        let simulator = ReplicateSimulator(
            configuration: ReplicateSimulator.Configuration(
                accounts: [SimulatorAccount(owner: owner.rawValue, token: token, webhookSecret: webhookSecretText)],
                seed: options.seed,
                faults: options.faults, rateLimits: options.simulatorRateLimits, imageLongSide: 128),
            clock: .virtual())
        let clock = simulator.clock
        let now: @Sendable () -> Date = { clock.now }
        let gate = options.sleepGate
        let scheduling = SchedulingClock(now: now) { duration in
            if let gate { await gate.wait() }
            let (seconds, attoseconds) = duration.components
            clock.moveForward(to: clock.now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18))
            await Task.yield()
        }
        let budget = RateBudget(limits: options.budgetLimits, clock: scheduling)
        let transport: any HTTPTransport
        if let wrap = options.wrapTransport {
            transport = wrap(simulator)
        } else {
            transport = simulator
        }
        let logger = Logger(label: "SelfieModelKitServicesIntegrationTests") { _ in SwiftLogNoOpLogHandler() }
        let client = try ReplicateClient(
            token: try APIToken(token), transport: transport, budget: budget,
            retryPolicy: RetryPolicy(random: { 0.5 }), clock: scheduling, logger: logger)
        let made = try await factory.make(now)
        let store = options.wrapStore?(made.store) ?? made.store
        let images = InMemoryImageStore()
        var context = StudioContext(
            client: client, store: store, images: images, owner: owner,
            publicURL: options.webhooks ? publicURL : nil,
            guidanceKeyCompatibility: options.guidanceKeyCompatibility, logger: logger, now: now,
            startLease: options.startLease,
            startLeaseClock: options.renewalSleeps.map { Self.virtualSleeps(on: clock, counting: $0) } ?? .system,
            retention: options.retention)
        if let maximumStartHold = options.maximumStartHold { context.maximumStartHold = maximumStartHold }
        let secret = try WebhookSecret(webhookSecretText)
        let services = try StudioServices(
            context: context, webhookSecrets: [secret],
            options: StudioServices.Options(
                monthlyQuota: options.monthlyQuota,
                reconciler: StudioServices.ReconcilerSettings(
                    holder: "integration-tests", orphanGracePeriod: options.orphanGracePeriod)))
        let handler = try #require(services.webhooks)
        await simulator.setWebhookReceiver { delivery in
            await handler.handle(headers: delivery.headerFields, rawBody: delivery.body).httpStatus
        }
        return StudioHarness(
            simulator: simulator, store: store, images: images, context: context, budget: budget,
            training: services.training, generation: services.generation, maya: services.maya,
            reconciler: services.reconciler, erasure: services.erasure, webhooks: handler,
            webhookSecret: secret, close: made.close)
    }
}

extension StudioHarness {
    /// A clock whose sleeps end once the simulator's virtual clock has moved on by their duration (polled in
    /// real time), for work that must wait for virtual time rather than move it; `sleeps` counts the sleeps
    /// begun.
    static func virtualSleeps(on clock: SimulatorClock, counting sleeps: LockedValue<Int>) -> SchedulingClock {
        SchedulingClock(now: { clock.now }) { duration in
            let (seconds, attoseconds) = duration.components
            let until = clock.now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
            sleeps.withLock { $0 += 1 }
            while clock.now < until {
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }
}

/// Holds virtual sleepers while closed (open by default), and before each sleep lets runnable work
/// catch up until `settled` says so: a real sleep of a second lets every task that was just granted a
/// permit send its request, and virtual time must not run ahead of them.
actor SleepGate {
    private var isOpen = true
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var settled: (@Sendable () async -> Bool)?

    func wait() async {
        if !isOpen {
            await withCheckedContinuation { waiters.append($0) }
        }
        if let settled {
            for _ in 0..<10_000 {
                if await settled() { break }
                await Task.yield()
            }
        }
    }

    func waitUntilSettled(_ settled: @escaping @Sendable () async -> Bool) { self.settled = settled }

    func close() { isOpen = false }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}
