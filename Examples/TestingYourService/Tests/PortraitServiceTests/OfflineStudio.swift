import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// The library wired entirely offline, the way your tests can build it:
/// - `ReplicateSimulator` is the HTTP transport (no network, no token, no cost), on a virtual clock that moves
///   only when the test calls `advance(by:)`;
/// - `InMemorySelfieModelStore` and `InMemoryImageStore` stand in for the database and object storage;
/// - the simulator's signed webhooks go straight to the library's `WebhookHandler`, as they would reach
///   your `POST /webhooks/replicate`.
struct OfflineStudio {
    let simulator: ReplicateSimulator
    let store: InMemorySelfieModelStore
    let images: InMemoryImageStore
    let training: ModelTrainingService
    let generation: ImageGenerationService
    let reconciler: Reconciler

    static let owner = "sandrasocial"
    static let token = "r8_offline_test_token"

    /// - Parameters:
    ///   - faults: what the simulated Replicate gets wrong.
    ///   - wrapStore: wraps the store the library uses, to make the database fail (see
    ///     `ForwardingSelfieModelStore`); `store` stays the real one underneath, for assertions.
    init(
        faults: SimulatorFaults = .none,
        wrapStore: @Sendable (any SelfieModelStore) -> any SelfieModelStore = { $0 }
    ) async throws {
        let clock = SimulatorClock.virtual()
        simulator = ReplicateSimulator(
            configuration: .init(accounts: [SimulatorAccount(owner: Self.owner, token: Self.token)], faults: faults),
            clock: clock)
        store = InMemorySelfieModelStore(now: { clock.now })
        images = InMemoryImageStore()

        // Retries wait on the simulator's clock too, so a 5xx storm costs the test no real time.
        let schedule = SchedulingClock(now: { clock.now }, sleep: { _ in await Task.yield() })
        let client = try ReplicateClient(
            token: try APIToken(Self.token), transport: simulator, clock: schedule)
        let context = StudioContext(
            client: client, store: wrapStore(store), images: images, owner: try ReplicateOwner(Self.owner),
            publicURL: URL(string: "https://portraits.example.com"),
            logger: Logger(label: "portrait-tests", factory: { _ in SwiftLogNoOpLogHandler() }),
            now: { clock.now })
        // The library's wiring: the services, the reconciler and the webhook entry point over that context.
        let secret = try #require(await simulator.webhookSecret(for: Self.owner))
        let services = try StudioServices(context: context, webhookSecrets: [secret])
        training = services.training
        generation = services.generation
        reconciler = services.reconciler
        let webhooks = try #require(services.webhooks)
        await simulator.setWebhookReceiver { delivery in
            await webhooks.handle(headers: delivery.headerFields, rawBody: delivery.body).httpStatus
        }
    }

    /// A user your authentication has verified (in a test, any valid id).
    func user(_ id: String) throws -> AuthenticatedUser {
        AuthenticatedUser.verifiedByHost(try UserID(id), via: "test")
    }

    /// Twelve clearly synthetic selfies, as uploads.
    static func selfies(seed: UInt64 = 1) -> [SelfieUpload] {
        SyntheticSelfies.make(count: 12, seed: seed).map { SelfieUpload(data: $0.png, fileName: $0.filename) }
    }

    /// Every `POST /v1/predictions` the simulator received.
    func predictionRequests() async -> [RecordedRequest] {
        await simulator.recordedRequests().filter { $0.method == "POST" && $0.path == "/v1/predictions" }
    }
}
