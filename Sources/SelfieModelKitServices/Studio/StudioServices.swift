import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate

/// The library wired once per process: the three services, the webhook entry point and the reconciler,
/// all over one ``StudioContext`` (one Replicate client and rate budget, one store, one image store, one
/// clock).
///
/// A host builds one at start-up and keeps it for the life of the process:
///
/// ```swift
/// let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
/// let services = try await StudioServices.make(
///     configuration: configuration, store: store, images: images,
///     replicateTransport: URLSessionTransport(), logger: logger)
/// // POST /webhooks/replicate → services.webhooks?.handle(headers:rawBody:)
/// // ServiceGroup(services: [server, services.reconciler], ...)
/// ```
///
/// Tests that need their own client (a virtual clock, a gated rate budget) build the ``StudioContext``
/// themselves and use ``init(context:webhookSecrets:options:)``.
public struct StudioServices: Sendable {
    /// What every service shares.
    public let context: StudioContext
    /// Selfies and training.
    public let training: ModelTrainingService
    /// The Photoshoot, the single generation path and the photo library.
    public let generation: ImageGenerationService
    /// Maya: the stylist conversation and generation from her replies.
    public let maya: AIService
    /// Polls in-flight jobs so a lost webhook never leaves one stuck; run it beside the server.
    public let reconciler: Reconciler
    /// Erasure of a user everywhere (the reconciler finishes interrupted ones).
    public var erasure: UserErasureService { reconciler.erasure }
    /// The `POST /webhooks/replicate` entry point, or `nil` when the services do not ask for webhooks
    /// (no ``StudioContext/publicURL``) and no signing secret was given: then the reconciler alone
    /// completes jobs, and a host answers deliveries with 404.
    public let webhooks: WebhookHandler?

    /// The choices that are not in ``StudioContext``.
    public struct Options: Sendable {
        /// The Photoshoot's looks; `nil` for the built-in catalog.
        public var catalog: LookCatalog?
        /// Generations per user per calendar month; `nil` for no quota.
        public var monthlyQuota: Int?
        /// Maya's stylist.
        public var stylist: any Stylist
        /// How the reconciler runs.
        public var reconciler: ReconcilerSettings

        /// Creates options; the defaults are the built-in catalog, no quota, the built-in stylist and the
        /// reconciler's defaults.
        public init(
            catalog: LookCatalog? = nil, monthlyQuota: Int? = nil, stylist: any Stylist = BuiltInStylist(),
            reconciler: ReconcilerSettings = ReconcilerSettings()
        ) {
            self.catalog = catalog
            self.monthlyQuota = monthlyQuota
            self.stylist = stylist
            self.reconciler = reconciler
        }
    }

    /// How the ``Reconciler`` runs (see its properties for each setting's meaning).
    public struct ReconcilerSettings: Sendable, Hashable {
        /// The pause between passes.
        public var interval: Duration
        /// This instance's lease holder name; `nil` for one made of the process id and a random suffix.
        public var holder: String?
        /// How long a claim on a job lasts without renewal (30 seconds; a live reconciler renews its claims).
        public var leaseDuration: Duration
        /// How long a job may stay recorded without a Replicate id before it is resolved.
        public var orphanGracePeriod: TimeInterval
        /// The most jobs of each kind claimed per pass.
        public var batchSize: Int

        /// Creates settings with the reconciler's defaults.
        public init(
            interval: Duration = .seconds(15), holder: String? = nil, leaseDuration: Duration = .seconds(30),
            orphanGracePeriod: TimeInterval = 30, batchSize: Int = 100
        ) {
            self.interval = interval
            self.holder = holder
            self.leaseDuration = leaseDuration
            self.orphanGracePeriod = orphanGracePeriod
            self.batchSize = batchSize
        }
    }

