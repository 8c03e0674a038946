import SelfieModelKit
import SelfieModelKitServices

extension StudioRuntime {
    /// Follows the user's training from `attempt` to its end with a progress bar, moving the job on with
    /// ``tick(seconds:)``; returns the attempt as it ended.
    func followTraining(
        of user: AuthenticatedUser, from attempt: TrainingAttempt, terminal: Terminal
    ) async throws -> TrainingAttempt {
        var attempt = attempt
        let bar = Terminal.ProgressBar(terminal: terminal)
        bar.update(attempt.progress ?? 0, label: attempt.status.rawValue)
        while !attempt.status.isTerminal {
            try await tick(seconds: 20)
            attempt = try await services.training.status(for: user).latestAttempt ?? attempt
            bar.update(attempt.progress ?? 0, label: attempt.status.rawValue)
        }
        bar.finish()
        return attempt
    }

    /// Follows `generation` to its end, moving the job on with ``tick(seconds:)``; returns the record as it
    /// ended.
    func followGeneration(
        _ generation: GenerationRecord, of user: AuthenticatedUser
    ) async throws
        -> GenerationRecord
    {
        var generation = generation
        while !generation.status.isTerminal {
            try await tick(seconds: 5)
            generation = try await services.generation.generation(generation.id, for: user)
        }
        return generation
    }
}
