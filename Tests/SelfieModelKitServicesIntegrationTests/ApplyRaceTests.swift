import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// Several host instances apply reports about the same job: a webhook on one, the reconciler on another,
/// the user's cancel on a third. A report applied between another path's read and its write must be
/// decided again on a fresh read, not fail (a failed apply answers the webhook 500 and counts as a
/// reconciler error), and bytes stored for a completion that lost the race must not stay behind.
/// Found by `selfie-fleet` with 1,000 users on three instances.
@Suite("Applying a report while another instance moves the job")
struct ApplyRaceTests {
    /// Cancels the job the first time a system update (training) or a completion (generation) is about to be
    /// written, as another instance would in between, then lets the write go ahead.
    struct CancelsFirst: ForwardingSelfieModelStore {
        let base: any SelfieModelStore
        let armed: LockedValue<Bool>

        func systemUpdateTrainingAttempt(
            _ attempt: TrainingAttemptID, _ update: JobUpdate
        ) async throws
            -> TransitionOutcome<TrainingAttempt>
        {
            if armed.withLock({
                let was = $0; $0 = false; return was
            }) {
                _ = try await base.systemUpdateTrainingAttempt(
                    attempt, JobUpdate(from: update.expected, to: .canceled, failure: Self.canceled))
            }
            return try await base.systemUpdateTrainingAttempt(attempt, update)
        }

        func systemCompleteGeneration(
            _ id: GenerationID, expected: JobStatus, photos: [PhotoRecord]
        ) async throws
            -> TransitionOutcome<GenerationRecord>
        {
            if armed.withLock({
                let was = $0; $0 = false; return was
            }) {
                _ = try await base.systemUpdateGeneration(
                    id, JobUpdate(from: expected, to: .canceled, failure: Self.canceled))
            }
            return try await base.systemCompleteGeneration(id, expected: expected, photos: photos)
        }

        static let canceled = JobFailure(providerError: "canceled by another instance", userMessage: "Canceled.")
    }

    @Test("a progress report that loses the race to a cancel is no error", arguments: StoreFactory.all)
    func trainingProgressRacesCancel(_ factory: StoreFactory) async throws {
        let armed = LockedValue(false)
        var options = HarnessOptions()
        options.webhooks = false
        options.wrapStore = { CancelsFirst(base: $0, armed: armed) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("race1training")
        try await studio.addSyntheticSelfies(for: user)
        let started = try await studio.training.startTraining(for: user)
        try await studio.advance(by: 120)
        let report = try await studio.context.client.training(try #require(started.trainingID), for: user.id)
        #expect(report.status == .processing)

        armed.withLock { $0 = true }
        let applied = try await studio.training.apply(report)
        #expect(applied?.status == .canceled, "the fresh read shows the cancel")
        #expect(armed.withLock { $0 } == false, "the race really happened")
    }

    @Test("a completion that loses the race to a cancel leaves no photo bytes behind", arguments: StoreFactory.all)
    func generationCompletionRacesCancel(_ factory: StoreFactory) async throws {
        let armed = LockedValue(false)
        var options = HarnessOptions()
        options.webhooks = false
        options.wrapStore = { CancelsFirst(base: $0, armed: armed) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("race2generation", reconcile: true)
        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        try await studio.advance(by: 120)
        let report = try await studio.context.client.prediction(try #require(started.predictionID), for: user.id)
        #expect(report.status == .succeeded)

        armed.withLock { $0 = true }
        let applied = try await studio.generation.apply(report)
        #expect(applied?.status == .canceled, "the fresh read shows the cancel")
        #expect(armed.withLock { $0 } == false, "the race really happened")
        let generatedKeys = await studio.images.keys(of: user.id).filter { $0.kind == .generated }
        #expect(generatedKeys.isEmpty, "bytes of a completion that never landed: \(generatedKeys)")
        #expect(try await studio.generation.photos(for: user).isEmpty)
    }
}
