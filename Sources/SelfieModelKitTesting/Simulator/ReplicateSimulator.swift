import Foundation
import HTTPTypes
import SelfieModelKit

/// A faithful, in-process stand-in for Replicate's HTTP API: an `HTTPTransport` with no sockets.
///
/// It implements what `replicate-api.md` documents (accounts and isolation, models and versions with
/// the fine-tuned FLUX LoRA predictor's `openapi_schema`, the Files API, trainings of
/// `ostris/flux-dev-lora-trainer`, predictions with schema validation, `Prefer: wait`, cancel,
/// retention, signed webhooks with retries, rate limits and injected faults) with its own JSON
/// encoding, independent of the library's client, so that it catches the client's mistakes.
///
/// ```swift
/// let simulator = ReplicateSimulator(accounts: [SimulatorAccount(owner: "sandrasocial", token: "r8_test")])
/// let client = ReplicateClient(transport: simulator, token: try APIToken("r8_test"))
/// // ... start a training, then let 25 simulated minutes pass:
/// await simulator.advance(by: 25 * 60)
/// ```
///
/// Time: with the default virtual ``SimulatorClock`` nothing moves until ``advance(by:)`` is called,
/// which makes tests deterministic. With ``SimulatorClock/system()`` jobs follow wall time (scaled by
/// ``Configuration/timeScale``) and ``run()`` sends webhooks as they fall due.
public final class ReplicateSimulator: HTTPTransport, Sendable {
    let engine: SimulatorEngine
    /// The clock this simulator runs on.
    public let clock: SimulatorClock

    /// A simulator with `configuration`, on `clock`, sending webhooks to `webhookReceiver`.
    public init(
        configuration: Configuration, clock: SimulatorClock = .virtual(),
        webhookReceiver: SimulatorWebhookReceiver? = nil
    ) {
        self.clock = clock
        self.engine = SimulatorEngine(configuration: configuration, clock: clock, receiver: webhookReceiver)
    }

    /// A simulator with Replicate's defaults for `accounts`.
    public convenience init(
        accounts: [SimulatorAccount], clock: SimulatorClock = .virtual(),
        webhookReceiver: SimulatorWebhookReceiver? = nil
    ) {
        self.init(configuration: Configuration(accounts: accounts), clock: clock, webhookReceiver: webhookReceiver)
    }

    /// Answers `request` the way Replicate would. Never throws: faults come back as HTTP responses.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        if !clock.isVirtual, let latency = await engine.faults().latency, latency.upperBound > 0 {
            let seconds = Double.random(in: max(0, latency.lowerBound)...latency.upperBound)
            try await Task.sleep(for: .seconds(seconds))
        }
        let url = "\(request.scheme ?? "https")://\(request.authority ?? "api.replicate.com")\(request.path ?? "/")"
        let headers = request.headerFields.map { ($0.name.canonicalName, $0.value) }
        let response = await engine.handle(
            SimulatorEngine.Request(method: request.method.rawValue, url: url, headers: headers, body: body))
        if !clock.isVirtual, let delay = await engine.slowAnswerDelay() {
            try await Task.sleep(for: .seconds(delay))
        }
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        fields[.contentLength] = String(response.body.count)
        return (HTTPResponse(status: .init(code: response.status), headerFields: fields), response.body)
    }

    /// Lets `seconds` of simulated time pass on a virtual clock: trainings and predictions move on and
    /// due webhooks are delivered, in time order. On the system clock it just catches up to now.
    public func advance(by seconds: TimeInterval) async {
        let target = clock.isVirtual ? clock.now.addingTimeInterval(max(0, seconds)) : clock.now
        await engine.advance(to: target)
    }

    /// Runs until cancelled, delivering webhooks and moving jobs on as the system clock passes their
    /// times (for the system clock and `selfie-sim`; with a virtual clock use ``advance(by:)``).
    public func run() async throws {
        while !Task.isCancelled {
            await engine.advance(to: clock.now)
            let next = await engine.nextEventTime()
            let pause = next.map { max(0.001, min(0.05, $0.timeIntervalSince(clock.now))) } ?? 0.05
            try await Task.sleep(for: .seconds(pause))
        }
    }

    /// Replaces the injected faults (takes effect with the next request or event).
    public func setFaults(_ faults: SimulatorFaults) async { await engine.setFaults(faults) }

    /// The injected faults in effect.
    public func faults() async -> SimulatorFaults { await engine.faults() }

    /// How many faults have been injected so far, by kind.
    public func faultCounts() async -> SimulatorFaultCounts { await engine.faultCounts }

    /// Replaces the enforced rate limits.
    public func setRateLimits(_ limits: SimulatorRateLimits) async { await engine.setRateLimits(limits) }

    /// Replaces where webhooks go.
    public func setWebhookReceiver(_ receiver: SimulatorWebhookReceiver?) async { await engine.setReceiver(receiver) }

    /// Adds an account at run time.
    public func addAccount(_ account: SimulatorAccount) async { await engine.addAccount(account) }

    /// Every request received so far, oldest first (without `Authorization` headers).
    public func recordedRequests() async -> [RecordedRequest] { await engine.recordedRequests() }

    /// Forgets the recorded requests.
    public func clearRecordedRequests() async { await engine.clearRecordedRequests() }

    /// Every webhook delivery attempt so far, oldest first.
    public func webhookAttempts() async -> [SimulatorWebhookAttempt] { await engine.webhookAttempts() }

    /// The default webhook signing secret of `owner`, as `GET /webhooks/default/secret` returns it.
    public func webhookSecret(for owner: String) async -> WebhookSecret? {
        await engine.webhookSecret(owner: owner).flatMap { try? WebhookSecret($0) }
    }

    /// Fixture shortcut: creates the model `owner/name` if it does not exist and gives it a trained
    /// version whose look derives from `images` (as a succeeded training on them would), without running
    /// a training. Returns the version id (64 hex digits); the model's `latest_version` becomes it.
    public func installTrainedVersion(
        owner: String, name: String, images: [Data], triggerWord: String, visibility: String = "private"
    ) async -> String {
        await engine.installTrainedVersion(
            owner: owner, name: name, images: images, triggerWord: triggerWord, visibility: visibility)
    }

    /// What the simulator holds for `owner` (models with their versions, unexpired files), for assertions
    /// such as "an erasure left nothing of this user".
    public func inventory(of owner: String) async -> SimulatorInventory { await engine.inventory(owner: owner) }

    /// Points `urls` and output links at other base URLs (`selfie-sim` does this once its port is known).
    public func setBaseURLs(api: String, delivery: String) async {
        await engine.setURLs(apiBaseURL: api, deliveryBaseURL: delivery)
    }
}
