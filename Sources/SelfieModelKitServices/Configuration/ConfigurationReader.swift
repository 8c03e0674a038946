import Foundation
import SelfieModelKit

/// Reads every variable, collecting every problem instead of stopping at the first.
struct ConfigurationReader {
    typealias Variable = Configuration.Variable

    private let environment: [String: String]
    private(set) var problems: [ConfigurationProblem] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The configuration, or `nil` when a value could not be read at all; ``problems`` is then non-empty.
    mutating func read() -> Configuration? {
        let mode = readMode()
        let token = readReplicateToken()
        let backend = readBackend(mode: mode)
        let baseURL = readURL(.replicateAPIBaseURL, mode: mode) ?? Configuration.defaultReplicateAPIBaseURL
        checkReplicateBaseURL(baseURL)
        let owner = readOwner()
        let secret = readWebhookSecret()
        let publicURL = readURL(.publicURL, mode: mode)
        let database = readDatabaseURL()
        let predictions = readCount(
            .predictionsPerMinute, default: Configuration.RateBudget.replicatePredictionsPerMinute,
            maximum: Configuration.RateBudget.maximumPerMinute)
        let requests = readCount(
            .requestsPerMinute, default: Configuration.RateBudget.replicateRequestsPerMinute,
            maximum: Configuration.RateBudget.maximumPerMinute)
        let quota = readCount(
            .monthlyQuota, default: Configuration.MonthlyQuota.paidPlan.generations,
            maximum: Configuration.MonthlyQuota.maximumGenerations)
        let anthropic = readAnthropic(mode: mode)

        guard problems.isEmpty, let owner else { return nil }
        return Configuration(
            mode: mode, replicateBackend: backend, replicateAPIToken: token, replicateAPIBaseURL: baseURL,
            replicateOwner: owner, replicateWebhookSecret: secret, publicURL: publicURL, databaseURL: database,
            rateBudget: .init(predictionsPerMinute: predictions, requestsPerMinute: requests),
            monthlyQuota: .init(generations: quota), anthropic: anthropic)
    }

    // MARK: - Variables

    private mutating func readMode() -> EnvironmentMode {
        guard let text = value(.environment) else { return .development }
        if let mode = EnvironmentMode(rawValue: text.lowercased()) { return mode }
        report(
            .environment, "environment.value",
            "must be production or development, not \(quoted(text, .environment)).")
        // An unreadable mode is treated as production, so its stricter rules are reported too.
        return .production
    }

    private mutating func readBackend(mode: EnvironmentMode) -> ReplicateBackend {
        // The simulator serves only when chosen: never in place of a missing token.
        var backend: ReplicateBackend = .replicate
        var chosen = false
        if let text = value(.replicateBackend) {
            if let named = ReplicateBackend(rawValue: text.lowercased()) {
                backend = named
                chosen = true
            } else {
                report(
                    .replicateBackend, "replicate-backend.value",
                    "must be replicate or simulator, not \(quoted(text, .replicateBackend)).")
                return backend
            }
        }
        if !chosen && value(.replicateAPIToken) == nil && mode == .development {
            report(
                .replicateAPIToken, "replicate-backend.unchosen",
                "is not set, and nothing chose the simulator. Set REPLICATE_API_TOKEN to your Replicate API "
                    + "token to use Replicate, or set SELFIE_REPLICATE_BACKEND=simulator to run on the in-process "
                    + "simulator (development only: it serves simulated photos)."
                    + (value(named: "REPLICATE_API_KEY") != nil ? " (REPLICATE_API_KEY is not read.)" : ""))
            return backend
        }
        if mode == .production && backend == .simulator {
            report(
                .replicateBackend, "production.simulator",
                "the Replicate simulator is refused in production; unset it or set it to replicate.")
        }
        let tokenIsUnset = value(.replicateAPIToken) == nil
        if mode == .production && tokenIsUnset {
            report(
                .replicateAPIToken, "production.token-required",
                "is required in production. Set it to your Replicate API token"
                    + (value(named: "REPLICATE_API_KEY") != nil ? " (REPLICATE_API_KEY is not read)." : "."))
        } else if backend == .replicate && tokenIsUnset {
            report(
                .replicateAPIToken, "replicate-api-token.required",
                "is required to use the real Replicate (SELFIE_REPLICATE_BACKEND=replicate).")
        }
        return backend
    }

    private mutating func readReplicateToken() -> APIToken? {
        guard let text = value(.replicateAPIToken) else { return nil }
        if text.lowercased().hasPrefix("bearer ") {
            report(
                .replicateAPIToken, "replicate-api-token.bearer-prefix",
                "holds the token alone; remove the leading \"Bearer \".")
            return nil
        }
        guard Self.isHeaderSafe(text) else {
            report(
                .replicateAPIToken, "replicate-api-token.characters",
                "contains spaces or characters that cannot be sent in a header.")
            return nil
        }
        do {
            return try APIToken(text)
        } catch {
            report(.replicateAPIToken, "replicate-api-token.invalid", "is not a usable API token.")
            return nil
        }
    }

