import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

/// What the three services share: the Replicate client, the store, the image store, the owner of the
/// user models, where webhooks go, a logger and a clock.
///
/// Build one per process and hand it to ``ModelTrainingService``, ``ImageGenerationService`` and
/// ``AIService``. Nothing in it starts work by itself; background work runs in ``Reconciler``.
public struct StudioContext: Sendable {
    /// The Replicate client (its rate budget is shared by every call the services make).
    public var client: ReplicateClient
    /// Model records, attempts, generations, photos and webhook receipts.
    public var store: any SelfieModelStore
    /// The bytes of selfies and generated photos.
    public var images: any ImageStore
    /// The Replicate account that owns every user model (`REPLICATE_OWNER`).
    public var owner: ReplicateOwner
    /// The host's public base URL (`PUBLIC_URL`); webhooks go to `{publicURL}/webhooks/replicate`.
    /// Without it the services rely on the reconciler's polling alone.
    public var publicURL: URL?
    /// Whether generation bodies also carry `guidance_scale` (off by default; see the guidance-key ADR).
    public var guidanceKeyCompatibility: GuidanceKeyCompatibility
    /// The services' logger; the services never create or bootstrap one.
    public var logger: Logger
    /// The clock, injectable for tests.
    public var now: @Sendable () -> Date
    /// The jobs this process is still starting, which the reconciler must not take for orphans.
    let pendingCreates = PendingCreates()

    /// Creates a context.
    public init(
        client: ReplicateClient, store: any SelfieModelStore, images: any ImageStore, owner: ReplicateOwner,
        publicURL: URL? = nil, guidanceKeyCompatibility: GuidanceKeyCompatibility = .specificationExact,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.store = store
        self.images = images
        self.owner = owner
        self.publicURL = publicURL
        self.guidanceKeyCompatibility = guidanceKeyCompatibility
        self.logger = logger
        self.now = now
    }

    /// The path webhooks are delivered to, under ``publicURL``.
    public static let webhookPath = "webhooks/replicate"

    func webhookTarget(events: Set<WebhookEventType>) throws -> WebhookTarget? {
        guard let publicURL else { return nil }
        return try WebhookTarget(url: publicURL.appendingPathComponent(Self.webhookPath), events: events)
    }

    /// The auditor for this context's owner and options.
    public var auditor: ComplianceAuditor {
        ComplianceAuditor(
            owner: owner, acceptsGuidanceScaleCompanion: guidanceKeyCompatibility == .alsoSendGuidanceScale)
    }
}
