import Foundation
import SelfieModelKit

extension StoreConformance {
    /// A user with a succeeded training, a generation in flight, a finished one with a photo, and a selfie.
    private func populatedUser(
        _ subject: StoreConformanceSubject
    ) async throws -> (user: AuthenticatedUser, attempt: TrainingAttempt, inFlight: GenerationRecord) {
        let store = subject.store
        let (user, attempt) = try await trainingAttempt(in: .succeeded, subject: subject)
        let inFlight = try await generation(in: .processing, for: user, store: store)
        let done = try await generation(in: .processing, for: user, store: store)
        let output = makePhoto(for: user, kind: .generated, generation: done.id, index: 0, at: photoDate(subject))
        _ = try await store.systemCompleteGeneration(done.id, expected: .processing, photos: [output])
        try await store.addPhoto(makePhoto(for: user, at: photoDate(subject)), for: user)
        return (user, attempt, inFlight)
    }

    /// Everything the per-user API shows of `user`, for before-and-after comparisons.
    private func everything(
        of user: AuthenticatedUser, in store: any SelfieModelStore
    ) async throws -> (UserModelRecord?, [TrainingAttempt], [GenerationRecord], [PhotoRecord]) {
        (
            try await store.userModel(for: user), try await store.trainingAttempts(for: user),
            try await store.generations(for: user, limit: 1000),
            try await store.photos(of: .selfie, for: user) + store.photos(of: .generated, for: user)
        )
    }

    /// Erasure: the tombstone refuses new writes from the moment it is recorded, the last step deletes every
    /// row of the user in one go and is idempotent, the system path lists only unfinished erasures, and
    /// another user's rows are untouched throughout.
    public func checkUserErasure() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let (userA, attemptA, inFlightA) = try await populatedUser(subject)
        let (userB, _, _) = try await populatedUser(subject)
        let beforeB = try await everything(of: userB, in: store)

        try expect(try await store.userErasure(for: userA) == nil, "an erasure is reported before one began")
        _ = try await expectError(.notFound, "completing an erasure that never began") {
            try await store.completeUserErasure(for: userA)
        }
        try expect(try await store.userModel(for: userA) != nil, "completing a never-begun erasure deleted rows")

        let begun = try await store.beginUserErasure(for: userA, reason: "self-service")
        try expect(begun.userID == userA.id && begun.reason == "self-service", "the erasure reads back as \(begun)")
        try expect(begun.completedAt == nil, "a begun erasure is already complete")
        let again = try await store.beginUserErasure(for: userA, reason: "operator: another reason")
        try expect(again == begun, "beginning again changed the erasure: \(again) vs \(begun)")
        try expect(try await store.userErasure(for: userA) == begun, "the erasure does not read back")
        try expect(try await store.userErasure(for: userB) == nil, "B reads A's erasure as B's own")
        let pending = try await store.systemPendingUserErasures(limit: 100).map(\.userID)
        try expect(pending == [userA.id], "pending erasures are \(pending), not [A]")

        _ = try await expectError(.userErased, "a training intent of an erased user") {
            try await store.recordTrainingIntent(trainingIntent(for: userA), for: userA)
        }
        _ = try await expectError(.userErased, "a generation intent of an erased user") {
            try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: userA)
        }
        _ = try await expectError(.userErased, "a photo of an erased user") {
            try await store.addPhoto(makePhoto(for: userA, at: photoDate(subject)), for: userA)
        }
        // The erasure itself still cancels the user's jobs in flight.
        let canceled = try await store.updateGeneration(
            inFlightA.id, JobUpdate(from: .processing, to: .canceled), for: userA)
        try expect(canceled.didApply, "an erased user's generation in flight cannot be canceled")
        // B goes on as before.
        let generationB = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: userB)

        let rows = try await store.completeUserErasure(for: userA)
        try expect(
            rows == ErasedRows(userModels: 1, trainingAttempts: 1, generations: 2, photos: 2),
            "the last step reports \(rows)")
        let afterA = try await everything(of: userA, in: store)
        try expect(
            afterA.0 == nil && afterA.1.isEmpty && afterA.2.isEmpty && afterA.3.isEmpty,
            "rows of the erased user remain: \(afterA)")
        if let trainingID = attemptA.trainingID {
            try expect(
                try await store.systemTrainingAttempt(trainingID: trainingID) == nil,
                "a late webhook still finds the erased user's training")
        }
        if let predictionID = inFlightA.predictionID {
            try expect(
                try await store.systemGeneration(predictionID: predictionID) == nil,
                "a late webhook still finds the erased user's generation")
        }
        let completed = try unwrap(try await store.userErasure(for: userA), "the tombstone is gone")
        try expect(completed.completedAt != nil, "the erasure is not marked complete")
        try expect(completed.startedAt == begun.startedAt, "completing changed the start")
        try expect(
            try await store.systemPendingUserErasures(limit: 100).isEmpty, "a completed erasure is still pending")
        try expect(try await store.completeUserErasure(for: userA) == ErasedRows(), "completing again deleted rows")
        _ = try await expectError(.userErased, "a generation intent after the erasure completed") {
            try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: userA)
        }

        let afterB = try await everything(of: userB, in: store)
        try expect(afterB.0 == beforeB.0, "B's model record changed")
        try expect(afterB.1 == beforeB.1, "B's training attempts changed")
        try expect(afterB.2 == [generationB] + beforeB.2, "B's generations changed")
        try expect(afterB.3 == beforeB.3, "B's photos changed")

        if let reopen = subject.reopen {
            let reopened = try await reopen()
            try expect(
                try await reopened.userErasure(for: userA) == completed, "the erasure does not survive reopening")
            _ = try await expectError(.userErased, "a training intent after reopening") {
                try await reopened.recordTrainingIntent(trainingIntent(for: userA), for: userA)
            }
        }
    }

    /// An erasure's beginning and the user's intents racing it: every intent either is refused or was
    /// recorded before the erasure began (so the erasure's first read sees it and cancels it).
    public func checkErasureRacesIntents() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let seen = LockedValue<Set<GenerationID>?>(nil)
        let results = await concurrently(60) { index -> GenerationID? in
            if index == 20 {
                _ = try await store.beginUserErasure(for: user, reason: "self-service")
                let visible = Set(try await store.generations(for: user, limit: 1000).map(\.id))
                seen.withLock { $0 = visible }
                return nil
            }
            return try await store.recordGenerationIntent(self.generationIntent(), monthlyLimit: nil, for: user).id
        }
        let visible = try unwrap(seen.withLock { $0 }, "the erasure did not run")
        var recorded = 0
        for result in results {
            switch result {
            case .success(let id?):
                recorded += 1
                try expect(visible.contains(id), "generation \(id) was recorded after the erasure began")
            case .success(nil):
                continue
            case .failure(let error as SelfieModelKitError) where error.code == .userErased:
                continue
            case .failure(let error):
                throw error
            }
        }
        try expect(recorded == visible.count, "\(recorded) intents succeeded, the erasure saw \(visible.count)")
    }
}