    private mutating func readOwner() -> ReplicateOwner? {
        guard let text = value(.replicateOwner) else { return .sandrasocial }
        do {
            return try ReplicateOwner(text)
        } catch let error as SelfieModelKitError {
            report(.replicateOwner, error.rule, "\(quoted(text, .replicateOwner)) is invalid: \(error.userMessage)")
        } catch {
            report(.replicateOwner, "replicate-owner.invalid", "\(quoted(text, .replicateOwner)) is invalid.")
        }
        return nil
    }

    private mutating func readWebhookSecret() -> WebhookSecret? {
        guard let text = value(.replicateWebhookSecret) else { return nil }
        let encoded = text.hasPrefix("whsec_") ? String(text.dropFirst("whsec_".count)) : text
        let padded = encoded + String(repeating: "=", count: (4 - encoded.utf8.count % 4) % 4)
        guard let key = Data(base64Encoded: padded), !key.isEmpty else {
            report(
                .replicateWebhookSecret, "webhook-secret.format",
                "must be a Standard Webhooks secret, whsec_ followed by base64 (as GET /v1/webhooks/default/secret "
                    + "returns); unset it to fetch the secret from Replicate.")
            return nil
        }
        return try? WebhookSecret(text)
    }

    private mutating func readDatabaseURL() -> DatabaseURL? {
        guard let text = value(.databaseURL) else { return nil }
        do {
            return try DatabaseURL(text)
        } catch let error as SelfieModelKitError {
            report(.databaseURL, error.rule, error.userMessage)
        } catch {
            report(.databaseURL, "database-url.invalid", "is not a PostgreSQL URL.")
        }
        return nil
    }

    private mutating func readAnthropic(mode: EnvironmentMode) -> Configuration.AnthropicSettings? {
        let model = value(.anthropicModel) ?? Configuration.AnthropicSettings.defaultModel
        if model.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x21 }) {
            report(
                .anthropicModel, "anthropic-model.characters", "\(quoted(model, .anthropicModel)) is not a model name.")
        }
        let baseURL = readURL(.anthropicAPIBaseURL, mode: mode) ?? Configuration.AnthropicSettings.defaultBaseURL
        guard let text = value(.anthropicAPIKey) else { return nil }
        do {
            return .init(apiKey: try AnthropicAPIKey(text), model: model, baseURL: baseURL)
        } catch let error as SelfieModelKitError {
            report(.anthropicAPIKey, error.rule, error.userMessage)
        } catch {
            report(.anthropicAPIKey, "anthropic-api-key.invalid", "is not a usable API key.")
        }
        return nil
    }

    // MARK: - Kinds of values

    /// An `http(s)` URL with a host and no credentials, query or fragment; `https` in production.
    private mutating func readURL(_ variable: Variable, mode: EnvironmentMode) -> URL? {
        guard let text = value(variable) else { return nil }
        let rule = variable.rawValue.lowercased().replacingOccurrences(of: "_", with: "-")
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            report(
                variable, "\(rule).format",
                "must be an http:// or https:// URL with a host, not \(quoted(text, variable)).")
            return nil
        }
        guard components.user == nil, components.password == nil else {
            report(variable, "\(rule).credentials", "must not carry a user name or password.")
            return nil
        }
        guard components.query == nil, components.fragment == nil else {
            report(variable, "\(rule).query", "must not carry a query or fragment, not \(quoted(text, variable)).")
            return nil
        }
        if mode == .production && scheme != "https" {
            report(variable, "production.https", "must use https in production, not \(quoted(text, variable)).")
        }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return URL(string: trimmed)
    }

    private mutating func checkReplicateBaseURL(_ url: URL) {
        guard url.host?.lowercased() == "api.replicate.com", url.path != "/v1" else { return }
        report(
            .replicateAPIBaseURL, "replicate-api-base-url.version",
            "the Replicate API lives at https://api.replicate.com/v1; add /v1 (got \(quoted(url.absoluteString, .replicateAPIBaseURL)))."
        )
    }

    private mutating func readCount(_ variable: Variable, default defaultValue: Int, maximum: Int) -> Int {
        guard let text = value(variable) else { return defaultValue }
        guard let number = Int(text), (1...maximum).contains(number) else {
            let rule = variable.rawValue.lowercased().replacingOccurrences(of: "_", with: "-")
            report(
                variable, "\(rule).range", "must be a whole number from 1 to \(maximum), not \(quoted(text, variable))."
            )
            return defaultValue
        }
        return number
    }

    // MARK: - Helpers

    private func value(_ variable: Variable) -> String? { value(named: variable.rawValue) }

    private func value(named name: String) -> String? {
        guard let raw = environment[name] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A value quoted for a message, or a placeholder for secret variables.
    private func quoted(_ text: String, _ variable: Variable) -> String {
        variable.isSecret ? "(value hidden)" : String(text.prefix(120)).debugDescription
    }

    private mutating func report(_ variable: Variable, _ rule: String, _ message: String) {
        problems.append(ConfigurationProblem(variable: variable.rawValue, rule: rule, message: message))
    }

    /// Visible ASCII only: what an HTTP header value can carry without surprises.
    static func isHeaderSafe(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}
