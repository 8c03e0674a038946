import Foundation
import SelfieModelKit

/// A store that passes every call to another store, for tests that change one or two answers: fault
/// injection (a call that throws, a record as a tampered database would return it) or observation.
///
/// Conform with a ``base`` and implement only the calls to change; every other call goes to `base`
/// unchanged. Inside an implementation, call `base` for the real answer:
///
/// ```swift
/// struct FlakyPhotos: ForwardingSelfieModelStore {
///     let base: any SelfieModelStore
///
///     func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws {
///         throw SelfieModelKitError(.storage, rule: "test.flaky", userMessage: "Please try again.")
///     }
/// }
/// ```
///
/// A method whose signature differs from the protocol's by a label or a type is a new method, not a
/// replacement: the call still goes to `base`. Copy signatures from `UserModelStore`, `GenerationStore`,
/// `PhotoStore`, `WebhookReceiptStore` and `UserErasureStore`.
public protocol ForwardingSelfieModelStore: SelfieModelStore {
    /// The store every call goes to unless the conforming type implements it.
    var base: any SelfieModelStore { get }
}

/// Every call goes to ``ForwardingSelfieModelStore/base`` unless the conforming type implements it.
extension ForwardingSelfieModelStore {
    // MARK: UserModelStore

    public func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord? {
        try await base.userModel(for: user)
    }

    public func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) async throws
        -> TrainingAttempt
    { try await base.recordTrainingIntent(intent, for: user) }

    public func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await base.attachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, for: user)
    }

    public func trainingAttempts(for user: AuthenticatedUser) async throws -> [TrainingAttempt] {
        try await base.trainingAttempts(for: user)
    }

    public func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<TrainingAttempt>
    { try await base.updateTrainingAttempt(attempt, update, for: user) }

    public func systemAttachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, owner: UserID
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await base.systemAttachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, owner: owner)
    }

    public func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt? {
        try await base.systemTrainingAttempt(trainingID: trainingID)
    }

    public func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<TrainingAttempt>
    { try await base.systemUpdateTrainingAttempt(attempt, update) }

    public func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await base.systemCompleteTraining(
            attempt, expected: expected, version: version, versionSchemaJSON: versionSchemaJSON)
    }

    public func systemClaimInFlightTrainings(lease: Lease, limit: Int) async throws -> [TrainingAttempt] {
        try await base.systemClaimInFlightTrainings(lease: lease, limit: limit)
    }

    public func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) async throws {
        try await base.systemReleaseTrainingLease(attempt, holder: holder)
    }

    public func systemHoldTrainingLease(_ attempt: TrainingAttemptID, lease: Lease) async throws -> Bool {
        try await base.systemHoldTrainingLease(attempt, lease: lease)
    }

    // MARK: GenerationStore

    public func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    )
        async throws -> GenerationRecord
    { try await base.recordGenerationIntent(intent, monthlyLimit: monthlyLimit, for: user) }

    public func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<GenerationRecord>
    { try await base.attachPredictionID(prediction, to: generation, for: user) }

    public func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord? {
        try await base.generation(id, for: user)
    }

    public func generations(for user: AuthenticatedUser, limit: Int) async throws -> [GenerationRecord] {
        try await base.generations(for: user, limit: limit)
    }

    public func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    { try await base.updateGeneration(id, update, for: user) }

    public func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) async throws -> Int {
        try await base.monthlyGenerationCount(for: user, inMonthOf: date)
    }

    public func systemAttachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    )
        async throws -> TransitionOutcome<GenerationRecord>
    { try await base.systemAttachPredictionID(prediction, to: generation, owner: owner) }

    public func systemGeneration(predictionID: PredictionID) async throws -> GenerationRecord? {
        try await base.systemGeneration(predictionID: predictionID)
    }

    public func systemUpdateGeneration(
        _ id: GenerationID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    { try await base.systemUpdateGeneration(id, update) }

    public func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    { try await base.systemCompleteGeneration(id, expected: expected, photos: photos) }

    public func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        try await base.systemClaimInFlightGenerations(lease: lease, limit: limit)
    }

    public func systemReleaseGenerationLease(_ id: GenerationID, holder: String) async throws {
        try await base.systemReleaseGenerationLease(id, holder: holder)
    }

    public func systemHoldGenerationLease(_ id: GenerationID, lease: Lease) async throws -> Bool {
        try await base.systemHoldGenerationLease(id, lease: lease)
    }

    // MARK: PhotoStore

    public func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws {
        try await base.addPhoto(photo, for: user)
    }

    public func photos(of kind: PhotoKind, for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        try await base.photos(of: kind, for: user)
    }

    public func photo(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await base.photo(id, for: user)
    }

    public func setFavourite(
        _ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser
    ) async throws
        -> PhotoRecord?
    {
        try await base.setFavourite(id, isFavourite, for: user)
    }

    public func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await base.deletePhoto(id, for: user)
    }

    // MARK: WebhookReceiptStore

    public func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) async throws -> Bool {
        try await base.systemRecordWebhookReceipt(webhookID, receivedAt: receivedAt)
    }

    // MARK: UserErasureStore

    public func beginUserErasure(for user: AuthenticatedUser, reason: String) async throws -> UserErasure {
        try await base.beginUserErasure(for: user, reason: reason)
    }

    public func userErasure(for user: AuthenticatedUser) async throws -> UserErasure? {
        try await base.userErasure(for: user)
    }

    public func completeUserErasure(for user: AuthenticatedUser) async throws -> ErasedRows {
        try await base.completeUserErasure(for: user)
    }

    public func systemPendingUserErasures(limit: Int) async throws -> [UserErasure] {
        try await base.systemPendingUserErasures(limit: limit)
    }
}
