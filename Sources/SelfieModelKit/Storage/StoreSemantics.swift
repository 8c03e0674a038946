import Foundation

// The semantics every store backend shares, as package-internal helpers: a backend reads a row into a
// record, applies one of these inside its transaction, and writes the record back. The conformance suite
// in SelfieModelKitTesting proves each backend does.

extension JobUpdate {
    /// Refuses `→ succeeded` on the generic update path: success goes through the dedicated completion
    /// call, which also writes the version (trainings) or the photos (generations).
    package func requireNotSuccess(kind: String, completion: String) throws {
        if next == .succeeded, expected != .succeeded {
            throw SelfieModelKitError.illegalTransition(
                kind: kind, from: expected, to: next, reason: "success is recorded by \(completion)")
        }
    }
}

extension TrainingAttempt {
    /// Applies an update that ``JobUpdate/decision(current:currentProgress:kind:)`` said to apply.
    package mutating func apply(_ update: JobUpdate, at now: Date) {
        status = update.next
        if let newProgress = update.progress { progress = newProgress }
        if let newFailure = update.failure { failure = newFailure }
        updatedAt = now
        if update.next.isTerminal, completedAt == nil { completedAt = now }
    }

    /// Marks the attempt succeeded with the version it produced.
    package mutating func complete(version: ModelVersionID, at now: Date) {
        status = .succeeded
        outputVersionID = version
        progress = 1
        updatedAt = now
        completedAt = now
    }
}

extension GenerationRecord {
    /// Applies an update that ``JobUpdate/decision(current:currentProgress:kind:)`` said to apply.
    /// Generations carry no progress.
    package mutating func apply(_ update: JobUpdate, at now: Date) {
        status = update.next
        if let newFailure = update.failure { failure = newFailure }
        updatedAt = now
        if update.next.isTerminal, completedAt == nil { completedAt = now }
    }

    /// Whether the monthly quota counts this generation.
    package var countsTowardQuota: Bool { status != .failed && status != .canceled }
}

extension UserModelRecord {
    /// The record created by a user's first training intent.
    package static func initial(for user: UserID, model: ReplicateModelID, at now: Date) -> UserModelRecord {
        UserModelRecord(
            userID: user, replicateModelID: model, replicateVersionID: nil, triggerWord: TriggerWord(for: user),
            trainingStatus: .pending, createdAt: now, updatedAt: now)
    }

    /// A new training was recorded: a record without a version goes back to `pending`; a completed one
    /// keeps serving its version. Progress and the last failure are cleared either way.
    package mutating func prepareForTraining(at now: Date) {
        if trainingStatus != .completed { trainingStatus = .pending }
        trainingProgress = nil
        failure = nil
        updatedAt = now
    }

    /// Mirrors an attempt that just changed. A completed record never changes status or version here
    /// (the old version serves until the retraining completes); it only reflects progress and failure.
    package mutating func mirror(_ attempt: TrainingAttempt, at now: Date) {
        if trainingStatus != .completed {
            switch attempt.status {
            case .recorded: trainingStatus = .pending
            case .starting, .processing: trainingStatus = .training
            case .failed: trainingStatus = .failed
            case .canceled: trainingStatus = .canceled
            case .succeeded: break
            }
        }
        trainingProgress = attempt.progress
        failure = attempt.failure
        updatedAt = now
    }

    /// Switches the record to a newly trained version (one transaction with the attempt's success).
    package mutating func switchTo(version: ModelVersionID, schemaJSON: String?, at now: Date) {
        replicateVersionID = version
        trainingStatus = .completed
        versionSchemaJSON = schemaJSON
        trainingProgress = 1
        failure = nil
        completedAt = now
        updatedAt = now
    }
}

extension NewTrainingAttempt {
    /// Refuses an intent whose model is not the user's own derived model.
    package func requireOwned(by user: UserID) throws {
        guard modelID == ReplicateModelID.selfieModel(for: user, owner: modelID.owner) else {
            throw SelfieModelKitError.storeOwnershipMismatch("training-attempt")
        }
    }
}

extension PhotoRecord {
    /// Refuses the outputs of generation `generation` unless each is a generated photo of its owner.
    package static func requireOutputs(_ photos: [PhotoRecord], of generation: GenerationRecord) throws {
        for photo in photos
        where photo.userID != generation.userID || photo.kind != .generated || photo.generationID != generation.id {
            throw SelfieModelKitError.storeOwnershipMismatch("photo")
        }
    }
}

/// The calendar month (UTC) holding a date, as a half-open range; the monthly quota counts within it.
package func utcMonth(containing date: Date) -> Range<Date> {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let start = calendar.dateInterval(of: .month, for: date)!.start
    let end = calendar.date(byAdding: .month, value: 1, to: start)!
    return start..<end
}
