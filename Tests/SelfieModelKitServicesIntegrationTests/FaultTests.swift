import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("Faults: storms and crashes")
struct FaultTests {
    /// Calls `body` as a user pressing the button again would: after a failure, waits past the orphan grace
    /// period with reconciler passes and tries again. Every failure the user saw is returned.
    private func asUser<T: Sendable>(
        _ studio: StudioHarness, _ body: () async throws -> T
    ) async throws -> (T, [any Error]) {
        var seen: [any Error] = []
        for _ in 0..<12 {
            do {
                return (try await body(), seen)
            } catch {
                seen.append(error)
                try await studio.advance(by: 150, reconcile: true)
            }
        }
        throw HarnessFailure("still failing after 12 tries: \(seen.map { "\($0)" })")
    }

    private func isRateLimit(_ error: any Error) -> Bool {
        if let error = error as? SelfieModelKitError {
            return error.rule.hasSuffix(".busy") || error.detail.contains("429")
        }
        if let error = error as? ReplicateError { return error.code == .rateLimited || error.httpStatus == 429 }
        return "\(error)".contains("429")
    }

    @Test("5xx and 429 storms: the journey completes and no 429 reaches the caller", arguments: StoreFactory.all)
    func storms(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.faults.serverErrorRate = 0.25
        options.faults.rateLimitRate = 0.25
        options.faults.includesRetryAfter = true
        options.seed = 42
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("storm9")
        var surfaced: [any Error] = []

        let (intake, _) = try await asUser(studio) { try await studio.addSyntheticSelfies(for: user) }
        #expect(intake.totalKept == 12)
        let (_, trainingErrors) = try await asUser(studio) { try await studio.training.startTraining(for: user) }
        surfaced += trainingErrors
        var attempt = try await studio.finishTraining(for: user, reconcile: true)
        while attempt.status != .succeeded {
            // A storm may fail a training at its start; the user starts again.
            let (_, again) = try await asUser(studio) { try await studio.training.startTraining(for: user) }
            surfaced += again
            attempt = try await studio.finishTraining(for: user, reconcile: true)
        }
        #expect(try await studio.store.userModel(for: user)?.trainingStatus == .completed)

        var finished: [GenerationRecord] = []
        while finished.count < 2 {
            let (started, errors) = try await asUser(studio) {
                try await studio.generation.generate(user: user, look: studio.firstLook)
            }
            surfaced += errors
            let done = try await studio.finish(started, for: user, reconcile: true)
            if done.status == .succeeded { finished.append(done) }
        }
        #expect(try await studio.generation.photos(for: user).count == 6)

        #expect(!surfaced.contains { isRateLimit($0) }, "\(surfaced)")
        let statuses = await studio.simulator.recordedRequests().map(\.status)
        #expect(statuses.contains(429))
        #expect(statuses.contains { $0 >= 500 })
    }

    @Test(
        "a crash between record and call leaves exactly one training, attached and completed",
        arguments: StoreFactory.all)
    func crashAfterTrainingCreate(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.wrapTransport = { CrashingTransport(wrapping: $0, when: CrashingTransport.trainingCreate) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("crash1")
        try await studio.addSyntheticSelfies(for: user)

        await #expect(throws: (any Error).self) { try await studio.training.startTraining(for: user) }
        let recorded = try #require(try await studio.training.status(for: user).latestAttempt)
        #expect(recorded.status == .recorded)
        #expect(recorded.trainingID == nil)

        let retry = await #expect(throws: SelfieModelKitError.self) {
            try await studio.training.startTraining(for: user)
        }
        #expect(retry?.code == .trainingAlreadyActive)
        #expect(await studio.trainingCreates().count == 1)

        try await studio.advance(by: options.orphanGracePeriod + 30, reconcile: true)
        let atReplicate = try await studio.context.client.listTrainings()
        #expect(atReplicate.count == 1)
        let attached = try #require(try await studio.training.status(for: user).latestAttempt)
        #expect(attached.id == recorded.id)
        #expect(attached.trainingID == atReplicate.first?.id)

        let finished = try await studio.finishTraining(for: user, reconcile: true)
        #expect(finished.id == recorded.id)
        #expect(finished.status == .succeeded)
        #expect(try await studio.store.userModel(for: user)?.trainingStatus == .completed)
        #expect(await studio.trainingCreates().count == 1)
        #expect(try await studio.training.status(for: user).model?.replicateVersionID != nil)
    }

    @Test(
        "a crash between record and call leaves exactly one prediction, attached and completed",
        arguments: StoreFactory.all)
    func crashAfterPredictionCreate(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.wrapTransport = { CrashingTransport(wrapping: $0, when: CrashingTransport.predictionCreate) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("crash2", reconcile: true)

        await #expect(throws: (any Error).self) {
            try await studio.generation.generate(user: user, look: studio.firstLook)
        }
        let recorded = try #require(try await studio.store.generations(for: user, limit: 10).first)
        #expect(recorded.status == .recorded)
        #expect(recorded.predictionID == nil)

        try await studio.advance(by: options.orphanGracePeriod + 30, reconcile: true)
        let atReplicate = try await studio.context.client.listPredictions()
        #expect(atReplicate.count == 1)
        let attached = try await studio.generation.generation(recorded.id, for: user)
        #expect(attached.predictionID == atReplicate.first?.id)

        let finished = try await studio.finish(recorded, for: user, reconcile: true)
        #expect(finished.status == .succeeded)
        #expect(try await studio.generation.photos(for: user).filter { $0.generationID == recorded.id }.count == 3)
        #expect(await studio.predictionCreates().count == 1)
        #expect(try await studio.store.generations(for: user, limit: 10).count == 1)
    }

    @Test(
        "a failure before the training create call fails the attempt at once, so the user can start again",
        arguments: StoreFactory.all)
    func failureBeforeTrainingCreate(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.wrapTransport = {
            CrashingTransport(wrapping: $0) { $0.method == .post && $0.path == "/v1/files" }
        }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("upload1")
        try await studio.addSyntheticSelfies(for: user)

        let error = await #expect(throws: SelfieModelKitError.self) {
            try await studio.training.startTraining(for: user)
        }
        #expect(error?.rule == "training.upload.unreachable")
        #expect(error?.userMessage == CreateFailureTests.uploadFailed)
        let status = try await studio.training.status(for: user)
        #expect(status.message == CreateFailureTests.uploadFailed)
        #expect(status.selfieCount == 12)
        let failed = try #require(status.latestAttempt)
        #expect(failed.status == .failed)
        #expect(await studio.trainingCreates().isEmpty)

        // No wait for the reconciler: the next start goes ahead and completes.
        let again = try await studio.training.startTraining(for: user)
        #expect(again.id != failed.id)
        #expect(try await studio.finishTraining(for: user).status == .succeeded)
        #expect(await studio.trainingCreates().count == 1)
    }
}
