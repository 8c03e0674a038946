import Foundation
import SelfieModelKit

extension Configuration {
    /// The environment variables a configuration reads, in the order problems are reported.
    public enum Variable: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `production` or `development`.
        case environment = "SELFIE_ENV"
        /// `replicate` or `simulator`.
        case replicateBackend = "SELFIE_REPLICATE_BACKEND"
        /// The Replicate API token (secret).
        case replicateAPIToken = "REPLICATE_API_TOKEN"
        /// The Replicate API base URL.
        case replicateAPIBaseURL = "REPLICATE_API_BASE_URL"
        /// The owner of every user's model.
        case replicateOwner = "REPLICATE_OWNER"
        /// The webhook signing secret (secret).
        case replicateWebhookSecret = "REPLICATE_WEBHOOK_SECRET"
        /// Where webhooks reach the host.
        case publicURL = "PUBLIC_URL"
        /// The PostgreSQL connection URL (carries a password).
        case databaseURL = "DATABASE_URL"
        /// The prediction-creation budget per minute.
        case predictionsPerMinute = "REPLICATE_PREDICTIONS_PER_MINUTE"
        /// The budget per minute for every other call.
        case requestsPerMinute = "REPLICATE_REQUESTS_PER_MINUTE"
        /// Generations per user per month.
        case monthlyQuota = "SELFIE_MONTHLY_QUOTA"
        /// The Anthropic API key (secret).
        case anthropicAPIKey = "ANTHROPIC_API_KEY"
        /// The Claude model of the Anthropic stylist.
        case anthropicModel = "ANTHROPIC_MODEL"
        /// The Anthropic Messages API host.
        case anthropicAPIBaseURL = "ANTHROPIC_API_BASE_URL"

        /// Whether the value is secret; secret values are never quoted.
        public var isSecret: Bool {
            switch self {
            case .replicateAPIToken, .replicateWebhookSecret, .databaseURL, .anthropicAPIKey: true
            default: false
            }
        }

        public var description: String { rawValue }
    }

    /// The default `REPLICATE_API_BASE_URL`.
    public static let defaultReplicateAPIBaseURL = URL(string: "https://api.replicate.com/v1")!
}
