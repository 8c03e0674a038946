import Foundation
import SelfieModelKit
import SelfieModelKitServices
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let token = "r8_TOPSECRETtoken0123456789abcdefghijkl"
    static let webhookSecret = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    static let anthropicKey = "sk-ant-api03-SECRETKEYvalue"
    static let databasePassword = "dbPa55wordSECRET"

    /// A complete, valid production environment.
    static var production: [String: String] {
        [
            "SELFIE_ENV": "production",
            "REPLICATE_API_TOKEN": token,
            "REPLICATE_WEBHOOK_SECRET": webhookSecret,
            "PUBLIC_URL": "https://studio.example.com/",
            "DATABASE_URL": "postgres://selfie:\(databasePassword)@db.internal:5432/selfie?sslmode=require",
            "ANTHROPIC_API_KEY": anthropicKey,
        ]
    }

    @Test("with neither a token nor the simulator chosen, configuration fails and says both ways forward")
    func failsClosedWithoutTokenOrChoice() throws {
        #expect(rules([:]) == ["replicate-backend.unchosen"])
        #expect(
            rules(["SELFIE_ENV": "development", "PUBLIC_URL": "http://127.0.0.1:8080"]) == [
                "replicate-backend.unchosen"
            ])
        let error = try #require(throws: SelfieModelKitError.self) { try Configuration(environment: [:]) }
        #expect(error.code == .configuration)
        for remedy in ["REPLICATE_API_TOKEN", "SELFIE_REPLICATE_BACKEND=simulator"] {
            #expect(error.userMessage.contains(remedy), "\(error.userMessage)")
        }
        // A token, or the explicit choice, is each enough; the choice is the only way to the simulator.
        #expect(try Configuration(environment: ["REPLICATE_API_TOKEN": Self.token]).replicateBackend == .replicate)
        let chosen = try Configuration(environment: ["SELFIE_REPLICATE_BACKEND": "simulator"])
        #expect(chosen.replicateBackend == .simulator)
    }

    @Test("the simulator chosen: a development configuration with the documented defaults")
    func defaults() throws {
        let configuration = try Configuration(environment: ["SELFIE_REPLICATE_BACKEND": "simulator"])
        #expect(configuration.mode == .development)
        #expect(configuration.replicateBackend == .simulator)
        #expect(configuration.replicateAPIToken == nil)
        #expect(configuration.replicateAPIBaseURL.absoluteString == "https://api.replicate.com/v1")
        #expect(configuration.replicateOwner.rawValue == "sandrasocial")
        #expect(configuration.replicateWebhookSecret == nil)
        #expect(configuration.publicURL == nil)
        #expect(configuration.databaseURL == nil)
        #expect(configuration.rateBudget.predictionsPerMinute == 600)
        #expect(configuration.rateBudget.requestsPerMinute == 3000)
        #expect(configuration.monthlyQuota.generations == 100)
        #expect(configuration.monthlyQuota == .paidPlan)
        #expect(Configuration.MonthlyQuota.freePlan.generations == 6)
        #expect(configuration.anthropic == nil)
        #expect(throws: SelfieModelKitError.self) { try configuration.requireReplicateAPIToken() }
        try configuration.checkSimulatorAllowed()
    }

    @Test("a full production environment reads every variable")
    func fullProduction() throws {
        var environment = Self.production
        environment["REPLICATE_OWNER"] = "acme-studio"
        environment["REPLICATE_PREDICTIONS_PER_MINUTE"] = "60"
        environment["REPLICATE_REQUESTS_PER_MINUTE"] = " 120 "
        environment["SELFIE_MONTHLY_QUOTA"] = "6"
        environment["ANTHROPIC_MODEL"] = "claude-opus-4-1"
        let configuration = try Configuration(environment: environment)
        #expect(configuration.mode == .production)
        #expect(configuration.replicateBackend == .replicate)
        #expect(try configuration.requireReplicateAPIToken().revealForTransport() == Self.token)
        #expect(configuration.replicateOwner.rawValue == "acme-studio")
        #expect(configuration.replicateWebhookSecret?.revealForSigning() == Self.webhookSecret)
        #expect(configuration.publicURL?.absoluteString == "https://studio.example.com")
        #expect(configuration.databaseURL?.host == "db.internal")
        #expect(configuration.databaseURL?.port == 5432)
        #expect(configuration.databaseURL?.user == "selfie")
        #expect(configuration.databaseURL?.database == "selfie")
        #expect(configuration.databaseURL?.revealForConnection().contains(Self.databasePassword) == true)
        #expect(configuration.rateBudget.predictionsPerMinute == 60)
        #expect(configuration.rateBudget.requestsPerMinute == 120)
        #expect(configuration.monthlyQuota == .freePlan)
        #expect(configuration.anthropic?.apiKey.revealForTransport() == Self.anthropicKey)
        #expect(configuration.anthropic?.model == "claude-opus-4-1")
        #expect(configuration.anthropic?.baseURL.absoluteString == "https://api.anthropic.com")
        #expect(throws: SelfieModelKitError.self) { try configuration.checkSimulatorAllowed() }
    }

    @Test("a token selects the real Replicate in development; the backend variable overrides")
    func backendSelection() throws {
        #expect(try Configuration(environment: ["REPLICATE_API_TOKEN": Self.token]).replicateBackend == .replicate)
        let forced = try Configuration(environment: [
            "REPLICATE_API_TOKEN": Self.token, "SELFIE_REPLICATE_BACKEND": "simulator",
        ])
        #expect(forced.replicateBackend == .simulator)
        #expect(rules(["SELFIE_REPLICATE_BACKEND": "replicate"]) == ["replicate-api-token.required"])
        #expect(rules(["SELFIE_REPLICATE_BACKEND": "local"]) == ["replicate-backend.value"])
    }

    @Test("production refuses the simulator and a missing token")
    func productionRules() {
        #expect(rules(["SELFIE_ENV": "production"]) == ["production.token-required"])
        var environment = Self.production
        environment["SELFIE_REPLICATE_BACKEND"] = "simulator"
        #expect(rules(environment) == ["production.simulator"])
        environment = Self.production
        environment["REPLICATE_API_BASE_URL"] = "http://replicate.internal/v1"
        environment["PUBLIC_URL"] = "http://studio.example.com"
        environment["ANTHROPIC_API_BASE_URL"] = "http://anthropic.internal"
        #expect(rules(environment) == ["production.https", "production.https", "production.https"])
        #expect(
            rules(["SELFIE_ENV": "staging"]) == ["environment.value", "production.token-required"],
            "an unreadable mode gets production's checks too")
        #expect(rules(["SELFIE_ENV": "PRODUCTION", "REPLICATE_API_TOKEN": Self.token]).isEmpty)
    }

    @Test(
        "each variable's bad values name the variable and the rule",
        arguments: [
            ("SELFIE_ENV", "staging", "environment.value"),
            ("REPLICATE_API_TOKEN", "Bearer r8_abc", "replicate-api-token.bearer-prefix"),
            ("REPLICATE_API_TOKEN", "r8_abc def", "replicate-api-token.characters"),
            ("REPLICATE_API_BASE_URL", "ftp://api.replicate.com/v1", "replicate-api-base-url.format"),
            ("REPLICATE_API_BASE_URL", "api.replicate.com/v1", "replicate-api-base-url.format"),
            ("REPLICATE_API_BASE_URL", "https://api.replicate.com", "replicate-api-base-url.version"),
            ("REPLICATE_API_BASE_URL", "https://u:p@api.replicate.com/v1", "replicate-api-base-url.credentials"),
            ("REPLICATE_OWNER", "bad owner!", "replicate-owner.characters"),
            ("REPLICATE_OWNER", String(repeating: "a", count: 40), "replicate-owner.length"),
            ("REPLICATE_WEBHOOK_SECRET", "whsec_***not base64***", "webhook-secret.format"),
            ("PUBLIC_URL", "studio.example.com", "public-url.format"),
            ("PUBLIC_URL", "https://studio.example.com/?x=1", "public-url.query"),
            ("DATABASE_URL", "mysql://u:p@db/selfie", "database-url.scheme"),
            ("DATABASE_URL", "postgres:///selfie", "database-url.host"),
            ("REPLICATE_PREDICTIONS_PER_MINUTE", "0", "replicate-predictions-per-minute.range"),
            ("REPLICATE_PREDICTIONS_PER_MINUTE", "ten", "replicate-predictions-per-minute.range"),
            ("REPLICATE_REQUESTS_PER_MINUTE", "-5", "replicate-requests-per-minute.range"),
            ("SELFIE_MONTHLY_QUOTA", "0", "selfie-monthly-quota.range"),
            ("SELFIE_MONTHLY_QUOTA", "1.5", "selfie-monthly-quota.range"),
            ("ANTHROPIC_API_KEY", "sk-ant key", "anthropic-api-key.characters"),
            ("ANTHROPIC_MODEL", "claude sonnet", "anthropic-model.characters"),
            ("ANTHROPIC_API_BASE_URL", "not a url", "anthropic-api-base-url.format"),
        ])
    func badValue(variable: String, value: String, rule: String) throws {
        let problems = Configuration.problems(in: [variable: value])
        #expect(problems.filter { $0.variable == variable }.map(\.rule) == [rule])
        #expect(throws: SelfieModelKitError.self) { try Configuration(environment: [variable: value]) }
    }

    @Test("good values of each variable are accepted")
    func goodValues() throws {
        let configuration = try Configuration(environment: [
            "SELFIE_ENV": "development",
            "REPLICATE_API_TOKEN": "  \(Self.token)\n",
            "REPLICATE_API_BASE_URL": "http://127.0.0.1:8080/v1/",
            "REPLICATE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "PUBLIC_URL": "http://localhost:8080",
            "DATABASE_URL": "postgresql://localhost/selfie_dev",
            "SELFIE_MONTHLY_QUOTA": "1000",
            "ANTHROPIC_API_BASE_URL": "http://127.0.0.1:9999",
        ])
        #expect(configuration.replicateAPIToken?.revealForTransport() == Self.token)
        #expect(configuration.replicateAPIBaseURL.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(configuration.publicURL?.absoluteString == "http://localhost:8080")
        #expect(configuration.databaseURL?.scheme == "postgresql")
        #expect(configuration.databaseURL?.user == nil)
        #expect(configuration.monthlyQuota.generations == 1000)
        #expect(configuration.anthropic == nil, "no key, no Anthropic stylist")
    }

    @Test("an empty or blank variable counts as unset")
    func blankIsUnset() throws {
        let configuration = try Configuration(environment: [
            "REPLICATE_API_TOKEN": "", "REPLICATE_OWNER": "  ", "PUBLIC_URL": "", "SELFIE_MONTHLY_QUOTA": "\n",
            "SELFIE_REPLICATE_BACKEND": "simulator",
        ])
        #expect(configuration.replicateBackend == .simulator)
        // A blank token is no token: with no choice of the simulator, that fails closed.
        #expect(rules(["REPLICATE_API_TOKEN": "  "]) == ["replicate-backend.unchosen"])
        #expect(configuration.replicateOwner == .sandrasocial)
        #expect(configuration.publicURL == nil)
        #expect(configuration.monthlyQuota.generations == 100)
    }

    @Test("every problem is reported at once, in one configuration error")
    func allProblemsAtOnce() throws {
        let environment = [
            "SELFIE_ENV": "production",
            "REPLICATE_API_BASE_URL": "http://api.example.com/v1",
            "REPLICATE_OWNER": "-bad",
            "REPLICATE_WEBHOOK_SECRET": "whsec_!!!",
            "PUBLIC_URL": "nope",
            "DATABASE_URL": "sqlite://x",
            "REPLICATE_PREDICTIONS_PER_MINUTE": "many",
            "REPLICATE_REQUESTS_PER_MINUTE": "0",
            "SELFIE_MONTHLY_QUOTA": "-1",
            "ANTHROPIC_API_KEY": "a b",
        ]
        let expected = [
            "REPLICATE_API_TOKEN", "REPLICATE_API_BASE_URL", "REPLICATE_OWNER", "REPLICATE_WEBHOOK_SECRET",
            "PUBLIC_URL", "DATABASE_URL", "REPLICATE_PREDICTIONS_PER_MINUTE", "REPLICATE_REQUESTS_PER_MINUTE",
            "SELFIE_MONTHLY_QUOTA", "ANTHROPIC_API_KEY",
        ]
        #expect(Configuration.problems(in: environment).map(\.variable) == expected)
        let error = try #require(throws: SelfieModelKitError.self) { try Configuration(environment: environment) }
        #expect(error.code == .configuration)
        #expect(error.rule == "configuration.invalid")
        #expect(error.userMessage.hasPrefix("The configuration has 10 problems:"))
        for variable in expected {
            #expect(error.userMessage.contains(variable))
            #expect(error.detail.contains(variable))
        }
    }

    @Test("no secret appears in any description, dump or error")
    func secretsNeverPrint() throws {
        let configuration = try Configuration(environment: Self.production)
        var dumped = ""
        dump(configuration, to: &dumped)
        var texts = [
            "\(configuration)", String(reflecting: configuration), dumped,
            "\(configuration.databaseURL!)", String(reflecting: configuration.databaseURL!),
            "\(configuration.anthropic!)", String(reflecting: configuration.anthropic!.apiKey),
        ]
        var databaseDump = ""
        dump(configuration.databaseURL!, to: &databaseDump)
        texts.append(databaseDump)

        var broken = Self.production
        broken["REPLICATE_API_TOKEN"] = "Bearer \(Self.token)"
        broken["REPLICATE_WEBHOOK_SECRET"] = Self.webhookSecret + "!!"
        broken["DATABASE_URL"] = "mysql://selfie:\(Self.databasePassword)@db/selfie"
        broken["ANTHROPIC_API_KEY"] = Self.anthropicKey + " x"
        broken["PUBLIC_URL"] = "https://admin:\(Self.databasePassword)@studio.example.com"
        let error = try #require(throws: SelfieModelKitError.self) { try Configuration(environment: broken) }
        texts += ["\(error)", String(reflecting: error), error.userMessage, error.detail]
        texts += Configuration.problems(in: broken).map(\.description)

        for text in texts {
            for secret in [Self.token, "TOPSECRET", "QUJDREVGR0hJSktMTU5P", "SECRETKEY", Self.databasePassword] {
                #expect(!text.contains(secret), "\(secret) leaked")
            }
        }
        #expect(dumped.contains("set (redacted)"))
        #expect("\(configuration.databaseURL!)".contains("selfie:redacted@db.internal:5432/selfie"))
    }

    @Test("a password in the database URL's query is redacted too")
    func databaseQueryPassword() throws {
        let url = try DatabaseURL("postgres://db.internal/selfie?user=app&password=\(Self.databasePassword)")
        #expect("\(url)" == "postgres://db.internal/selfie?user=app&password=redacted")
        #expect(url.revealForConnection().contains(Self.databasePassword))
    }

    private func rules(_ environment: [String: String]) -> [String] {
        Configuration.problems(in: environment).map(\.rule)
    }
}
