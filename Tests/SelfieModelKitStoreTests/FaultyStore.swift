import Foundation
import SelfieModelKit
import SelfieModelKitTesting

/// A store with one planted fault, wrapping a correct in-memory store, to prove the conformance suite
/// notices each kind of broken store.
struct FaultyStore: ForwardingSelfieModelStore {
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
        /// Records intents without their start lease (a store that forgot the new columns).
        case dropsStartLeases
        /// Records a photo for a user being erased (the tombstone is not checked).
        case writesForErasedUser
        /// Erasing one user deletes another user's photos too.
        case erasesOtherUsers

        var description: String { rawValue }
    }

    let memory: InMemorySelfieModelStore
    let fault: Fault

    /// The correct store, called through the protocol.
    var base: any SelfieModelStore { memory }

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
        var intent = intent
        if fault == .dropsStartLeases { intent.startLease = nil }
        return try await base.recordTrainingIntent(intent, for: user)
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
        var intent = intent
        if fault == .dropsStartLeases { intent.startLease = nil }
        return try await base.recordGenerationIntent(intent, monthlyLimit: monthlyLimit, for: user)
    }

    func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord? {
        if fault == .leaksGenerations, let owner = try await ownerOf(id) {
            return try await base.generation(id, for: owner)
        }
        return try await base.generation(id, for: user)
    }

    func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) async throws
        -> TransitionOutcome<GenerationRecord>
    {
        try await base.updateGeneration(id, adjusted(update, for: id, user: user), for: user)
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

    func systemClaimInFlightGenerations(lease: Lease, limit: Int) async throws -> [GenerationRecord] {
        let claimed = try await base.systemClaimInFlightGenerations(lease: lease, limit: limit)
        guard fault == .ignoresLeases else { return claimed }
        return try await base.systemClaimInFlightGenerations(
            lease: Lease(holder: "\(lease.holder)-\(UUID())", duration: .zero), limit: limit)
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

    func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws {
        if fault == .writesForErasedUser, try await base.userErasure(for: user) != nil {
            // A store that forgot the tombstone: the row goes in through a fresh, un-erased store.
            try await InMemorySelfieModelStore().addPhoto(photo, for: user)
            return
        }
        try await base.addPhoto(photo, for: user)
    }

    func completeUserErasure(for user: AuthenticatedUser) async throws -> ErasedRows {
        if fault == .erasesOtherUsers {
            for photo in await memory.allPhotos() where photo.userID != user.id {
                _ = try await base.deletePhoto(photo.id, for: .verifiedByHost(photo.userID, via: "faulty store"))
            }
        }
        return try await base.completeUserErasure(for: user)
    }
}
