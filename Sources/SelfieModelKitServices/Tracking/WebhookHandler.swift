import Foundation
import HTTPTypes
import Logging
import SelfieModelKitReplicate

/// What the host should answer to a webhook delivery, and why.
public struct WebhookHandlingResult: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status to answer with: 2xx for deliveries that need no retry, 4xx for refused ones.
    public let httpStatus: Int
    /// What happened, for logs (never a secret).
    public let outcome: String

    public var description: String { "\(httpStatus) \(outcome)" }
}

/// The webhook entry point for hosts: wire `POST /webhooks/replicate` to ``handle(headers:rawBody:)``.
///
/// It verifies the Standard Webhooks signature on the raw body (constant time, timestamp tolerance),
/// records the `webhook-id` so a replay does nothing, and applies the training or prediction idempotently.
/// A delivery whose job this host does not know is acknowledged and ignored. If applying fails, the host
/// answers 500 and the ``Reconciler`` completes the job anyway.
public struct WebhookHandler: Sendable {
    /// The verifier, holding the signing secret(s) and the receipt store.
    public let verifier: WebhookVerifier
    /// Applies training reports.
    public let training: ModelTrainingService
    /// Applies prediction reports.
    public let generation: ImageGenerationService

    /// Creates the handler.
    public init(verifier: WebhookVerifier, training: ModelTrainingService, generation: ImageGenerationService) {
        self.verifier = verifier
        self.training = training
        self.generation = generation
    }

    /// Verifies and applies one delivery. Pass the body exactly as received, before any JSON parsing.
    public func handle(headers: HTTPFields, rawBody: Data) async -> WebhookHandlingResult {
        let logger = training.context.logger
        let delivery: WebhookDelivery
        do {
            delivery = try await verifier.verify(headers: headers, body: rawBody)
        } catch {
            logger.warning("webhook refused", metadata: ["reason": "\(error)"])
            return WebhookHandlingResult(httpStatus: 401, outcome: "refused: \(error)")
        }
        guard case .fresh(let webhook) = delivery else {
            return WebhookHandlingResult(httpStatus: 200, outcome: "replay of \(delivery.webhook.id) ignored")
        }
        do {
            switch webhook.event {
            case .training(let report):
                let applied = try await training.apply(report)
                return WebhookHandlingResult(
                    httpStatus: 200,
                    outcome: applied == nil
                        ? "training \(report.id) not ours" : "training \(report.id) \(report.status)")
            case .prediction(let report):
                let applied = try await generation.apply(report)
                return WebhookHandlingResult(
                    httpStatus: 200,
                    outcome: applied == nil
                        ? "prediction \(report.id) not ours" : "prediction \(report.id) \(report.status)")
            }
        } catch {
            logger.error("webhook apply failed", metadata: ["webhook": "\(webhook.id)", "error": "\(error)"])
            return WebhookHandlingResult(httpStatus: 500, outcome: "apply failed; the reconciler will retry")
        }
    }
}
