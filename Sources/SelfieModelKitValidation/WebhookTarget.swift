import Foundation

/// A Replicate webhook event kind, for `webhook_events_filter`.
public enum WebhookEventType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The job started.
    case start
    /// The job produced output.
    case output
    /// The job wrote logs (training progress arrives this way).
    case logs
    /// The job reached a terminal status. Only this one is retried by Replicate.
    case completed

    private var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: WebhookEventType, rhs: WebhookEventType) -> Bool { lhs.order < rhs.order }
}

/// Where Replicate delivers a job's webhooks and which events it sends.
public struct WebhookTarget: Sendable, Hashable {
    /// The absolute `http(s)` URL of the host's webhook endpoint.
    public let url: URL
    /// The events to deliver; always includes `completed`.
    public let events: [WebhookEventType]

    /// Validates a webhook target.
    /// - Throws: `SelfieModelKitError` with code `.configuration` when the URL is not absolute http(s).
    public init(url: URL, events: Set<WebhookEventType>) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else {
            throw SelfieModelKitError(
                .configuration, rule: "webhook.url",
                userMessage: "The webhook URL must be an absolute http(s) URL. Check PUBLIC_URL.",
                detail: url.absoluteString)
        }
        self.url = url
        self.events = events.union([.completed]).sorted()
    }

    var jsonMembers: [(String, JSONValue)] {
        [
            ("webhook", .string(url.absoluteString)),
            ("webhook_events_filter", .array(events.map { .string($0.rawValue) })),
        ]
    }
}
