import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate

extension Configuration {
    /// The Replicate client this configuration describes: the token, the base URL, and one rate budget with
    /// the configured limits. Give every service in the process this same client, so they share the budget.
    /// - Parameters:
    ///   - transport: how requests reach Replicate.
    ///   - logger: where the client logs.
    ///   - budgetStore: where the budget counts its permits. The default, a fresh `InMemoryRateBudgetStore`,
    ///     limits this process only; with several instances pass one store they share (such as
    ///     `PostgresRateBudgetStore` from SelfieModelKitPostgres), so the limits hold for all of them.
    /// - Throws: `SelfieModelKitError` with code `.configuration` when `REPLICATE_API_TOKEN` is missing.
    public func makeReplicateClient(
        transport: any HTTPTransport, logger: Logger, budgetStore: any RateBudgetStore = InMemoryRateBudgetStore()
    ) throws -> ReplicateClient {
        let limits = SelfieModelKitReplicate.RateBudget.Limits(
            predictionCreate: RateLimit(requestsPerMinute: rateBudget.predictionsPerMinute),
            general: RateLimit(requestsPerMinute: rateBudget.requestsPerMinute))
        return try ReplicateClient(
            token: try requireReplicateAPIToken(), baseURL: replicateAPIBaseURL, transport: transport,
            budget: SelfieModelKitReplicate.RateBudget(limits: limits, store: budgetStore), logger: logger)
    }

    /// Maya's stylist: Anthropic's Messages API when `ANTHROPIC_API_KEY` is set, the built-in stylist
    /// otherwise. Nothing falls back silently: a failing Anthropic call surfaces as a `StylistError`.
    public func makeStylist(transport: any HTTPTransport) -> any Stylist {
        if let anthropic { return AnthropicStylist(settings: anthropic, transport: transport) }
        return BuiltInStylist()
    }
}