    /// Wires the services over a context the caller built.
    /// - Parameters:
    ///   - context: the client, stores, owner, public URL, logger and clock every service shares.
    ///   - webhookSecrets: the secrets webhook signatures are checked against (the current one first
    ///     while rotating). Empty: no ``webhooks`` handler.
    ///   - options: catalog, quota, stylist and reconciler settings.
    /// - Throws: `SelfieModelKitError` when the built-in look catalog cannot be read.
    public init(context: StudioContext, webhookSecrets: [WebhookSecret], options: Options = Options()) throws {
        self.context = context
        training = ModelTrainingService(context: context)
        generation = ImageGenerationService(
            context: context, catalog: try options.catalog ?? LookCatalog.builtIn(),
            monthlyQuota: options.monthlyQuota)
        maya = AIService(stylist: options.stylist, generation: generation)
        let settings = options.reconciler
        if let holder = settings.holder {
            reconciler = Reconciler(
                training: training, generation: generation, interval: settings.interval, holder: holder,
                leaseDuration: settings.leaseDuration, orphanGracePeriod: settings.orphanGracePeriod,
                batchSize: settings.batchSize)
        } else {
            reconciler = Reconciler(
                training: training, generation: generation, interval: settings.interval,
                leaseDuration: settings.leaseDuration, orphanGracePeriod: settings.orphanGracePeriod,
                batchSize: settings.batchSize)
        }
        if webhookSecrets.isEmpty {
            webhooks = nil
        } else {
            let verifier = try WebhookVerifier(secrets: webhookSecrets, receipts: context.store, now: context.now)
            webhooks = WebhookHandler(verifier: verifier, training: training, generation: generation)
        }
    }

    /// Wires the services from a ``Configuration``: the Replicate client it describes (token, base URL, rate
    /// budget), Maya's stylist (Anthropic when `ANTHROPIC_API_KEY` is set), the monthly quota, and the
    /// webhook handler when `PUBLIC_URL` is set.
    ///
    /// The webhook secret is `REPLICATE_WEBHOOK_SECRET` when set; otherwise it is asked of Replicate once
    /// (`GET /v1/webhooks/default/secret`), so start-up fails early and clearly when the token is wrong.
    /// - Parameters:
    ///   - configuration: the validated configuration.
    ///   - store: model records, attempts, generations, photos and webhook receipts.
    ///   - images: the bytes of selfies and generated photos.
    ///   - replicateTransport: how the client reaches Replicate (`URLSessionTransport`, the AsyncHTTPClient
    ///     transport, or a simulator in tests).
    ///   - stylistTransport: how the Anthropic stylist reaches its API; `nil` for a `URLSessionTransport`.
    ///   - budgetStore: where the rate budget counts permits: in memory for one instance; a store shared by
    ///     every instance (such as `PostgresRateBudgetStore`) when several serve one Replicate account.
    ///   - reconciler: how the reconciler runs.
    ///   - retention: what is deleted from Replicate once no longer needed (by default training archives as
    ///     soon as their training ends, and no versions).
    ///   - logger: the services' logger.
    ///   - now: the clock (a simulator's virtual clock in tests).
    /// - Throws: `SelfieModelKitError` with code `.configuration` when `REPLICATE_API_TOKEN` is missing, or
    ///   the client's error when the webhook secret cannot be fetched.
    public static func make(
        configuration: Configuration, store: any SelfieModelStore, images: any ImageStore,
        replicateTransport: any HTTPTransport, stylistTransport: (any HTTPTransport)? = nil,
        budgetStore: any RateBudgetStore = InMemoryRateBudgetStore(),
        reconciler: ReconcilerSettings = ReconcilerSettings(), retention: RetentionPolicy = RetentionPolicy(),
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> StudioServices {
        let client = try configuration.makeReplicateClient(
            transport: replicateTransport, logger: logger, budgetStore: budgetStore)
        let context = StudioContext(
            client: client, store: store, images: images, owner: configuration.replicateOwner,
            publicURL: configuration.publicURL, logger: logger, now: now, retention: retention)
        var secrets: [WebhookSecret] = []
        if let configured = configuration.replicateWebhookSecret {
            secrets = [configured]
        } else if configuration.publicURL != nil {
            secrets = [try await client.defaultWebhookSecret()]
        }
        let options = Options(
            monthlyQuota: configuration.monthlyQuota.generations,
            stylist: configuration.makeStylist(transport: stylistTransport ?? URLSessionTransport()),
            reconciler: reconciler)
        return try StudioServices(context: context, webhookSecrets: secrets, options: options)
    }
}
