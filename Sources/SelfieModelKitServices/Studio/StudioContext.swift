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
    /// The lease a job being started is held by in the store, from its recorded intent until Replicate's id
    /// is attached or the start fails: the holder name (one per context, never a reconciler's) and how long
    /// each hold lasts. The services renew it every third of `Lease.duration` while the create path runs
    /// (upload, rate budget, create call), so no reconciler, on any host instance, takes the job for an
    /// orphan; after a crash the lease expires and the job is resolved as an orphan.
    public var startLease: Lease
    /// What the start-lease renewals sleep on between holds: the system clock by default. A test on virtual
    /// time injects a clock whose sleeps end when that much time has passed for the store.
    public var startLeaseClock: SchedulingClock
    /// The longest a start keeps renewing its lease: 10 minutes by default (longer than any start that
    /// makes progress: an upload, a few minutes of 429 waits, the create call). A start stuck longer stops
    /// renewing, and a reconciler resolves its job one lease later; set it after creating the context.
    public var maximumStartHold: Duration = .seconds(600)
    /// What is deleted from Replicate when it is no longer needed (training archives, old versions).
    public var retention: RetentionPolicy

    /// Creates a context.
    /// - Parameters:
    ///   - startLease: how a job being started is held in the store; `nil` for a holder named after the
    ///     process with a random suffix, held 30 seconds at a time.
    ///   - startLeaseClock: what the start-lease renewals sleep on.
    ///   - retention: what is deleted from Replicate once no longer needed; by default training archives
    ///     as soon as their training ends, and no versions.
    public init(
        client: ReplicateClient, store: any SelfieModelStore, images: any ImageStore, owner: ReplicateOwner,
        publicURL: URL? = nil, guidanceKeyCompatibility: GuidanceKeyCompatibility = .specificationExact,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }, startLease: Lease? = nil,
        startLeaseClock: SchedulingClock = .system, retention: RetentionPolicy = RetentionPolicy()
    ) {
        self.client = client
        self.store = store
        self.images = images
        self.owner = owner
        self.publicURL = publicURL
        self.guidanceKeyCompatibility = guidanceKeyCompatibility
        self.logger = logger
        self.now = now
        self.startLease = startLease ?? Self.defaultStartLease()
        self.startLeaseClock = startLeaseClock
        self.retention = retention
    }

    /// A start lease held 30 seconds at a time (renewed every 10 while the start runs) by a holder named
    /// after this process, with a random suffix so two contexts never share one. A host killed while it
    /// starts a job strands the job for at most that long before a reconciler resolves it.
    public static func defaultStartLease() -> Lease {
        Lease(
            holder: "starter-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
            duration: .seconds(30))
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
