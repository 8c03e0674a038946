import Foundation
import SelfieModelKit

/// The user-model records a ``ForgingStore`` hands out instead of the real ones.
actor Forgeries {
    private var records: [UserID: UserModelRecord] = [:]

    func forge(_ record: UserModelRecord, for user: UserID) { records[user] = record }
    func record(for user: UserID) -> UserModelRecord? { records[user] }
}

/// A store that answers `userModel(for:)` with a forged record when one is set (as a tampered or buggy
/// database would) and passes everything else to the real store.
struct ForgingStore: SelfieModelStore {
    let base: any SelfieModelStore
    let forgeries: Forgeries

    func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord? {
        if let forged = await forgeries.record(for: user.id) { return forged }
        return try await base.userModel(for: user)
    }

    func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) async throws
        -> TrainingAttempt
    { try await base.recordTrainingIntent(intent, for: user) }

    func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, for user: AuthenticatedUser
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await base.attachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, for: user)
    }

    func systemAttachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, owner: UserID
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await base.systemAttachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, owner: owner)
    }

    func systemAttachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    )
        async throws -> TransitionOutcome<GenerationRecord>
    {
        try await base.systemAttachPredictionID(prediction, to: generation, owner: owner)
    }

    func trainingAttempts(for user: AuthenticatedUser) async throws -> [TrainingAttempt] {
        try await base.trainingAttempts(for: user)
    }

    func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<TrainingAttempt>
    { try await base.updateTrainingAttempt(attempt, update, for: user) }

    func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt? {
        try await base.systemTrainingAttempt(trainingID: trainingID)
    }

    func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<TrainingAttempt>
    { try await base.systemUpdateTrainingAttempt(attempt, update) }

    func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        try await base.systemCompleteTraining(
            attempt, expected: expected, version: version, versionSchemaJSON: versionSchemaJSON)
    }

    func systemClaimInFlightTrainings(lease: Lease, limit: Int) async throws -> [TrainingAttempt] {
        try await base.systemClaimInFlightTrainings(lease: lease, limit: limit)
    }

    func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) async throws {
        try await base.systemReleaseTrainingLease(attempt, holder: holder)
    }

    func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    )
        async throws -> GenerationRecord
    { try await base.recordGenerationIntent(intent, monthlyLimit: monthlyLimit, for: user) }

    func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<GenerationRecord>
    { try await base.attachPredictionID(prediction, to: generation, for: user) }

    func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord? {
        try await base.generation(id, for: user)
    }

    func generations(for user: AuthenticatedUser, limit: Int) async throws -> [GenerationRecord] {
        try await base.generations(for: user, limit: limit)
    }

    func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    { try await base.updateGeneration(id, update, for: user) }

    func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) async throws -> Int {
        try await base.monthlyGenerationCount(for: user, inMonthOf: date)
    }

    func systemGeneration(predictionID: PredictionID) async throws -> GenerationRecord? {
        try await base.systemGeneration(predictionID: predictionID)
    }

    func systemUpdateGeneration(
        _ id: GenerationID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    { try await base.systemUpdateGeneration(id, update) }

    func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    { try await base.systemCompleteGeneration(id, expected: expected, photos: photos) }

    func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        try await base.systemClaimInFlightGenerations(lease: lease, limit: limit)
    }

    func systemReleaseGenerationLease(_ id: GenerationID, holder: String) async throws {
        try await base.systemReleaseGenerationLease(id, holder: holder)
    }

    func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws {
        try await base.addPhoto(photo, for: user)
    }

    func photos(of kind: PhotoKind, for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        try await base.photos(of: kind, for: user)
    }

    func photo(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await base.photo(id, for: user)
    }

    func setFavourite(_ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await base.setFavourite(id, isFavourite, for: user)
    }

    func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await base.deletePhoto(id, for: user)
    }

    func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) async throws -> Bool {
        try await base.systemRecordWebhookReceipt(webhookID, receivedAt: receivedAt)
    }
}
