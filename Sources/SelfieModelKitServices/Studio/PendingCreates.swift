import Foundation
import SelfieModelKit

/// The jobs this process is still starting: recorded, with their create call not yet answered (it may
/// be waiting its turn in the rate budget, or be on the wire).
///
/// The ``Reconciler`` leaves these alone: a recorded job without a Replicate id is an orphan only when
/// no live caller is still starting it. After a crash the set is empty, so real orphans are resolved.
actor PendingCreates {
    private var trainings: Set<TrainingAttemptID> = []
    private var generations: Set<GenerationID> = []

    /// Marks `attempt` as being started (before its create call).
    func begin(_ attempt: TrainingAttemptID) { trainings.insert(attempt) }

    /// Unmarks `attempt` (once its Replicate id is attached, or its start failed).
    func end(_ attempt: TrainingAttemptID) { trainings.remove(attempt) }

    /// Marks `generation` as being started (before its create call).
    func begin(_ generation: GenerationID) { generations.insert(generation) }

    /// Unmarks `generation` (once its Replicate id is attached, or its start failed).
    func end(_ generation: GenerationID) { generations.remove(generation) }

    /// Whether this process is still starting `attempt`.
    func isStarting(_ attempt: TrainingAttemptID) -> Bool { trainings.contains(attempt) }

    /// Whether this process is still starting `generation`.
    func isStarting(_ generation: GenerationID) -> Bool { generations.contains(generation) }
}
