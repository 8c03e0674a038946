import Foundation
import Metrics
import SelfieModelKit

/// The services' metrics, through swift-metrics (the host bootstraps a backend; without one they are no-ops).
///
/// - `selfiemodelkit_trainings_total{outcome}`: trainings started and finished, by outcome.
/// - `selfiemodelkit_generations_total{outcome}`: generations started and finished, by outcome.
/// - `selfiemodelkit_reconciler_lag_seconds`: how long an in-flight job waited since its last change when
///   the reconciler looked at it.
/// - `selfiemodelkit_output_age_seconds`: how old outputs were (since Replicate completed them) when stored.
enum StudioMetrics {
    static func trainingStarted() {
        Counter(label: "selfiemodelkit_trainings_total", dimensions: [("outcome", "started")]).increment()
    }

    static func userErased() {
        Counter(label: "selfiemodelkit_user_erasures_total").increment()
    }

    static func trainingFinished(outcome: String) {
        Counter(label: "selfiemodelkit_trainings_total", dimensions: [("outcome", outcome)]).increment()
    }

    static func generationStarted(source: GenerationSource) {
        Counter(
            label: "selfiemodelkit_generations_total",
            dimensions: [("outcome", "started"), ("source", source.rawValue)]
        ).increment()
    }

    static func generationFinished(outcome: String) {
        Counter(label: "selfiemodelkit_generations_total", dimensions: [("outcome", outcome)]).increment()
    }

    static func reconcilerLag(_ seconds: TimeInterval) {
        Timer(label: "selfiemodelkit_reconciler_lag_seconds").recordSeconds(max(0, seconds))
    }

    static func outputAgeAtPersist(_ seconds: TimeInterval) {
        Timer(label: "selfiemodelkit_output_age_seconds").recordSeconds(max(0, seconds))
    }
}
