import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

extension ModelTrainingService {
    /// Applies what Replicate reports about a training (from a verified webhook or the reconciler's poll).
    ///
    /// Idempotent: the same report twice changes nothing. On success it first confirms the new version
    /// exists (`GET` version), then switches the user's model to it and marks it completed in one store
    /// transaction, keeping the version's schema. A training the store does not know is ignored. Once the
    /// training has ended, the context's ``RetentionPolicy`` applies (its archive is deleted from Replicate).
    ///
    /// Another path may move the attempt between this call's read and its write (a webhook on another
    /// instance, the reconciler, the user's cancel); the store then refuses the write, and the report is
    /// decided again on a fresh read (at most ``applyRounds`` times), so a report that was overtaken is
    /// not an error.
    @discardableResult
    public func apply(_ training: Training) async throws -> TrainingAttempt? {
        var round = 1
        while true {
            do {
                return try await applyOnce(training)
            } catch let error as SelfieModelKitError where error.code == .transitionConflict && round < Self.applyRounds
            {
                round += 1
            }
        }
    }

    /// How many times ``apply(_:)`` reads and decides again after another path moved the job first.
    static let applyRounds = 3

    private func applyOnce(_ training: Training) async throws -> TrainingAttempt? {
        guard let attempt = try await context.store.systemTrainingAttempt(trainingID: training.id) else {
            context.logger.warning("training not ours", metadata: ["training": "\(training.id)"])
            return nil
        }
        guard !attempt.status.isTerminal else { return attempt }
        switch training.status {
        case .succeeded:
            guard let output = training.trainingOutput else {
                return try await fail(attempt, providerError: "the training succeeded without an output version")
            }
            let modelID = ReplicateModelID.selfieModel(for: attempt.userID, owner: context.owner)
            if let reported = output.model, reported != modelID {
                return try await fail(attempt, providerError: "the training wrote to \(reported), not \(modelID)")
            }
            let version = try await context.client.version(output.version, of: modelID, for: attempt.userID)
            let outcome = try await context.store.systemCompleteTraining(
                attempt.id, expected: attempt.status, version: output.version,
                versionSchemaJSON: version.openAPISchemaJSON)
            if outcome.didApply {
                StudioMetrics.trainingFinished(outcome: "succeeded")
                context.logger.info(
                    "training completed", metadata: ["user": "\(attempt.userID)", "version": "\(output.version)"])
                await applyRetention(afterEnding: outcome.record)
            }
            return outcome.record
        case .failed, .aborted:
            return try await fail(attempt, providerError: training.error?.message)
        case .canceled:
            let outcome = try await context.store.systemUpdateTrainingAttempt(
                attempt.id, JobUpdate(from: attempt.status, to: .canceled, failure: FailureExplanation.canceled))
            if outcome.didApply {
                StudioMetrics.trainingFinished(outcome: "canceled")
                await applyRetention(afterEnding: outcome.record)
            }
            return outcome.record
        default:
            let next: JobStatus = training.status == .processing ? .processing : attempt.status
            let progress = training.progress?.fraction
            guard next != attempt.status || (progress != nil && progress != attempt.progress) else { return attempt }
            return try await context.store.systemUpdateTrainingAttempt(
                attempt.id, JobUpdate(from: attempt.status, to: next, progress: progress)
            ).record
        }
    }

    private func fail(_ attempt: TrainingAttempt, providerError: String?) async throws -> TrainingAttempt {
        let outcome = try await context.store.systemUpdateTrainingAttempt(
            attempt.id,
            JobUpdate(
                from: attempt.status, to: .failed, failure: FailureExplanation.training(providerError: providerError)))
        if outcome.didApply {
            StudioMetrics.trainingFinished(outcome: "failed")
            await applyRetention(afterEnding: outcome.record)
            context.logger.warning(
                "training failed", metadata: ["user": "\(attempt.userID)", "error": "\(providerError ?? "-")"])
        }
        return outcome.record
    }
}
