import Metrics

/// The client's metrics, through swift-metrics (no-ops until the host bootstraps a backend).
///
/// - `selfiemodelkit_replicate_requests_total{endpoint, status}`: every response (or transport failure),
///   by endpoint template (ids replaced by `{id}`) and HTTP status.
/// - `selfiemodelkit_rate_budget_wait_seconds{bucket}`: how long calls waited for the rate budget.
enum ClientMetrics {
    private static let fixedSegments: Set<String> = [
        "v1", "models", "versions", "trainings", "predictions", "files", "webhooks", "default", "secret", "cancel",
        "download",
    ]

    static func call(_ endpoint: Endpoint, status: String) {
        Counter(
            label: "selfiemodelkit_replicate_requests_total",
            dimensions: [("endpoint", template(endpoint)), ("status", status)]
        ).increment()
    }

    static func budgetWait(_ duration: Duration, bucket: RateBucket) {
        let (seconds, attoseconds) = duration.components
        Timer(label: "selfiemodelkit_rate_budget_wait_seconds", dimensions: [("bucket", bucket.name)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// `POST /v1/predictions/{id}/cancel`; output downloads are `GET download`.
    static func template(_ endpoint: Endpoint) -> String {
        guard endpoint.isAPICall else { return "\(endpoint.method) download" }
        let path = endpoint.target.path.split(separator: "?").first.map(String.init) ?? endpoint.target.path
        let segments = path.split(separator: "/").map { fixedSegments.contains(String($0)) ? String($0) : "{id}" }
        return "\(endpoint.method) /" + segments.joined(separator: "/")
    }
}
