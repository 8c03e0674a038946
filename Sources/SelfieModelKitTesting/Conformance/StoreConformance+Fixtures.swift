import Foundation
import SelfieModelKit

// Fixtures the checks share: fresh users, intents, Replicate ids, and jobs driven to a given status.

extension StoreConformance {
    /// A fresh user, created in the host's users table when the subject asks for it.
    func makeUser(_ subject: StoreConformanceSubject) async throws -> AuthenticatedUser {
        let hex = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let id = try UserID("c1" + hex.prefix(22))
        try await subject.prepareUser?(id)
        return AuthenticatedUser.verifiedByHost(id, via: "store-conformance")
    }

    func trainingIntent(for user: AuthenticatedUser, photoCount: Int = 12) -> NewTrainingAttempt {
        NewTrainingAttempt(
            modelID: .selfieModel(for: user.id, owner: owner), photoCount: photoCount,
            archiveSHA256: String(repeating: "ab", count: 32))
    }

    func generationIntent(source: GenerationSource = .maya, prompt: String = "a portrait") -> NewGeneration {
        NewGeneration(
            source: source, lookID: source == .photoshoot ? "studio-light" : nil, prompt: prompt,
            seed: Int.random(in: 0..<1_000_000), requestBody: Data(#"{"version":"x"}"#.utf8))
    }

    func randomReplicateID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<26).map { _ in alphabet.randomElement()! })
    }

    func makeTrainingID() throws -> TrainingID { try TrainingID(randomReplicateID()) }
    func makePredictionID() throws -> PredictionID { try PredictionID(randomReplicateID()) }

    func makeVersion() throws -> ModelVersionID {
        let hex = Array("0123456789abcdef")
        return try ModelVersionID(String((0..<64).map { _ in hex.randomElement()! }))
    }

    func makePhoto(
        for user: AuthenticatedUser, kind: PhotoKind = .selfie, generation: GenerationID? = nil,
        index: Int? = nil, at date: Date
    ) -> PhotoRecord {
        PhotoRecord(
            id: PhotoID(), userID: user.id, kind: kind, generationID: generation, outputIndex: index,
            sha256: String(repeating: "cd", count: 32), byteCount: 1024, width: 768, height: 1024,
            contentType: "image/png", createdAt: date)
    }

    /// A whole-second "now" for photo timestamps, from the subject's clock when it has one.
    func photoDate(_ subject: StoreConformanceSubject) -> Date {
        let date = subject.clock?.now ?? Date()
        return Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Records a generation for `user` and drives it to `status` through the store's own calls.
    func generation(
        in status: JobStatus, for user: AuthenticatedUser, store: any SelfieModelStore
    ) async throws -> GenerationRecord {
        let record = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user)
        switch status {
        case .recorded:
            return record
        case .canceled:
            return try await store.updateGeneration(record.id, JobUpdate(from: .recorded, to: .canceled), for: user)
                .record
        case .failed:
            let failure = JobFailure(providerError: "create refused", userMessage: "Try again.")
            return try await store.systemUpdateGeneration(
                record.id, JobUpdate(from: .recorded, to: .failed, failure: failure)
            ).record
        case .starting, .processing, .succeeded:
            var current = try await store.attachPredictionID(makePredictionID(), to: record.id, for: user).record
            if status == .starting { return current }
            current = try await store.systemUpdateGeneration(record.id, JobUpdate(from: .starting, to: .processing))
                .record
            if status == .processing { return current }
            return try await store.systemCompleteGeneration(record.id, expected: .processing, photos: []).record
        }
    }

    /// Records a training for a fresh user and drives it to `status`.
    func trainingAttempt(
        in status: JobStatus, subject: StoreConformanceSubject
    ) async throws -> (user: AuthenticatedUser, attempt: TrainingAttempt) {
        let store = subject.store
        let user = try await makeUser(subject)
        let attempt = try await store.recordTrainingIntent(trainingIntent(for: user), for: user)
        switch status {
        case .recorded:
            return (user, attempt)
        case .canceled:
            let moved = try await store.updateTrainingAttempt(
                attempt.id, JobUpdate(from: .recorded, to: .canceled), for: user)
            return (user, moved.record)
        case .failed:
            let failure = JobFailure(providerError: "create refused", userMessage: "Try again.")
            let moved = try await store.systemUpdateTrainingAttempt(
                attempt.id, JobUpdate(from: .recorded, to: .failed, failure: failure))
            return (user, moved.record)
        case .starting, .processing, .succeeded:
            var current = try await store.attachTrainingID(
                makeTrainingID(), inputImagesURL: "https://files.example/archive.zip", to: attempt.id, for: user
            ).record
            if status == .starting { return (user, current) }
            current = try await store.systemUpdateTrainingAttempt(
                attempt.id, JobUpdate(from: .starting, to: .processing, progress: 0.1)
            ).record
            if status == .processing { return (user, current) }
            let done = try await store.systemCompleteTraining(
                attempt.id, expected: .processing, version: makeVersion(), versionSchemaJSON: "{}")
            return (user, done.record)
        }
    }

    /// Runs `count` copies of `body` concurrently and collects their results (errors included).
    func concurrently<Value: Sendable>(
        _ count: Int, _ body: @escaping @Sendable (Int) async throws -> Value
    ) async -> [Result<Value, any Error>] {
        await withTaskGroup(of: Result<Value, any Error>.self) { group in
            for index in 0..<count {
                group.addTask {
                    do { return .success(try await body(index)) } catch { return .failure(error) }
                }
            }
            var results: [Result<Value, any Error>] = []
            for await result in group { results.append(result) }
            return results
        }
    }
}
