import Foundation
import SelfieModelKit

extension StoreConformance {
    /// Everything written is there, unchanged, after the store is closed and opened again: model
    /// records, attempts, generations, photos, webhook receipts and live leases.
    public func checkPersistenceAcrossReopening() async throws {
        let subject = try await makeSubject()
        let reopen = try unwrap(subject.reopen, "the subject has no reopen hook; this backend does not persist")
        let store = subject.store
        let (user, attempt) = try await trainingAttempt(in: .processing, subject: subject)
        let version = try makeVersion()
        _ = try await store.systemCompleteTraining(
            attempt.id, expected: .processing, version: version, versionSchemaJSON: #"{"openapi":"3.0"}"#)
        let done = try await generation(in: .processing, for: user, store: store)
        let output = makePhoto(for: user, kind: .generated, generation: done.id, index: 2, at: photoDate(subject))
        _ = try await store.systemCompleteGeneration(done.id, expected: .processing, photos: [output])
        let selfie = makePhoto(for: user, at: photoDate(subject))
        try await store.addPhoto(selfie, for: user)
        _ = try await store.setFavourite(selfie.id, true, for: user)
        let leased = try await generation(in: .starting, for: user, store: store)
        let holder = "persistence-\(UUID())"
        let claimed = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holder, duration: .seconds(3600)), limit: 100)
        try expect(claimed.map(\.id) == [leased.id], "claimed \(claimed.map(\.id)) before reopening")
        let receipt = "msg_\(UUID().uuidString)"
        _ = try await store.systemRecordWebhookReceipt(receipt, receivedAt: Date())

        let model = try await store.userModel(for: user)
        let attempts = try await store.trainingAttempts(for: user)
        let generations = try await store.generations(for: user, limit: 100)
        let selfies = try await store.photos(of: .selfie, for: user)
        let outputs = try await store.photos(of: .generated, for: user)
        let count = try await store.monthlyGenerationCount(for: user, inMonthOf: done.createdAt)

        let reopened = try await reopen()
        try expect(try await reopened.userModel(for: user) == model, "the model record changed across reopening")
        try expect(try await reopened.trainingAttempts(for: user) == attempts, "attempts changed across reopening")
        try expect(
            try await reopened.generations(for: user, limit: 100) == generations,
            "generations changed across reopening")
        try expect(try await reopened.photos(of: .selfie, for: user) == selfies, "selfies changed across reopening")
        try expect(try await reopened.photos(of: .generated, for: user) == outputs, "outputs changed across reopening")
        try expect(selfies.first?.isFavourite == true, "the favourite mark was lost")
        try expect(
            try await reopened.monthlyGenerationCount(for: user, inMonthOf: done.createdAt) == count,
            "the monthly count changed across reopening")
        try expect(
            !(try await reopened.systemRecordWebhookReceipt(receipt, receivedAt: Date())),
            "a webhook receipt was forgotten across reopening")
        let stolen = try await reopened.systemClaimInFlightGenerations(
            lease: Lease(holder: "other-\(UUID())", duration: .seconds(60)), limit: 100)
        try expect(stolen.isEmpty, "a live lease was lost across reopening: \(stolen.map(\.id))")
        let found = try await reopened.systemGeneration(predictionID: try unwrap(done.predictionID, "no prediction id"))
        try expect(found?.id == done.id, "the prediction id index was lost across reopening")
    }
}
