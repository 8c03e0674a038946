import Foundation
import HTTPTypes

/// One request the simulator received, for assertions. The `Authorization` header is never recorded.
public struct RecordedRequest: Sendable, Hashable {
    /// The HTTP method, such as `POST`.
    public let method: String
    /// The path with its query, such as `/v1/predictions`.
    public let path: String
    /// Every header but `Authorization`, names lowercased, in order.
    public let headers: [RecordedHeader]
    /// The body, if any.
    public let body: Data?
    /// The owner the bearer token authenticated as, if it did.
    public let owner: String?
    /// The status the simulator answered with.
    public let status: Int
    /// When the simulator received it (simulator time).
    public let receivedAt: Date

    /// The value of the first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name.lowercased() }?.value
    }
}

/// A header of a ``RecordedRequest`` or a webhook delivery.
public struct RecordedHeader: Sendable, Hashable {
    /// The lowercased name.
    public let name: String
    /// The value.
    public let value: String
}

/// A signed webhook the simulator sends, exactly as it goes over the wire.
public struct SimulatorWebhookDelivery: Sendable, Hashable {
    /// The URL the job named in `webhook`.
    public let url: String
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`, `content-type` and `user-agent`.
    public let headers: [RecordedHeader]
    /// The raw body: the job object as `GET` returns it at the time of the event.
    public let body: Data
    /// The `webhook-id`; the same on every retry and duplicate of one event.
    public let webhookID: String
    /// The event: `start`, `output`, `logs` or `completed`.
    public let event: String
    /// The training or prediction id.
    public let jobID: String
    /// 1 for the first attempt, 2 and up for retries.
    public let attempt: Int

    /// The value of the header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name.lowercased() }?.value
    }

    /// The headers as swift-http-types fields, as a host's HTTP server hands them to
    /// `WebhookHandler.handle(headers:rawBody:)`:
    ///
    /// ```swift
    /// await simulator.setWebhookReceiver { delivery in
    ///     await webhooks.handle(headers: delivery.headerFields, rawBody: delivery.body).httpStatus
    /// }
    /// ```
    public var headerFields: HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return fields
    }
}

/// What became of one delivery attempt.
public struct SimulatorWebhookAttempt: Sendable, Hashable {
    /// How an attempt ended.
    public enum Outcome: Sendable, Hashable {
        /// The receiver answered with a 2xx status.
        case delivered(status: Int)
        /// The receiver answered with another status.
        case rejected(status: Int)
        /// The receiver threw (for example the connection failed).
        case failed(reason: String)
        /// The drop fault lost this delivery.
        case dropped
        /// No receiver was configured.
        case noReceiver
    }

    /// The delivery (headers and body as sent, or as they would have been sent).
    public let delivery: SimulatorWebhookDelivery
    /// What happened.
    public let outcome: Outcome
    /// When (simulator time).
    public let at: Date
}

/// Where the simulator sends webhooks: receives a delivery and returns the HTTP status the receiver
/// answered with. Throwing counts as a failed connection. Terminal deliveries that fail are retried.
public typealias SimulatorWebhookReceiver = @Sendable (SimulatorWebhookDelivery) async throws -> Int
