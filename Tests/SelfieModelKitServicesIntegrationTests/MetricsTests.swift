import Foundation
import Metrics
import MetricsTestKit
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// swift-metrics can be bootstrapped once per process; this test bootstraps a `TestMetrics` backend the
/// first time it is needed. Other tests' metrics land there too, so the checks only count upwards.
enum SharedTestMetrics {
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()
}

@Suite("Metrics")
struct MetricsTests {
    @Test("trainings and generations by outcome, Replicate calls by endpoint and status, budget waits, lag, output age")
    func emitted() async throws {
        let metrics = SharedTestMetrics.metrics
        let trainingsBefore = metrics.counterTotal(
            label: "selfiemodelkit_trainings_total", dimensions: [("outcome", "succeeded")])
        let generationsBefore = metrics.counterTotal(
            label: "selfiemodelkit_generations_total", dimensions: [("outcome", "succeeded")])
        let createsBefore = metrics.counterTotal(
            label: "selfiemodelkit_replicate_requests_total",
            dimensions: [("endpoint", "POST /v1/predictions"), ("status", "201")])

        let studio = try await StudioHarness.make(.inMemory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("metrics1", reconcile: true)
        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        let finished = try await studio.finish(started, for: user, reconcile: true)
        #expect(finished.status == .succeeded)

        #expect(
            metrics.counterTotal(label: "selfiemodelkit_trainings_total", dimensions: [("outcome", "succeeded")])
                > trainingsBefore)
        #expect(
            metrics.counterTotal(label: "selfiemodelkit_generations_total", dimensions: [("outcome", "succeeded")])
                > generationsBefore)
        #expect(
            metrics.counterTotal(
                label: "selfiemodelkit_replicate_requests_total",
                dimensions: [("endpoint", "POST /v1/predictions"), ("status", "201")]) > createsBefore)
        #expect(
            metrics.counterTotal(
                label: "selfiemodelkit_replicate_requests_total",
                dimensions: [("endpoint", "GET /v1/trainings/{id}"), ("status", "200")]) > 0)
        #expect(!metrics.timers(label: "selfiemodelkit_rate_budget_wait_seconds").isEmpty)
        #expect(!metrics.timers(label: "selfiemodelkit_reconciler_lag_seconds").isEmpty)
        #expect(!metrics.timers(label: "selfiemodelkit_output_age_seconds").isEmpty)
    }
}
