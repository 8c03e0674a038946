import Foundation
import SelfieModelKit
import SelfieModelKitTesting

/// A store with one planted fault, wrapping a correct in-memory store, to prove the conformance suite
/// notices each kind of broken store.
struct FaultyStore: SelfieModelStore {
    enum Fault: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Reads another user's generation (no user scoping).
        case leaksGenerations
        /// Applies updates without comparing the expected state.
        case ignoresExpectedState
        /// Reports a repeated event as applied.
        case reportsEveryUpdateApplied
        /// Checks the quota and inserts in two steps, with a suspension between.
        case racyQuota
        /// Ignores leases: every claim returns every in-flight job.
        case ignoresLeases
        /// Forgets webhook receipts.
        case forgetsReceipts
        /// Switches the version without completing the attempt (not one step).
        case completionLosesVersion
        /// Allows a second active training.
        case allowsTwoActiveTrainings

        var description: String { rawValue }
    }

    let memory: InMemorySelfieModelStore
    let fault: Fault

    /// The correct store, called through the protocol.
    var base: any SelfieModelStore { memory }

    func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord? {
        try await base.userModel(for: user)
    }

    func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) async throws
        -> TrainingAttempt
    {
        if fault == .allowsTwoActiveTrainings {
            for attempt in try await base.trainingAttempts(for: user) where !attempt.status.isTerminal {
                _ = try await base.updateTrainingAttempt(
                    attempt.id, JobUpdate(from: attempt.status, to: .canceled), for: user)
            }
        }
        return try await base.recordTrainingIntent(intent, for: user)
    }

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
    {
        try await base.updateTrainingAttempt(attempt, update, for: user)
    }

    func systemTrainingAttempt(trainingID: TrainingID) async throws -> TrainingAttempt? {
        try await base.systemTrainingAttempt(trainingID: trainingID)
    }

    func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) async throws
        -> TransitionOutcome<TrainingAttempt>
    {
        try await base.systemUpdateTrainingAttempt(attempt, update)
    }

    func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) async throws -> TransitionOutcome<TrainingAttempt> {
        if fault == .completionLosesVersion {
            return try await base.systemUpdateTrainingAttempt(attempt, JobUpdate(from: expected, to: .failed))
        }
        return try await base.systemCompleteTraining(
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
    {
        if fault == .racyQuota, let monthlyLimit {
            let used = try await base.monthlyGenerationCount(for: user, inMonthOf: Date())
            await Task.yield()
            guard used < monthlyLimit else { throw SelfieModelKitError.quotaExceeded(limit: monthlyLimit) }
            return try await base.recordGenerationIntent(intent, monthlyLimit: nil, for: user)
        }
        return try await base.recordGenerationIntent(intent, monthlyLimit: monthlyLimit, for: user)
    }

    func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    )
        async throws -> TransitionOutcome<GenerationRecord>
    {
        try await base.attachPredictionID(prediction, to: generation, for: user)
    }

    func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord? {
        if fault == .leaksGenerations, let owner = try await ownerOf(id) {
            return try await base.generation(id, for: owner)
        }
        return try await base.generation(id, for: user)
    }

    func generations(for user: AuthenticatedUser, limit: Int) async throws -> [GenerationRecord] {
        try await base.generations(for: user, limit: limit)
    }

    func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try await base.updateGeneration(id, adjusted(update, for: id, user: user), for: user)
    }

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
    {
        let outcome = try await base.systemUpdateGeneration(id, adjusted(update, for: id, user: nil))
        if fault == .reportsEveryUpdateApplied { return .applied(outcome.record) }
        return outcome
    }

    func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try await base.systemCompleteGeneration(id, expected: expected, photos: photos)
    }

    func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        let claimed = try await base.systemClaimInFlightGenerations(lease: lease, limit: limit)
        guard fault == .ignoresLeases else { return claimed }
        return try await base.systemClaimInFlightGenerations(
            lease: Lease(holder: "\(lease.holder)-\(UUID())", duration: .zero), limit: limit)
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
        let isNew = try await base.systemRecordWebhookReceipt(webhookID, receivedAt: receivedAt)
        return fault == .forgetsReceipts ? true : isNew
    }

    /// With `.ignoresExpectedState`, rewrites the update to expect whatever the job is in now.
    private func adjusted(
        _ update: JobUpdate, for id: GenerationID, user: AuthenticatedUser?
    ) async throws
        -> JobUpdate
    {
        guard fault == .ignoresExpectedState, let owner = try await ownerOf(id),
            let current = try await base.generation(id, for: owner), current.status.canMove(to: update.next)
        else { return update }
        return JobUpdate(from: current.status, to: update.next, progress: update.progress, failure: update.failure)
    }

    private func ownerOf(_ id: GenerationID) async throws -> AuthenticatedUser? {
        guard let record = await memory.allGenerations().first(where: { $0.id == id }) else { return nil }
        return AuthenticatedUser.verifiedByHost(record.userID, via: "faulty-store")
    }
}
