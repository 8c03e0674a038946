import Foundation
import SelfieModelKit

/// Everything SelfieModelKit's services need from their host's environment, read and validated once.
///
/// ```swift
/// let configuration = try Configuration()          // reads ProcessInfo's environment
/// let configuration = try Configuration(environment: ["SELFIE_REPLICATE_BACKEND": "simulator"])
/// ```
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SELFIE_ENV` | `production` or `development` | `development` |
/// | `SELFIE_REPLICATE_BACKEND` | `replicate` or `simulator` | `replicate`; the simulator only when chosen here |
/// | `REPLICATE_API_TOKEN` | Replicate API token; required for every real call, and in production | none |
/// | `REPLICATE_API_BASE_URL` | `http(s)` URL of the API, normally ending in `/v1` | `https://api.replicate.com/v1` |
/// | `REPLICATE_OWNER` | account that owns every user's model | `sandrasocial` |
/// | `REPLICATE_WEBHOOK_SECRET` | `whsec_…` signing secret | none: fetched from Replicate |
/// | `PUBLIC_URL` | `http(s)` URL where webhooks reach the host | none: polling only |
/// | `DATABASE_URL` | `postgres://` or `postgresql://` URL | none: the embedded store |
/// | `REPLICATE_PREDICTIONS_PER_MINUTE` | budget for creating predictions | 600 (Replicate's limit) |
/// | `REPLICATE_REQUESTS_PER_MINUTE` | budget for every other call | 3000 (Replicate's limit) |
/// | `SELFIE_MONTHLY_QUOTA` | generations per user per calendar month | 100 |
/// | `ANTHROPIC_API_KEY` | enables the Anthropic stylist for Maya | none: the built-in stylist |
/// | `ANTHROPIC_MODEL` | Claude model for the stylist | `claude-sonnet-4-5` |
/// | `ANTHROPIC_API_BASE_URL` | `http(s)` URL of the Messages API host | `https://api.anthropic.com` |
///
/// Rules:
/// - Values are trimmed of surrounding whitespace; a variable set to an empty string counts as unset.
/// - Validation reports every problem at once: one `SelfieModelKitError` with code `.configuration`
///   whose `userMessage` and `detail` list them all (``problems(in:)`` returns them as values).
/// - The in-process simulator serves only when `SELFIE_REPLICATE_BACKEND=simulator` chooses it: with
///   neither a token nor that choice, configuration fails and says both ways forward.
/// - Production (`SELFIE_ENV=production`) requires `REPLICATE_API_TOKEN`, refuses the simulator, and
///   requires `https` for `REPLICATE_API_BASE_URL`, `PUBLIC_URL` and `ANTHROPIC_API_BASE_URL`.
/// - Secrets (the token, the webhook secret, the Anthropic key, the database password) never appear in
///   `description`, `debugDescription`, `dump` or any error.
///
/// The monthly quota: the user's earlier plans allowed 6 generations a month on the free plan and 100 on
/// the paid plan (``MonthlyQuota/freePlan``, ``MonthlyQuota/paidPlan``); a host with plans applies its own
/// per-user quota and uses this value as the default.
public struct Configuration: Sendable {
    /// `SELFIE_ENV`.
    public let mode: EnvironmentMode
    /// Whether the services talk to the real Replicate or to the simulator.
    public let replicateBackend: ReplicateBackend
    /// `REPLICATE_API_TOKEN`; `nil` only in development (where the simulator serves).
    public let replicateAPIToken: APIToken?
    /// `REPLICATE_API_BASE_URL`, without a trailing slash.
    public let replicateAPIBaseURL: URL
    /// `REPLICATE_OWNER`: every user's model is `{owner}/{userId}-selfie-lora`.
    public let replicateOwner: ReplicateOwner
    /// `REPLICATE_WEBHOOK_SECRET`; when `nil` the services fetch it from Replicate.
    public let replicateWebhookSecret: WebhookSecret?
    /// `PUBLIC_URL`, without a trailing slash; when `nil` no webhooks are requested and jobs are polled.
    public let publicURL: URL?
    /// `DATABASE_URL`; when `nil` the host uses an embedded store.
    public let databaseURL: DatabaseURL?
    /// The rate budget for calls to Replicate.
    public let rateBudget: RateBudget
    /// `SELFIE_MONTHLY_QUOTA`: generations per user per calendar month.
    public let monthlyQuota: MonthlyQuota
    /// The Anthropic stylist's settings, or `nil` when `ANTHROPIC_API_KEY` is unset.
    public let anthropic: AnthropicSettings?

