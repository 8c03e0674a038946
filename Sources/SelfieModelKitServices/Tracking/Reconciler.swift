import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation
import ServiceLifecycle

/// Polls every in-flight training and generation so a lost webhook never leaves a job stuck.
///
/// A `Service` (swift-service-lifecycle): run it in your `ServiceGroup` beside the HTTP server, or call
/// ``reconcileOnce()`` yourself. Each pass claims in-flight jobs under a store lease, so several host
/// instances never work the same job at once, asks Replicate for each job's state, and applies it through
/// the same idempotent path as webhooks. A job still being started is held by its starter's lease in the
/// store (``StudioContext/startLease``), so no reconciler claims it. A job recorded but never attached to a
/// Replicate id whose start lease has lapsed (a crash between the intent and the call) is matched against
/// Replicate's jobs created since (every page back to the job's own time) and attached, or, when Replicate
/// has none after ``orphanGracePeriod``, marked failed so the user can try again. Each pass also finishes
/// user erasures that were begun and not completed (``UserErasureService/resumePendingErasures(limit:)``).
public struct Reconciler: Service {
    /// The training service.
    public let training: ModelTrainingService
    /// The generation service.
    public let generation: ImageGenerationService
    /// How long to wait between passes.
    public let interval: Duration
    /// This instance's lease holder name.
    public let holder: String
    /// How long a claim lasts without renewal: 30 seconds by default. A pass renews the claims of the jobs
    /// it still holds every third of this, so a live reconciler keeps its jobs however long they take, and a
    /// killed one strands them for at most this long.
    public let leaseDuration: Duration
    /// The longest a pass keeps renewing its claims on a chunk: 5 minutes by default. A pass stuck longer
    /// (a call that never returns) stops renewing, and other reconcilers take its jobs one lease later.
    public let maximumClaimHold: Duration
    /// How long a job may stay recorded without a Replicate id before it is resolved.
    public let orphanGracePeriod: TimeInterval
    /// The most jobs of each kind claimed per pass (and the most pending erasures resumed).
    public let batchSize: Int
    /// Finishes interrupted erasures.
    public let erasure: UserErasureService

    /// Creates a reconciler.
    public init(
        training: ModelTrainingService, generation: ImageGenerationService, interval: Duration = .seconds(15),
        holder: String = "reconciler-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
        leaseDuration: Duration = .seconds(30), orphanGracePeriod: TimeInterval = 30, batchSize: Int = 100,
        maximumClaimHold: Duration = .seconds(300)
    ) {
        self.maximumClaimHold = maximumClaimHold
        self.training = training
        self.generation = generation
        self.interval = interval
        self.holder = holder
        self.leaseDuration = leaseDuration
        self.orphanGracePeriod = orphanGracePeriod
        self.batchSize = batchSize
        self.erasure = UserErasureService(context: training.context)
    }

    private var context: StudioContext { training.context }

