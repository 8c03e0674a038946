import Foundation

/// The result of a compare-and-set transition.
///
/// A transition names the state it expects. When the record is already in the target state (the same
/// event applied twice, say a duplicate webhook) nothing changes and the outcome says so. When it is in
/// any other state, the store throws ``SelfieModelKitError`` with code `.transitionConflict`. Every backend
/// decides with ``JobUpdate/decision(current:currentProgress:kind:)``.
public enum TransitionOutcome<Record: Sendable>: Sendable {
    /// The transition was applied; this is the record after it.
    case applied(Record)
    /// The record was already in the target state; nothing changed.
    case alreadyApplied(Record)

    /// The record after the call, whichever way it went.
    public var record: Record {
        switch self {
        case .applied(let record), .alreadyApplied(let record): record
        }
    }

    /// Whether this call changed the record.
    public var didApply: Bool {
        if case .applied = self { return true }
        return false
    }
}

/// What a training intent records before Replicate is called.
public struct NewTrainingAttempt: Sendable, Hashable {
    /// The attempt's id, chosen by the caller so a retry can name the same attempt.
    public var id: TrainingAttemptID
    /// The model the training writes to; must be the user's own, derived model.
    public var modelID: ReplicateModelID
    /// How many photos the archive holds.
    public var photoCount: Int
    /// sha256 of the archive.
    public var archiveSHA256: String
    /// The lease the caller takes on the new attempt in the same transaction as the insert, so no reconciler
    /// claims it while the caller starts it (see ``UserModelStore/systemHoldTrainingLease(_:lease:)``);
    /// `nil` for none.
    public var startLease: Lease?

    /// Describes a training about to start.
    public init(
        id: TrainingAttemptID = TrainingAttemptID(), modelID: ReplicateModelID, photoCount: Int,
        archiveSHA256: String, startLease: Lease? = nil
    ) {
        self.id = id
        self.modelID = modelID
        self.photoCount = photoCount
        self.archiveSHA256 = archiveSHA256
        self.startLease = startLease
    }
}

/// What a generation intent records before Replicate is called.
public struct NewGeneration: Sendable, Hashable {
    /// The generation's id.
    public var id: GenerationID
    /// Which service asks.
    public var source: GenerationSource
    /// The Photoshoot look, if any.
    public var lookID: String?
    /// The prompt sent.
    public var prompt: String
    /// The seed sent.
    public var seed: Int
    /// The exact request body that will be sent.
    public var requestBody: Data
    /// The lease the caller takes on the new generation in the same transaction as the insert, so no
    /// reconciler claims it while the caller starts it (see ``GenerationStore/systemHoldGenerationLease(_:lease:)``);
    /// `nil` for none.
    public var startLease: Lease?

    /// Describes a generation about to start.
    public init(
        id: GenerationID = GenerationID(), source: GenerationSource, lookID: String? = nil, prompt: String,
        seed: Int, requestBody: Data, startLease: Lease? = nil
    ) {
        self.id = id
        self.source = source
        self.lookID = lookID
        self.prompt = prompt
        self.seed = seed
        self.requestBody = requestBody
        self.startLease = startLease
    }
}

/// A change to a job's status, named with the status it expects.
///
/// `expected == next` is a refresh: with new progress on a running job it is applied, otherwise it
/// reports `.alreadyApplied`. Moving to `.succeeded` goes through the completion calls
/// (`systemCompleteTraining`, `systemCompleteGeneration`), never through a generic update.
public struct JobUpdate: Sendable, Hashable {
    /// The status the job must be in for the update to apply.
    public var expected: JobStatus
    /// The status it moves to.
    public var next: JobStatus
    /// New progress, if known.
    public var progress: Double?
    /// The failure, when `next` is `.failed` (or `.canceled` with a reason).
    public var failure: JobFailure?

    /// Describes a transition from `expected` to `next`.
    public init(from expected: JobStatus, to next: JobStatus, progress: Double? = nil, failure: JobFailure? = nil) {
        self.expected = expected
        self.next = next
        self.progress = progress
        self.failure = failure
    }
}

/// A lease on in-flight work, so several host instances never work the same job at once.
///
/// Two kinds of holder take leases: a reconciler claims in-flight jobs to refresh them
/// (`systemClaimInFlightTrainings`, `systemClaimInFlightGenerations`), and whoever starts a job holds it
/// from its intent until Replicate's id is attached or the start fails (`startLease` of the intent, renewed
/// with `systemHoldTrainingLease` or `systemHoldGenerationLease`), so no reconciler takes a job still being
/// started for an orphan. A lease lives in the store, so it holds across every host instance sharing it;
/// after a crash it simply expires.
public struct Lease: Sendable, Hashable {
    /// Who holds it: a stable name per process, such as `"host-a:pid-1234"`.
    public var holder: String
    /// How long it lasts; an expired lease may be claimed by another holder.
    public var duration: Duration