    /// Reads and validates the configuration from `environment` (by default, this process's).
    /// - Throws: one `SelfieModelKitError` with code `.configuration` and rule `configuration.invalid`
    ///   listing every problem.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var reader = ConfigurationReader(environment: environment)
        let configuration = reader.read()
        guard reader.problems.isEmpty, let configuration else {
            throw Self.error(listing: reader.problems)
        }
        self = configuration
    }

    init(
        mode: EnvironmentMode, replicateBackend: ReplicateBackend, replicateAPIToken: APIToken?,
        replicateAPIBaseURL: URL, replicateOwner: ReplicateOwner, replicateWebhookSecret: WebhookSecret?,
        publicURL: URL?, databaseURL: DatabaseURL?, rateBudget: RateBudget, monthlyQuota: MonthlyQuota,
        anthropic: AnthropicSettings?
    ) {
        self.mode = mode
        self.replicateBackend = replicateBackend
        self.replicateAPIToken = replicateAPIToken
        self.replicateAPIBaseURL = replicateAPIBaseURL
        self.replicateOwner = replicateOwner
        self.replicateWebhookSecret = replicateWebhookSecret
        self.publicURL = publicURL
        self.databaseURL = databaseURL
        self.rateBudget = rateBudget
        self.monthlyQuota = monthlyQuota
        self.anthropic = anthropic
    }

    /// Every problem with `environment`, in a stable order; empty when it is valid.
    public static func problems(in environment: [String: String]) -> [ConfigurationProblem] {
        var reader = ConfigurationReader(environment: environment)
        _ = reader.read()
        return reader.problems
    }

    /// The token for a real call to Replicate.
    /// - Throws: `SelfieModelKitError` with code `.configuration` when `REPLICATE_API_TOKEN` is unset.
    public func requireReplicateAPIToken() throws -> APIToken {
        guard let replicateAPIToken else {
            throw SelfieModelKitError(
                .configuration, rule: "replicate-api-token.required",
                userMessage: "REPLICATE_API_TOKEN is required to call Replicate. Set it to your API token "
                    + "(from replicate.com/account/api-tokens).")
        }
        return replicateAPIToken
    }

    /// Checks that the in-process simulator may serve this configuration; hosts call it before they wire
    /// the simulator as the transport.
    /// - Throws: `SelfieModelKitError` with code `.configuration` in production.
    public func checkSimulatorAllowed() throws {
        guard mode == .production else { return }
        throw SelfieModelKitError(
            .configuration, rule: "production.simulator",
            userMessage: "The Replicate simulator cannot be used in production (SELFIE_ENV=production). "
                + "Set REPLICATE_API_TOKEN and use the real Replicate.")
    }

    /// The one error that lists every problem.
    static func error(listing problems: [ConfigurationProblem]) -> SelfieModelKitError {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        let numbered = problems.enumerated().map { "(\($0.offset + 1)) \($0.element)" }
        return SelfieModelKitError(
            .configuration, rule: "configuration.invalid",
            userMessage: "The configuration has \(count): " + numbered.joined(separator: " "),
            detail: problems.map { "\($0.variable) [\($0.rule)]" }.joined(separator: ", "))
    }
}

extension Configuration {
    /// How many calls per minute the services may make to Replicate. Replicate's own limits are 600
    /// prediction creations and 3000 other requests a minute; short bursts above them are tolerated.
    public struct RateBudget: Sendable, Hashable, CustomStringConvertible {
        /// Replicate's documented limit for creating predictions.
        public static let replicatePredictionsPerMinute = 600
        /// Replicate's documented limit for every other endpoint.
        public static let replicateRequestsPerMinute = 3000
        /// The largest value either setting accepts.
        public static let maximumPerMinute = 1_000_000

        /// `REPLICATE_PREDICTIONS_PER_MINUTE`: prediction creations per minute.
        public let predictionsPerMinute: Int
        /// `REPLICATE_REQUESTS_PER_MINUTE`: every other call per minute.
        public let requestsPerMinute: Int

        /// Creates a budget; both values lie in `1...maximumPerMinute` (the reader checks).
        init(predictionsPerMinute: Int, requestsPerMinute: Int) {
            self.predictionsPerMinute = predictionsPerMinute
            self.requestsPerMinute = requestsPerMinute
        }

        public var description: String {
            "\(predictionsPerMinute) predictions/min, \(requestsPerMinute) requests/min"
        }
    }

    /// Generations a user may start per calendar month.
    public struct MonthlyQuota: Sendable, Hashable, CustomStringConvertible {
        /// The user's earlier free plan: 6 generations a month.
        public static let freePlan = MonthlyQuota(generations: 6)
        /// The user's earlier paid plan: 100 generations a month (the default).
        public static let paidPlan = MonthlyQuota(generations: 100)
        /// The largest accepted quota.
        public static let maximumGenerations = 1_000_000

        /// Generations per user per month, at least 1.
        public let generations: Int

        init(generations: Int) { self.generations = generations }

        public var description: String { "\(generations) generations/month" }
    }

    /// The Anthropic stylist's settings.
    public struct AnthropicSettings: Sendable, Hashable, CustomStringConvertible {
        /// The model used when `ANTHROPIC_MODEL` is unset.
        public static let defaultModel = "claude-sonnet-4-5"
        /// The Messages API host used when `ANTHROPIC_API_BASE_URL` is unset.
        public static let defaultBaseURL = URL(string: "https://api.anthropic.com")!

        /// `ANTHROPIC_API_KEY`.
        public let apiKey: AnthropicAPIKey
        /// `ANTHROPIC_MODEL`.
        public let model: String
        /// `ANTHROPIC_API_BASE_URL`, without a trailing slash.
        public let baseURL: URL

        init(apiKey: AnthropicAPIKey, model: String, baseURL: URL) {
            self.apiKey = apiKey
            self.model = model
            self.baseURL = baseURL
        }

        public var description: String {
            "Anthropic(key: redacted, model: \(model), baseURL: \(baseURL.absoluteString))"
        }
    }
}