    /// Runs passes until cancelled or until the service group shuts down gracefully.
    public func run() async throws {
        // Graceful shutdown only signals; without this the loop would keep the ServiceGroup from finishing.
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        _ = try await reconcileOnce()
                    } catch {
                        context.logger.error("reconciler pass failed", metadata: ["error": "\(error)"])
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// How many jobs a pass claims at a time: it claims the next few only when it has dealt with these, so a
    /// host that dies or stalls in the middle of a pass holds at most this many jobs for the lease's length,
    /// and the other instances' reconcilers take the rest.
    public static let claimChunk = 8

    /// What one pass did.
    public struct PassSummary: Sendable, Hashable {
        /// Trainings looked at.
        public var trainings = 0
        /// Generations looked at.
        public var generations = 0
        /// Jobs that failed to refresh this pass (they are retried next pass).
        public var errors = 0
        /// Interrupted erasures finished this pass.
        public var erasures = 0
    }

    /// One pass over every in-flight job this instance can claim.
    @discardableResult
    public func reconcileOnce() async throws -> PassSummary {
        var summary = PassSummary()
        let lease = Lease(holder: holder, duration: leaseDuration)
        let store = context.store
        let trainings = try await refreshInTurn(
            claim: { try await store.systemClaimInFlightTrainings(lease: lease, limit: $0) },
            id: \.id, updatedAt: \.updatedAt,
            hold: { try await store.systemHoldTrainingLease($0, lease: lease) },
            release: { try await store.systemReleaseTrainingLease($0, holder: lease.holder) }
        ) { attempt in
            do {
                if let id = attempt.trainingID {
                    try await training.apply(try await context.client.training(id, for: attempt.userID))
                } else {
                    try await resolveOrphan(attempt)
                }
                return true
            } catch {
                context.logger.warning(
                    "training refresh failed", metadata: ["attempt": "\(attempt.id)", "error": "\(error)"])
                return false
            }
        }
        let generations = try await refreshInTurn(
            claim: { try await store.systemClaimInFlightGenerations(lease: lease, limit: $0) },
            id: \.id, updatedAt: \.updatedAt,
            hold: { try await store.systemHoldGenerationLease($0, lease: lease) },
            release: { try await store.systemReleaseGenerationLease($0, holder: lease.holder) }
        ) { record in
            do {
                if let id = record.predictionID {
                    try await generation.apply(try await context.client.prediction(id, for: record.userID))
                } else {
                    try await resolveOrphan(record)
                }
                return true
            } catch {
                context.logger.warning(
                    "generation refresh failed", metadata: ["generation": "\(record.id)", "error": "\(error)"])
                return false
            }
        }
        summary.trainings = trainings.looked
        summary.generations = generations.looked
        summary.errors = trainings.errors + generations.errors
        do {
            summary.erasures = try await erasure.resumePendingErasures(limit: batchSize).count
        } catch {
            summary.errors += 1
            context.logger.warning("pending erasures not read", metadata: ["error": "\(error)"])
        }
        return summary
    }

    /// Claims jobs of one kind ``claimChunk`` at a time, in turn, and refreshes each (`refresh` answers
    /// whether it succeeded), until the claims wrap round to a job already met this pass, come back short,
    /// or ``batchSize`` jobs were met. While a chunk is worked through, a child task renews the claim on
    /// the jobs not yet released every third of ``leaseDuration``, so a claim lasts as long as its holder
    /// is alive and working, and no longer than one lease after it dies.
    private func refreshInTurn<Job: Sendable, ID: Hashable & Sendable>(
        claim: (Int) async throws -> [Job], id: KeyPath<Job, ID>, updatedAt: KeyPath<Job, Date>,
        hold: @escaping @Sendable (ID) async throws -> Bool, release: (ID) async throws -> Void,
        refresh: (Job) async -> Bool
    ) async throws -> (looked: Int, errors: Int) {
        var seen: Set<ID> = []
        var looked = 0
        var errors = 0
        var wrapped = false
        while !wrapped, seen.count < batchSize {
            let claimed = try await claim(min(Self.claimChunk, batchSize - seen.count))
            let held = HeldClaims(claimed.map { $0[keyPath: id] })
            try await renewing(held, hold: hold) {
                for job in claimed {
                    let jobID = job[keyPath: id]
                    defer { held.remove(jobID) }
                    guard seen.insert(jobID).inserted else {
                        wrapped = true
                        try await release(jobID)
                        continue
                    }
                    looked += 1
                    StudioMetrics.reconcilerLag(context.now().timeIntervalSince(job[keyPath: updatedAt]))
                    if await !refresh(job) { errors += 1 }
                    try await release(jobID)
                }
            }
            if claimed.count < Self.claimChunk { break }
        }
        return (looked, errors)
    }

    /// Runs `body` while a child task renews the claims still in `held` every third of ``leaseDuration``,
    /// for at most ``maximumClaimHold``.
    private func renewing<ID: Hashable & Sendable>(
        _ held: HeldClaims<ID>, hold: @escaping @Sendable (ID) async throws -> Bool, _ body: () async throws -> Void
    ) async throws {
        let interval = leaseDuration / 3
        let stopAt = ContinuousClock.now + maximumClaimHold
        let logger = context.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    do {
                        try await Task.sleep(for: interval)
                    } catch {
                        return  // cancelled: the chunk is done
                    }
                    guard ContinuousClock.now < stopAt else {
                        logger.error(
                            "a reconciler pass has held its claims too long; they are no longer renewed",
                            metadata: ["jobs": "\(held.current.count)"])
                        return
                    }
                    for jobID in held.current {
                        do {
                            if try await !hold(jobID) {
                                logger.warning("a claimed job's lease was lost", metadata: ["job": "\(jobID)"])
                            }
                        } catch {
                            logger.warning(
                                "renewing a claim failed", metadata: ["job": "\(jobID)", "error": "\(error)"])
                        }
                    }
                }
            }
            defer { group.cancelAll() }
            try await body()
        }
    }

    private func resolveOrphan(_ attempt: TrainingAttempt) async throws {
        let modelID = ReplicateModelID.selfieModel(for: attempt.userID, owner: context.owner)
        // Newest first, page after page back to the attempt's own time (a minute's leeway for clocks), so a
        // busy account's newer trainings never hide it. A search cut short by the page bound throws and
        // fails nothing.
        let candidates = try await context.client.listTrainings(
            createdAfter: attempt.createdAt.addingTimeInterval(-60), for: attempt.userID)
        let triggerWord = TriggerWord(for: attempt.userID).rawValue
        // Replicate's training objects may omit `destination`; the trigger word is derived from the user too.
        for found in candidates
        where found.destination == modelID.description || found.input?["trigger_word"]?.stringValue == triggerWord {
            guard let created = found.createdAt, created >= attempt.createdAt.addingTimeInterval(-60),
                try await context.store.systemTrainingAttempt(trainingID: found.id) == nil
            else { continue }
            let url = found.input?["input_images"]?.stringValue ?? ""
            _ = try await context.store.systemAttachTrainingID(
                found.id, inputImagesURL: url, to: attempt.id, owner: attempt.userID)
            try await training.apply(found)
            context.logger.notice("orphaned training found and attached", metadata: ["attempt": "\(attempt.id)"])
            return
        }
        if context.now().timeIntervalSince(attempt.createdAt) > orphanGracePeriod {
            _ = try await context.store.systemUpdateTrainingAttempt(
                attempt.id, JobUpdate(from: .recorded, to: .failed, failure: FailureExplanation.neverStarted))
        }
    }

    private func resolveOrphan(_ record: GenerationRecord) async throws {
        let candidates = try await context.client.listPredictions(
            createdAfter: record.createdAt.addingTimeInterval(-60), for: record.userID)
        let sent = (try? JSONSerialization.jsonObject(with: record.requestBody)) as? [String: Any]
        let version = sent?["version"] as? String
        for found in candidates {
            guard let created = found.createdAt, created >= record.createdAt.addingTimeInterval(-60),
                found.input?["seed"]?.intValue == record.seed, found.input?["prompt"]?.stringValue == record.prompt,
                let version, found.version.map({ version.hasSuffix($0) }) == true,
                try await context.store.systemGeneration(predictionID: found.id) == nil
            else { continue }
            _ = try await context.store.systemAttachPredictionID(found.id, to: record.id, owner: record.userID)
            try await generation.apply(found)
            context.logger.notice("orphaned generation found and attached", metadata: ["generation": "\(record.id)"])
            return
        }
        if context.now().timeIntervalSince(record.createdAt) > orphanGracePeriod {
            _ = try await context.store.systemUpdateGeneration(
                record.id, JobUpdate(from: .recorded, to: .failed, failure: FailureExplanation.neverStarted))
        }
    }
}

/// The ids of the jobs a chunk still holds, shared with the task that renews their claims.
private final class HeldClaims<ID: Hashable & Sendable>: @unchecked Sendable {
    // `@unchecked`: `ids` is only touched under `lock` (Synchronization's Mutex needs macOS 15).
    private let lock = NSLock()
    private var ids: Set<ID>

    init(_ ids: [ID]) { self.ids = Set(ids) }

    func remove(_ id: ID) {
        lock.lock()
        defer { lock.unlock() }
        ids.remove(id)
    }

    var current: [ID] {
        lock.lock()
        defer { lock.unlock() }
        return Array(ids)
    }
}