    /// Describes a lease.
    public init(holder: String, duration: Duration) {
        self.holder = holder
        self.duration = duration
    }
}

/// Per-user model records and training attempts.
///
/// Per-user methods take the ``AuthenticatedUser`` and only ever see that user's rows. Methods whose
/// names start with `system` serve verified webhooks and the reconciler; they find jobs by Replicate's
/// id and must only be called with ids that came from Replicate, never from user input.
public protocol UserModelStore: Sendable {
    /// The user's model record, or `nil` when the user has never started a training.
    func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord?

    /// Records a training intent: creates the user's model record when missing (status `pending`, model
    /// id and trigger word derived from the user), refuses with `.trainingAlreadyActive` when a
    /// non-terminal attempt exists, and inserts the attempt as `recorded` — all in one transaction.
    /// A record without a version goes back to `pending`; a completed one keeps serving. The intent's
    /// model must be the user's own (else `.modelOwnershipMismatch`). With a ``NewTrainingAttempt/startLease``
    /// the attempt is inserted already leased to its holder until now + its duration. Recording an id that
    /// already exists for this user returns that attempt unchanged, its lease untouched (a retry); another
    /// user's id throws.
    func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) async throws
        -> TrainingAttempt

    /// Attaches Replicate's training id and input URL to a recorded attempt (`recorded` → `starting`);
    /// the model record moves to `training` unless it is `completed` (retraining). Attaching the same id
    /// again reports `.alreadyApplied`; a different id throws `.transitionConflict`.
    func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID,
        for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt>

    /// The user's attempts, newest first.
    func trainingAttempts(for user: AuthenticatedUser) async throws -> [TrainingAttempt]

    /// Moves one of the user's attempts (for example to `.canceled`), mirroring it onto the model record:
    /// without a completed version the record's status follows the attempt (`training`, `failed`,
    /// `canceled`); a completed record keeps its status and version and only reflects progress and failure.
    /// Moving to `.succeeded` is refused: use `systemCompleteTraining`.
    func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<TrainingAttempt>

    /// Attaches Replicate's training id to an attempt recorded for `owner` (system path: the reconciler,
    /// when it finds at Replicate a training whose create call reached it while the host crashed). Same
    /// rules as ``attachTrainingID(_:inputImagesURL:to:for:)``; `owner` must be the attempt's owner as the
    /// store itself reported it, never a value from input.
    func systemAttachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, owner: UserID
    ) async throws -> TransitionOutcome<TrainingAttempt>

    /// Finds an attempt by Replicate's training id (system path: webhooks and the reconciler).
    func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt?

    /// Moves an attempt found by the system path, mirroring it onto the model record as
    /// ``updateTrainingAttempt(_:_:for:)`` does.
    func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<TrainingAttempt>

    /// In one transaction: marks the attempt `succeeded` with `version`, and switches the user's model
    /// record to that version with status `completed`, keeping the version's schema.
    func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt>

    /// Claims up to `limit` non-terminal attempts whose lease is free, expired, or already held by
    /// `lease.holder` (a renewal), for `lease.holder` until now + `lease.duration`, and returns them oldest
    /// first.
    ///
    /// Claims go in turn: attempts never claimed first, then those claimed longest ago (oldest first among
    /// equals), and each claimed attempt goes to the back of the line. So every in-flight attempt is
    /// claimed within a bounded number of claims, however many others keep failing to refresh.
    func systemClaimInFlightTrainings(lease: Lease, limit: Int) async throws -> [TrainingAttempt]

    /// Releases a lease held by `holder`; a lease held by someone else stays.
    func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) async throws

    /// Takes or renews the lease on one non-terminal attempt for `lease.holder` until now +
    /// `lease.duration`, when its lease is free, expired or already the holder's; returns whether the
    /// holder now holds it. Another holder's live lease, a terminal attempt or a missing one answer `false`
    /// and change nothing.
    ///
    /// Whoever starts a training holds its attempt this way while the create path runs (upload, rate
    /// budget, create call), renewing well before the lease ends, and releases it with
    /// ``systemReleaseTrainingLease(_:holder:)`` once Replicate's id is attached or the start failed. The
    /// reconciler's claims skip it meanwhile, on every host instance sharing the store.
    func systemHoldTrainingLease(_ attempt: TrainingAttemptID, lease: Lease) async throws -> Bool
}

