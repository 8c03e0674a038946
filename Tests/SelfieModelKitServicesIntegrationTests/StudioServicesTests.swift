import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// `StudioServices.make(configuration:...)`: the wiring every host uses, from the environment.
@Suite("StudioServices: wiring from the configuration")
struct StudioServicesTests {
    /// A simulator for the harness's account, on a virtual clock.
    static func simulator() -> ReplicateSimulator {
        ReplicateSimulator(
            configuration: ReplicateSimulator.Configuration(
                accounts: [
                    SimulatorAccount(
                        owner: StudioHarness.owner.rawValue, token: StudioHarness.token,
                        webhookSecret: StudioHarness.webhookSecretText)
                ],
                imageLongSide: 128),
            clock: .virtual())
    }

    /// Grants every permit and remembers the buckets it was asked for.
    actor CountingBudgetStore: RateBudgetStore {
        private(set) var asked: [RateBucket] = []

        func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) -> PermitDecision {
            asked.append(bucket)
            return .granted
        }

        func pause(_ bucket: RateBucket, until date: Date) {}
    }

    static func services(
        _ variables: [String: String], simulator: ReplicateSimulator,
        budgetStore: any RateBudgetStore = InMemoryRateBudgetStore()
    ) async throws -> StudioServices {
        var environment = ["REPLICATE_API_TOKEN": StudioHarness.token, "SELFIE_REPLICATE_BACKEND": "simulator"]
        environment.merge(variables) { $1 }
        let configuration = try Configuration(environment: environment)
        let clock = simulator.clock
        let services = try await StudioServices.make(
            configuration: configuration, store: InMemorySelfieModelStore(now: { clock.now }),
            images: InMemoryImageStore(), replicateTransport: simulator, budgetStore: budgetStore,
            logger: Logger(label: "studio-services-tests") { _ in SwiftLogNoOpLogHandler() },
            now: { clock.now })
        if let webhooks = services.webhooks {
            await simulator.setWebhookReceiver { delivery in
                await webhooks.handle(headers: delivery.headerFields, rawBody: delivery.body).httpStatus
            }
        }
        return services
    }

    static func secretRequests(_ simulator: ReplicateSimulator) async -> Int {
        await simulator.recordedRequests().filter { $0.path == "/v1/webhooks/default/secret" }.count
    }

    /// Trains `id` through `services`, moving only the simulator's clock (the reconciler never runs), and
    /// returns the training's final status as the store has it.
    static func trainWithoutReconciler(
        _ id: String, services: StudioServices, simulator: ReplicateSimulator
    ) async throws -> TrainingStatusReport {
        let user = AuthenticatedUser.verifiedByHost(try UserID(id), via: "test")
        let selfies = SelfieCache.shared.selfies(count: 12, seed: 3)
        _ = try await services.training.addSelfies(
            selfies.map { SelfieUpload(data: $0.png, fileName: $0.filename) }, for: user)
        _ = try await services.training.startTraining(for: user)
        for _ in 0..<120 { await simulator.advance(by: 30) }
        return try await services.training.status(for: user)
    }

    @Test("no PUBLIC_URL and no secret: no webhook handler, and Replicate is not asked for a secret")
    func withoutWebhooks() async throws {
        let simulator = Self.simulator()
        let services = try await Self.services(["SELFIE_MONTHLY_QUOTA": "7"], simulator: simulator)
        #expect(services.webhooks == nil)
        #expect(services.context.publicURL == nil)
        #expect(await simulator.recordedRequests().isEmpty)
        #expect(services.generation.monthlyQuota == 7)
        #expect(services.maya.stylist is BuiltInStylist)
        #expect(services.context.owner == StudioHarness.owner)
    }

    @Test("PUBLIC_URL without a secret: the account's secret is fetched once and verifies genuine deliveries")
    func fetchedSecret() async throws {
        let simulator = Self.simulator()
        let budget = CountingBudgetStore()
        let services = try await Self.services(
            ["PUBLIC_URL": "https://studio.example.test"], simulator: simulator, budgetStore: budget)
        #expect(services.webhooks != nil)
        #expect(await Self.secretRequests(simulator) == 1)
        #expect(await budget.asked == [.general], "the secret was fetched under the given budget store")

        let status = try await Self.trainWithoutReconciler("ada1", services: services, simulator: simulator)
        #expect(status.canGenerate, "the training completed through webhooks alone")
        let attempts = await simulator.webhookAttempts()
        #expect(!attempts.isEmpty)
        #expect(attempts.allSatisfy { if case .delivered = $0.outcome { true } else { false } })
    }

    @Test("a configured REPLICATE_WEBHOOK_SECRET is used as is: no fetch, and deliveries it does not sign are refused")
    func configuredSecret() async throws {
        let simulator = Self.simulator()
        let other = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()
        let services = try await Self.services(
            ["PUBLIC_URL": "https://studio.example.test", "REPLICATE_WEBHOOK_SECRET": other], simulator: simulator)
        #expect(services.webhooks != nil)
        #expect(await Self.secretRequests(simulator) == 0)

        let status = try await Self.trainWithoutReconciler("bob2", services: services, simulator: simulator)
        #expect(!status.canGenerate, "no delivery was accepted, and no reconciler ran")
        let attempts = await simulator.webhookAttempts()
        #expect(!attempts.isEmpty)
        #expect(attempts.allSatisfy { $0.outcome == .rejected(status: 401) })
    }
}
