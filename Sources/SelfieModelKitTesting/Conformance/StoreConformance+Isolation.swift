import Foundation
import SelfieModelKit

extension StoreConformance {
    /// User A can never read or change user B's rows through the per-user API, and B's item answers A
    /// exactly like a missing one.
    public func checkIsolation() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let userA = try await makeUser(subject)
        let (userB, attemptB) = try await trainingAttempt(in: .processing, subject: subject)
        let modelB = try await store.userModel(for: userB)
        let generationB = try await generation(in: .processing, for: userB, store: store)
        let photoB = makePhoto(for: userB, at: photoDate(subject))
        try await store.addPhoto(photoB, for: userB)
        let missingGeneration = GenerationID()
        let missingAttempt = TrainingAttemptID()
        let missingPhoto = PhotoID()

        try expect(try await store.userModel(for: userA) == nil, "A sees a model record")
        try expect(try await store.trainingAttempts(for: userA).isEmpty, "A lists B's training attempts")
        try expect(try await store.generations(for: userA, limit: 100).isEmpty, "A lists B's generations")
        try expect(try await store.generation(generationB.id, for: userA) == nil, "A reads B's generation")
        try expect(try await store.photos(of: .selfie, for: userA).isEmpty, "A lists B's photos")
        try expect(try await store.photo(photoB.id, for: userA) == nil, "A reads B's photo")
        try expect(try await store.setFavourite(photoB.id, true, for: userA) == nil, "A marks B's photo")
        try expect(try await store.deletePhoto(photoB.id, for: userA) == nil, "A deletes B's photo")
        let countA = try await store.monthlyGenerationCount(for: userA, inMonthOf: generationB.createdAt)
        try expect(countA == 0, "A's monthly count includes B's generation")

        let notYours = try await expectError(.notFound, "A updates B's generation") {
            try await store.updateGeneration(generationB.id, JobUpdate(from: .processing, to: .canceled), for: userA)
        }
        let missing = try await expectError(.notFound, "A updates a missing generation") {
            try await store.updateGeneration(missingGeneration, JobUpdate(from: .processing, to: .canceled), for: userA)
        }
        try expect(notYours == missing, "B's generation answers unlike a missing one: \(notYours) vs \(missing)")
        let attachNotYours = try await expectError(.notFound, "A attaches a prediction to B's generation") {
            try await store.attachPredictionID(makePredictionID(), to: generationB.id, for: userA)
        }
        let attachMissing = try await expectError(.notFound, "A attaches a prediction to a missing generation") {
            try await store.attachPredictionID(makePredictionID(), to: missingGeneration, for: userA)
        }
        try expect(attachNotYours == attachMissing, "attach to B's generation answers unlike a missing one")

        let trainingNotYours = try await expectError(.notFound, "A cancels B's training") {
            try await store.updateTrainingAttempt(attemptB.id, JobUpdate(from: .processing, to: .canceled), for: userA)
        }
        let trainingMissing = try await expectError(.notFound, "A cancels a missing training") {
            try await store.updateTrainingAttempt(
                missingAttempt, JobUpdate(from: .processing, to: .canceled), for: userA)
        }
        try expect(trainingNotYours == trainingMissing, "B's training answers unlike a missing one")
        let attachTrainingNotYours = try await expectError(.notFound, "A attaches a training id to B's attempt") {
            try await store.attachTrainingID(makeTrainingID(), inputImagesURL: "x", to: attemptB.id, for: userA)
        }
        let attachTrainingMissing = try await expectError(.notFound, "A attaches a training id to a missing attempt") {
            try await store.attachTrainingID(makeTrainingID(), inputImagesURL: "x", to: missingAttempt, for: userA)
        }
        try expect(attachTrainingNotYours == attachTrainingMissing, "B's attempt answers unlike a missing one")
        try expect(try await store.photo(missingPhoto, for: userA) == nil, "a missing photo is not nil")
        try expect(try await store.deletePhoto(missingPhoto, for: userA) == nil, "deleting a missing photo is not nil")

        try await expectError(.modelOwnershipMismatch, "A adds a photo owned by B") {
            try await store.addPhoto(makePhoto(for: userB, at: photoDate(subject)), for: userA)
        }
        try await expectError(.notFound, "A adds a photo pointing at B's generation") {
            try await store.addPhoto(
                makePhoto(for: userA, kind: .generated, generation: generationB.id, index: 0, at: photoDate(subject)),
                for: userA)
        }
        try await expectError(.modelOwnershipMismatch, "A records a training of B's model") {
            try await store.recordTrainingIntent(
                NewTrainingAttempt(
                    modelID: .selfieModel(for: userB.id, owner: owner), photoCount: 10, archiveSHA256: "00"),
                for: userA)
        }
        do {
            let reused = try await store.recordGenerationIntent(
                NewGeneration(id: generationB.id, source: .maya, prompt: "mine", seed: 1, requestBody: Data()),
                monthlyLimit: nil, for: userA)
            throw StoreConformanceFailure(
                check: #function, message: "A re-recorded B's generation id and got \(reused)", line: #line)
        } catch is SelfieModelKitError {}
        do {
            let reused = try await store.recordTrainingIntent(
                NewTrainingAttempt(
                    id: attemptB.id, modelID: .selfieModel(for: userA.id, owner: owner), photoCount: 10,
                    archiveSHA256: "00"),
                for: userA)
            throw StoreConformanceFailure(
                check: #function, message: "A re-recorded B's training attempt id and got \(reused)", line: #line)
        } catch is SelfieModelKitError {}

        let generationAfter = try await store.generation(generationB.id, for: userB)
        try expect(generationAfter == generationB, "B's generation changed through A's calls")
        let attemptsAfter = try await store.trainingAttempts(for: userB)
        try expect(attemptsAfter == [attemptB], "B's training attempt changed through A's calls")
        let modelAfter = try await store.userModel(for: userB)
        try expect(modelAfter == modelB, "B's model record changed through A's calls")
        let photoAfter = try await store.photo(photoB.id, for: userB)
        try expect(photoAfter == photoB, "B's photo changed through A's calls")
        try expect(try await store.userModel(for: userA) == nil, "A's refused intents left a model record")
        try expect(try await store.generations(for: userA, limit: 10).isEmpty, "A's refused intents left generations")

        let favourite = try await store.setFavourite(photoB.id, true, for: userB)
        try expect(favourite?.isFavourite == true, "B could not mark B's own photo")
        let deleted = try await store.deletePhoto(photoB.id, for: userB)
        try expect(deleted?.id == photoB.id, "B could not delete B's own photo")
        try expect(try await store.photo(photoB.id, for: userB) == nil, "B's deleted photo is still there")
    }
}
