import ArgumentParser
import Foundation
import NIOCore
import SelfieModelKitTesting

/// `selfie-sim`: the Replicate simulator of SelfieModelKitTesting over HTTP on a real socket.
@main
struct SelfieSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfie-sim",
        abstract: "A faithful stand-in for Replicate's HTTP API, for tests, demos and local development.",
        discussion: """
            Prints "selfie-sim listening on http://HOST:PORT" once bound; the API is under /v1 and output \
            files are served from /delivery on the same address. Point a client at http://HOST:PORT (the \
            official Python client: replicate.Client(api_token=TOKEN, base_url="http://HOST:PORT")).
            Without --token or --account, the account OWNER uses the token "selfie-sim-token".
            Faults can be changed while it runs: GET or PUT /__selfie-sim/faults with a JSON object such as \
            {"rate_limit_rate": 0.1, "retry_after": true, "latency_ms": [50, 200], "webhook_drop_rate": 0.5}.
            """)

    @Option(help: "The port to listen on; 0 picks a free port.")
    var port = 8787

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The owner of the account --token authenticates as.")
    var owner = "sandrasocial"

    @Option(help: "The bearer token of --owner's account.")
    var token: String?

    @Option(name: .customLong("account"), help: "An extra account as OWNER=TOKEN; repeatable.")
    var accounts: [String] = []

    @Option(help: "Multiplies job durations: 0.005 turns a 20-minute training into 6 seconds.")
    var timeScale = 1.0

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 1

    @Option(help: "Seconds prediction outputs are kept (Replicate: 3600).")
    var outputRetention = 3600.0

    @Option(help: "Seconds uploaded files are kept (Replicate: 86400).")
    var fileRetention = 86_400.0

    @Option(help: "Long side of generated images in pixels; 0 renders FLUX's native sizes.")
    var imageLongSide = 512

    @Option(help: "The public base URL clients reach this server at (default http://HOST:PORT).")
    var publicURL: String?

    @Flag(help: "Turn off Replicate's rate limits (600 prediction creates and 3000 other requests per minute).")
    var noRateLimits = false

    @Option(help: "Share of requests answered 429 (fault).")
    var rateLimitRate = 0.0

    @Flag(help: "Send Retry-After on 429 responses.")
    var retryAfter = false

    @Option(help: "Share of requests answered 500/502/503 (fault).")
    var serverErrorRate = 0.0

    @Option(help: "Extra latency per request in milliseconds, MIN or MIN-MAX (fault).")
    var latencyMs: String?

    @Option(help: "Share of trainings that fail (fault).")
    var trainingFailureRate = 0.0

    @Option(help: "Share of predictions that fail (fault).")
    var predictionFailureRate = 0.0

    @Option(help: "Share of prediction failures that are the NSFW failure.")
    var nsfwShare = 1.0

    @Option(help: "Share of webhooks lost (fault).")
    var webhookDropRate = 0.0

    @Option(help: "Share of webhooks sent twice (fault).")
    var webhookDuplicateRate = 0.0

    @Option(help: "Share of webhooks delayed (fault).")
    var webhookDelayRate = 0.0

    @Option(help: "Longest webhook delay in simulated seconds.")
    var webhookMaxDelay = 30.0

    @Option(help: "Share of webhooks held back so later ones overtake them (fault).")
    var webhookReorderRate = 0.0

    @Option(
        help:
            "Share of requests answered late, after they took effect (fault): clients with a shorter timeout time out.")
    var slowAnswerRate = 0.0

    @Option(help: "How late a slow answer comes, in milliseconds, MIN or MIN-MAX.")
    var slowAnswerMs = "1000-10000"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535.") }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive.") }
        for account in accounts where account.split(separator: "=", maxSplits: 1).count != 2 {
            throw ValidationError("--account takes OWNER=TOKEN.")
        }
        if let latencyMs, parseLatency(latencyMs) == nil {
            throw ValidationError("--latency-ms takes MIN or MIN-MAX in milliseconds.")
        }
        if parseLatency(slowAnswerMs) == nil {
            throw ValidationError("--slow-answer-ms takes MIN or MIN-MAX in milliseconds.")
        }
    }

    private func parseLatency(_ text: String) -> ClosedRange<Double>? {
        let parts = text.split(separator: "-").compactMap { Double($0) }
        guard parts.count == text.split(separator: "-").count else { return nil }
        switch parts.count {
        case 1: return parts[0] / 1000...parts[0] / 1000
        case 2 where parts[0] <= parts[1]: return parts[0] / 1000...parts[1] / 1000
        default: return nil
        }
    }

    func faults() -> SimulatorFaults {
        var faults = SimulatorFaults()
        faults.rateLimitRate = rateLimitRate
        faults.includesRetryAfter = retryAfter
        faults.serverErrorRate = serverErrorRate
        faults.latency = latencyMs.flatMap(parseLatency)
        faults.trainingFailureRate = trainingFailureRate
        faults.predictionFailureRate = predictionFailureRate
        faults.nsfwShareOfPredictionFailures = nsfwShare
        faults.webhookDropRate = webhookDropRate
        faults.webhookDuplicateRate = webhookDuplicateRate
        faults.webhookDelayRate = webhookDelayRate
        faults.webhookMaxDelay = webhookMaxDelay
        faults.webhookReorderRate = webhookReorderRate
        faults.slowAnswerRate = slowAnswerRate
        if let delay = parseLatency(slowAnswerMs) { faults.slowAnswerDelay = delay }
        return faults
    }

    func run() async throws {
        var simulatorAccounts = [SimulatorAccount(owner: owner, token: token ?? "selfie-sim-token")]
        for account in accounts {
            let parts = account.split(separator: "=", maxSplits: 1).map(String.init)
            simulatorAccounts.append(SimulatorAccount(owner: parts[0], token: parts[1]))
        }
        let configuration = ReplicateSimulator.Configuration(
            accounts: simulatorAccounts, timeScale: timeScale, outputRetention: outputRetention,
            fileRetention: fileRetention, seed: seed, faults: faults(),
            rateLimits: noRateLimits ? .disabled : SimulatorRateLimits(),
            imageLongSide: imageLongSide > 0 ? imageLongSide : nil)
        let poster = WebhookPoster()
        let simulator = ReplicateSimulator(
            configuration: configuration, clock: .system(), webhookReceiver: { try await poster.post($0) })
        let server = SimulatorHTTPServer(simulator: simulator, host: host, port: port)
        let explicitURL = publicURL
        let host = host
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { address in
                    let base = explicitURL ?? "http://\(host):\(address.port ?? 0)"
                    await simulator.setBaseURLs(api: base + "/v1", delivery: base + "/delivery")
                    FileHandle.standardOutput.write(Data("selfie-sim listening on \(base)\n".utf8))
                }
            }
            group.addTask { try await simulator.run() }
            try await group.next()
            group.cancelAll()
        }
    }
}
