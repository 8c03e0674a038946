import Foundation
import SelfieModelKit

extension InMemorySelfieModelStore: GenerationStore {
    private static let kind = "generation"

    public func recordGenerationIntent(
        _ intent: NewGeneration, monthlyLimit: Int?, for user: AuthenticatedUser
    ) throws -> GenerationRecord {
        try requireNotErased(user.id)
        if let existing = generations[intent.id] {
            guard existing.value.userID == user.id else { throw SelfieModelKitError.duplicateStoreID(Self.kind) }
            return existing.value
        }
        let date = now()
        if let monthlyLimit {
            guard count(for: user.id, in: utcMonth(containing: date)) < monthlyLimit else {
                throw SelfieModelKitError.quotaExceeded(limit: monthlyLimit)
            }
        }
        let record = GenerationRecord(
            id: intent.id, userID: user.id, source: intent.source, lookID: intent.lookID, prompt: intent.prompt,
            seed: intent.seed, requestBody: intent.requestBody, status: .recorded, createdAt: date, updatedAt: date)
        generations[intent.id] = Stored(
            value: record, sequence: nextSequence(), leaseHolder: intent.startLease?.holder,
            leaseExpiresAt: intent.startLease.map { date.addingTimeInterval($0.duration.timeInterval) })
        return record
    }

    public func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, for user: AuthenticatedUser
    ) throws -> TransitionOutcome<GenerationRecord> {
        try attachPredictionID(prediction, to: generation, owner: user.id)
    }

    public func systemAttachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    ) throws -> TransitionOutcome<GenerationRecord> {
        try attachPredictionID(prediction, to: generation, owner: owner)
    }

    func attachPredictionID(
        _ prediction: PredictionID, to generation: GenerationID, owner: UserID
    ) throws -> TransitionOutcome<GenerationRecord> {
        guard var stored = generations[generation], stored.value.userID == owner else {
            throw SelfieModelKitError.storeItemNotFound(Self.kind)
        }
        if let attached = stored.value.predictionID {
            guard attached == prediction else { throw SelfieModelKitError.replicateIDConflict(kind: Self.kind) }
            return .alreadyApplied(stored.value)
        }
        guard stored.value.status == .recorded else {
            throw SelfieModelKitError.transitionConflict(
                kind: Self.kind, expected: .recorded, actual: stored.value.status)
        }
        guard !generations.values.contains(where: { $0.value.predictionID == prediction }) else {
            throw SelfieModelKitError.replicateIDConflict(kind: Self.kind)
        }
        stored.value.predictionID = prediction
        stored.value.apply(JobUpdate(from: .recorded, to: .starting), at: now())
        generations[generation] = stored
        return .applied(stored.value)
    }

    public func generation(_ id: GenerationID, for user: AuthenticatedUser) -> GenerationRecord? {
        guard let stored = generations[id], stored.value.userID == user.id else { return nil }
        return stored.value
    }

    public func generations(for user: AuthenticatedUser, limit: Int) -> [GenerationRecord] {
        Array(
            generations.values
                .filter { $0.value.userID == user.id }
                .sorted { ($0.value.createdAt, $0.sequence) > ($1.value.createdAt, $1.sequence) }
                .prefix(max(limit, 0))
                .map(\.value))
    }

    public func updateGeneration(
        _ id: GenerationID, _ update: JobUpdate, for user: AuthenticatedUser
    ) throws
        -> TransitionOutcome<GenerationRecord>
    {
        try transitionGeneration(id, update, owner: user.id)
    }

    public func monthlyGenerationCount(for user: AuthenticatedUser, inMonthOf date: Date) -> Int {
        count(for: user.id, in: utcMonth(containing: date))
    }

    public func systemGeneration(predictionID: PredictionID) -> GenerationRecord? {
        generations.values.first { $0.value.predictionID == predictionID }?.value
    }

    public func systemUpdateGeneration(
        _ id: GenerationID, _ update: JobUpdate
    ) throws
        -> TransitionOutcome<GenerationRecord>
    {
        try transitionGeneration(id, update, owner: nil)
    }

    public func systemCompleteGeneration(
        _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
    ) throws
        -> TransitionOutcome<GenerationRecord>
    {
        guard var stored = generations[id] else { throw SelfieModelKitError.storeItemNotFound(Self.kind) }
        if stored.value.status == .succeeded { return .alreadyApplied(stored.value) }
        _ = try JobUpdate(from: expected, to: .succeeded).decision(current: stored.value.status, kind: Self.kind)
        try PhotoRecord.requireOutputs(photos, of: stored.value)
        for photo in photos where photoRows[photo.id] != nil || photos.filter({ $0.id == photo.id }).count > 1 {
            throw SelfieModelKitError.duplicateStoreID("photo")
        }
        for photo in photos {
            photoRows[photo.id] = Stored(value: photo, sequence: nextSequence())
        }
        stored.value.apply(JobUpdate(from: expected, to: .succeeded), at: now())
        generations[id] = stored
        return .applied(stored.value)
    }

    public func systemClaimInFlightGenerations(lease: Lease, limit: Int) -> [GenerationRecord] {
        claim(&generations, lease: lease, limit: limit)
    }

    public func systemReleaseGenerationLease(_ id: GenerationID, holder: String) {
        release(&generations, id, holder: holder)
    }

    public func systemHoldGenerationLease(_ id: GenerationID, lease: Lease) -> Bool {
        hold(&generations, id, lease: lease)
    }

    private func count(for user: UserID, in month: Range<Date>) -> Int {
        generations.values.count {
            $0.value.userID == user && $0.value.countsTowardQuota && month.contains($0.value.createdAt)
        }
    }

    private func transitionGeneration(
        _ id: GenerationID, _ update: JobUpdate, owner: UserID?
    ) throws
        -> TransitionOutcome<GenerationRecord>
    {
        guard var stored = generations[id], owner == nil || stored.value.userID == owner else {
            throw SelfieModelKitError.storeItemNotFound(Self.kind)
        }
        try update.requireNotSuccess(kind: Self.kind, completion: "systemCompleteGeneration")
        let decision = try update.decision(current: stored.value.status, kind: Self.kind)
        guard decision == .apply else { return .alreadyApplied(stored.value) }
        stored.value.apply(update, at: now())
        generations[id] = stored
        return .applied(stored.value)
    }
}
