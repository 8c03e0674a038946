import Foundation
import SelfieModelKit

extension InMemorySelfieModelStore: UserModelStore {
    private static let kind = "training-attempt"

    public func userModel(for user: AuthenticatedUser) -> UserModelRecord? {
        models[user.id]
    }

    public func recordTrainingIntent(
        _ intent: NewTrainingAttempt, for user: AuthenticatedUser
    ) throws
        -> TrainingAttempt
    {
        try intent.requireOwned(by: user.id)
        try requireNotErased(user.id)
        if let existing = attempts[intent.id] {
            guard existing.value.userID == user.id else { throw SelfieModelKitError.duplicateStoreID(Self.kind) }
            return existing.value
        }
        let isActive = attempts.values.contains { $0.value.userID == user.id && !$0.value.status.isTerminal }
        guard !isActive else { throw SelfieModelKitError.trainingAlreadyActive }
        let date = now()
        var model = models[user.id] ?? .initial(for: user.id, model: intent.modelID, at: date)
        model.prepareForTraining(at: date)
        models[user.id] = model
        let attempt = TrainingAttempt(
            id: intent.id, userID: user.id, status: .recorded, photoCount: intent.photoCount,
            archiveSHA256: intent.archiveSHA256, createdAt: date, updatedAt: date)
        attempts[intent.id] = Stored(
            value: attempt, sequence: nextSequence(), leaseHolder: intent.startLease?.holder,
            leaseExpiresAt: intent.startLease.map { date.addingTimeInterval($0.duration.timeInterval) })
        return attempt
    }

    public func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, for user: AuthenticatedUser
    ) throws -> TransitionOutcome<TrainingAttempt> {
        try attachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, owner: user.id)
    }

    public func systemAttachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID, owner: UserID
    ) throws -> TransitionOutcome<TrainingAttempt> {
        try attachTrainingID(trainingID, inputImagesURL: inputImagesURL, to: attempt, owner: owner)
    }

    func attachTrainingID(
        _ trainingID: TrainingID, inputImagesURL: String, to attempt: TrainingAttemptID,
        owner: UserID
    ) throws -> TransitionOutcome<TrainingAttempt> {
        guard var stored = attempts[attempt], stored.value.userID == owner else {
            throw SelfieModelKitError.storeItemNotFound(Self.kind)
        }
        if let attached = stored.value.trainingID {
            guard attached == trainingID else { throw SelfieModelKitError.replicateIDConflict(kind: Self.kind) }
            return .alreadyApplied(stored.value)
        }
        guard stored.value.status == .recorded else {
            throw SelfieModelKitError.transitionConflict(
                kind: Self.kind, expected: .recorded, actual: stored.value.status)
        }
        guard !attempts.values.contains(where: { $0.value.trainingID == trainingID }) else {
            throw SelfieModelKitError.replicateIDConflict(kind: Self.kind)
        }
        let date = now()
        stored.value.trainingID = trainingID
        stored.value.inputImagesURL = inputImagesURL
        stored.value.apply(JobUpdate(from: .recorded, to: .starting), at: date)
        attempts[attempt] = stored
        models[owner]?.mirror(stored.value, at: date)
        return .applied(stored.value)
    }

    public func trainingAttempts(for user: AuthenticatedUser) -> [TrainingAttempt] {
        attempts.values
            .filter { $0.value.userID == user.id }
            .sorted { ($0.value.createdAt, $0.sequence) > ($1.value.createdAt, $1.sequence) }
            .map(\.value)
    }

    public func updateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate, for user: AuthenticatedUser
    ) throws -> TransitionOutcome<TrainingAttempt> {
        try transitionAttempt(attempt, update, owner: user.id)
    }

    public func systemTrainingAttempt(trainingID: TrainingID) -> TrainingAttempt? {
        attempts.values.first { $0.value.trainingID == trainingID }?.value
    }

    public func systemUpdateTrainingAttempt(
        _ attempt: TrainingAttemptID, _ update: JobUpdate
    ) throws
        -> TransitionOutcome<TrainingAttempt>
    {
        try transitionAttempt(attempt, update, owner: nil)
    }

    public func systemCompleteTraining(
        _ attempt: TrainingAttemptID, expected: JobStatus, version: ModelVersionID, versionSchemaJSON: String?
    ) throws -> TransitionOutcome<TrainingAttempt> {
        guard var stored = attempts[attempt] else { throw SelfieModelKitError.storeItemNotFound(Self.kind) }
        if stored.value.status == .succeeded {
            guard stored.value.outputVersionID == version else {
                throw SelfieModelKitError.replicateIDConflict(kind: Self.kind)
            }
            return .alreadyApplied(stored.value)
        }
        _ = try JobUpdate(from: expected, to: .succeeded).decision(current: stored.value.status, kind: Self.kind)
        let userID = stored.value.userID
        guard var model = models[userID] else {
            throw SelfieModelKitError.storageFailure("training attempt without a user model record")
        }
        let date = now()
        stored.value.complete(version: version, at: date)
        model.switchTo(version: version, schemaJSON: versionSchemaJSON, at: date)
        attempts[attempt] = stored
        models[userID] = model
        return .applied(stored.value)
    }

    public func systemClaimInFlightTrainings(lease: Lease, limit: Int) -> [TrainingAttempt] {
        claim(&attempts, lease: lease, limit: limit)
    }

    public func systemReleaseTrainingLease(_ attempt: TrainingAttemptID, holder: String) {
        release(&attempts, attempt, holder: holder)
    }

    public func systemHoldTrainingLease(_ attempt: TrainingAttemptID, lease: Lease) -> Bool {
        hold(&attempts, attempt, lease: lease)
    }

    private func transitionAttempt(
        _ id: TrainingAttemptID, _ update: JobUpdate, owner: UserID?
    ) throws
        -> TransitionOutcome<TrainingAttempt>
    {
        guard var stored = attempts[id], owner == nil || stored.value.userID == owner else {
            throw SelfieModelKitError.storeItemNotFound(Self.kind)
        }
        try update.requireNotSuccess(kind: Self.kind, completion: "systemCompleteTraining")
        let decision = try update.decision(
            current: stored.value.status, currentProgress: stored.value.progress, kind: Self.kind)
        guard decision == .apply else { return .alreadyApplied(stored.value) }
        let date = now()
        stored.value.apply(update, at: date)
        attempts[id] = stored
        models[stored.value.userID]?.mirror(stored.value, at: date)
        return .applied(stored.value)
    }
}