/// Generations and the monthly count.
public protocol GenerationStore: Sendable {
    /// Records a generation intent as `recorded`. When `monthlyLimit` is given, the insert happens only
    /// if the user's generations this month (not failed or canceled) are fewer; otherwise it throws
    /// `.quotaExceeded`. The check and the insert are atomic. With a ``NewGeneration/startLease`` the
    /// generation is inserted already leased to its holder until now + its duration. Recording an id that
    /// already exists for this user returns that generation unchanged, its lease untouched; another user's
    /// id throws.
    func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    )
        async throws -> GenerationRecord

    /// Attaches Replicate's prediction id (`recorded` → `starting`). The same id again reports
    /// `.alreadyApplied`; a different id throws `.transitionConflict`.
    func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<GenerationRecord>

    /// One of the user's generations; another user's answers exactly like a missing one (`nil`).
    func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord?

    /// The user's generations, newest first.
    func generations(for user: AuthenticatedUser, limit: Int) async throws -> [GenerationRecord]

    /// Moves one of the user's generations (for example to `.failed` when the create call was refused).
    func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws
        -> TransitionOutcome<GenerationRecord>

    /// How many generations the user started in the calendar month (UTC) holding `date`, not counting
    /// failed or canceled ones.
    func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) async throws -> Int

    /// Attaches Replicate's prediction id to a generation recorded for `owner` (system path: the
    /// reconciler's recovery of a crash between the intent and the call). Same rules as
    /// ``attachPredictionID(_:to:for:)``; `owner` comes from the store's own row, never from input.
    func systemAttachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    )
        async throws -> TransitionOutcome<GenerationRecord>

    /// Finds a generation by Replicate's prediction id (system path).
    func systemGeneration(predictionID: PredictionID) async throws -> GenerationRecord?

    /// Moves a generation found by the system path.
    func systemUpdateGeneration(
        _ id: GenerationID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<GenerationRecord>

    /// In one transaction: inserts the photo rows of the stored outputs and marks the generation
    /// `succeeded`. The photos' bytes must already be in the ``ImageStore``. Each photo must be a
    /// `generated` photo of the generation's owner naming this generation. When the generation already
    /// succeeded nothing is inserted and the outcome is `.alreadyApplied`.
    func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws
        -> TransitionOutcome<GenerationRecord>

    /// Claims up to `limit` non-terminal generations whose lease is free, expired, or already held by
    /// `lease.holder`, in turn as ``UserModelStore/systemClaimInFlightTrainings(lease:limit:)`` does, and
    /// returns them oldest first.
    func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord]

    /// Releases a lease held by `holder`; a lease held by someone else stays.
    func systemReleaseGenerationLease(_ id: GenerationID, holder: String) async throws

    /// Takes or renews the lease on one non-terminal generation for `lease.holder` until now +
    /// `lease.duration`, when its lease is free, expired or already the holder's; returns whether the
    /// holder now holds it. Another holder's live lease, a terminal generation or a missing one answer
    /// `false` and change nothing. Whoever starts a generation holds it this way until its prediction id is
    /// attached or the start failed (see ``UserModelStore/systemHoldTrainingLease(_:lease:)``).
    func systemHoldGenerationLease(_ id: GenerationID, lease: Lease) async throws -> Bool
}

/// Metadata of stored photos; the bytes live in an ``ImageStore``.
public protocol PhotoStore: Sendable {
    /// Adds a photo row for `user`; the record's `userID` must be that user (else
    /// `.modelOwnershipMismatch`) and its generation, if any, one of that user's (else `.notFound`).
    /// Adding the identical row again does nothing.
    func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws
    /// The user's photos of one kind, oldest first (a stable order for training archives).
    func photos(of kind: PhotoKind, for user: AuthenticatedUser) async throws -> [PhotoRecord]
    /// One of the user's photos; another user's answers exactly like a missing one (`nil`).
    func photo(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord?
    /// Sets or clears the favourite mark; `nil` when there is no such photo of this user.
    func setFavourite(_ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser) async throws -> PhotoRecord?
    /// Deletes the row and returns it (so the caller deletes the bytes); `nil` when missing.
    func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord?
}

/// Remembers delivered webhook ids so a replayed delivery does nothing.
public protocol WebhookReceiptStore: Sendable {
    /// Records `webhookID`; returns `true` when it was new, `false` when it had been seen before.
    func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) async throws -> Bool
}

/// Everything the services need from one store. Each backend (PostgreSQL, SQLite, in-memory) implements
/// all of it, so a training's completion and its model switch share one transaction.
public typealias SelfieModelStore = UserModelStore & GenerationStore & PhotoStore & WebhookReceiptStore
    & UserErasureStore
