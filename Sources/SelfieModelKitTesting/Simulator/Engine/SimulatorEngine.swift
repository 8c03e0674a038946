import Foundation

/// The state and behaviour of the simulated Replicate: one actor, so every request sees a consistent
/// world, and every random choice comes from one seeded generator.
package actor SimulatorEngine {
    /// A request as the engine sees it (independent of any HTTP library).
    package struct Request: Sendable {
        package var method: String
        /// The full URL, such as `https://api.replicate.com/v1/predictions`.
        package var url: String
        /// Header names lowercased.
        package var headers: [(String, String)]
        package var body: Data?

        package init(method: String, url: String, headers: [(String, String)], body: Data?) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }

        func header(_ name: String) -> String? {
            headers.first { $0.0 == name }?.1
        }
    }

    let clock: SimulatorClock
    var configuration: ReplicateSimulator.Configuration
    var random: SimulatorRandom
    /// The faults injected so far.
    package var faultCounts = SimulatorFaultCounts()
    var receiver: SimulatorWebhookReceiver?

    var accountsByToken: [String: SimulatorAccount] = [:]
    var secrets: [String: String] = [:]
    var models: [String: ModelRecord] = [:]
    var versions: [String: VersionRecord] = [:]
    var files: [String: FileRecord] = [:]
    var trainings: [String: TrainingRecord] = [:]
    var predictions: [String: PredictionRecord] = [:]
    var deliveryFiles: [String: DeliveryEntry] = [:]

    var milestones = MinHeap<ScheduledMilestone>()
    var deliveries = MinHeap<ScheduledDelivery>()
    var sequence: UInt64 = 0
    var recorded: [RecordedRequest] = []
    var webhookLog: [SimulatorWebhookAttempt] = []
    var rateWindows: [String: (window: Int, count: Int)] = [:]

    var apiPath: String
    var deliveryPath: String

    package init(
        configuration: ReplicateSimulator.Configuration, clock: SimulatorClock, receiver: SimulatorWebhookReceiver?
    ) {
        self.clock = clock
        self.configuration = configuration
        self.random = SimulatorRandom(seed: configuration.seed)
        self.receiver = receiver
        self.apiPath = Self.path(of: configuration.apiBaseURL)
        self.deliveryPath = Self.path(of: configuration.deliveryBaseURL)
        for account in configuration.accounts {
            accountsByToken[account.token] = account
            secrets[account.owner] = account.webhookSecret
        }
        var models: [String: ModelRecord] = [:]
        var versions: [String: VersionRecord] = [:]
        Self.installTrainers(configuration.trainerVersions, models: &models, versions: &versions, created: clock.now)
        self.models = models
        self.versions = versions
    }

    /// Adds the trainer models and versions of `trainerVersions` that `models` and `versions` lack.
    static func installTrainers(
        _ trainerVersions: [String: Set<String>], models: inout [String: ModelRecord],
        versions: inout [String: VersionRecord], created: Date
    ) {
        for (modelKey, versionIDs) in trainerVersions.sorted(by: { $0.key < $1.key }) {
            let parts = modelKey.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            var model =
                models[modelKey]
                ?? ModelRecord(
                    owner: parts[0], name: parts[1], description: "Fine-tune FLUX.1-dev using ai-toolkit",
                    visibility: "public", hardware: "gpu-h100", createdAt: created)
            for id in versionIDs.sorted() where versions[id] == nil {
                versions[id] = VersionRecord(id: id, modelKey: modelKey, createdAt: created, kind: .trainer)
                model.versionIDs.append(id)
            }
            models[modelKey] = model
        }
    }

    private static func path(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return "" }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    // MARK: - Configuration at run time

    package func setFaults(_ faults: SimulatorFaults) { configuration.faults = faults }
    package func faults() -> SimulatorFaults { configuration.faults }
    package func setRateLimits(_ limits: SimulatorRateLimits) { configuration.rateLimits = limits }
    package func setReceiver(_ receiver: SimulatorWebhookReceiver?) { self.receiver = receiver }
    package func recordedRequests() -> [RecordedRequest] { recorded }
    package func clearRecordedRequests() { recorded.removeAll() }
    package func webhookAttempts() -> [SimulatorWebhookAttempt] { webhookLog }
    package func webhookSecret(owner: String) -> String? { secrets[owner] }
    package func setURLs(apiBaseURL: String, deliveryBaseURL: String) {
        configuration.apiBaseURL = apiBaseURL
        configuration.deliveryBaseURL = deliveryBaseURL
        apiPath = Self.path(of: apiBaseURL)
        deliveryPath = Self.path(of: deliveryBaseURL)
    }

    package func addAccount(_ account: SimulatorAccount) {
        accountsByToken[account.token] = account
        secrets[account.owner] = account.webhookSecret
    }

    // MARK: - Requests

    /// Answers one request.
    package func handle(_ request: Request) async -> SimulatorResponse {
        let now = clock.now
        applyMilestones(until: now)
        let components = URLComponents(string: request.url)
        let path = components?.percentEncodedPath ?? ""
        let query = components?.percentEncodedQuery.map { "?" + $0 } ?? ""
        let account = Self.bearer(request.header("authorization")).flatMap { accountsByToken[$0] }
        let response: SimulatorResponse
        if !deliveryPath.isEmpty, path.hasPrefix(deliveryPath + "/") {
            response = serveDelivery(String(path.dropFirst(deliveryPath.count + 1)), method: request.method)
        } else if path == apiPath || path.hasPrefix(apiPath + "/") {
            let segments = path.dropFirst(apiPath.count).split(separator: "/").map {
                String($0).removingPercentEncoding ?? String($0)
            }
            response = await handleAPI(request, segments: segments, account: account)
        } else {
            response = .notFound
        }
        if configuration.recordsRequests {
            recorded.append(
                RecordedRequest(
                    method: request.method, path: path + query,
                    headers: request.headers.filter { $0.0 != "authorization" }.map {
                        RecordedHeader(name: $0.0, value: $0.1)
                    }, body: request.body, owner: account?.owner, status: response.status, receivedAt: now))
        }
        return response
    }

    private static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        for prefix in ["Bearer ", "Token "] where header.hasPrefix(prefix) {
            let token = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        return nil
    }

    private func handleAPI(
        _ request: Request, segments: [String], account: SimulatorAccount?
    ) async
        -> SimulatorResponse
    {
        guard let account else { return .unauthenticated }
        if let fault = injectedFault() { return fault }
        let isPredictionCreate = request.method == "POST" && segments == ["predictions"]
        if let throttled = throttle(owner: account.owner, predictionCreate: isPredictionCreate) { return throttled }
        var response = await route(request, segments: segments, owner: account.owner)
        response.headers.append(
            contentsOf: rateLimitHeaders(owner: account.owner, predictionCreate: isPredictionCreate))
        return response
    }

    private func route(_ request: Request, segments: [String], owner: String) async -> SimulatorResponse {
        let method = request.method
        switch segments.count {
        case 1:
            switch (segments[0], method) {
            case ("account", "GET"): return accountResponse(owner: owner)
            case ("models", "POST"): return createModel(request, owner: owner)
            case ("files", "POST"): return createFile(request, owner: owner)
            case ("files", "GET"): return listFiles(owner: owner)
            case ("predictions", "POST"): return await createPrediction(request, owner: owner)
            case ("predictions", "GET"): return listPredictions(request, owner: owner)
            case ("trainings", "GET"): return listTrainings(request, owner: owner)
            case ("account", _), ("models", _), ("files", _), ("predictions", _), ("trainings", _):
                return .methodNotAllowed(method)
            default: return .notFound
            }
        case 2:
            switch (segments[0], method) {
            case ("files", "GET"): return getFile(segments[1], owner: owner)
            case ("files", "DELETE"): return deleteFile(segments[1], owner: owner)
            case ("predictions", "GET"): return getPrediction(segments[1], owner: owner)
            case ("trainings", "GET"): return getTraining(segments[1], owner: owner)
            default: return .notFound
            }
        case 3:
            switch (segments[0], segments[2], method) {
            case ("models", _, "GET"): return getModel("\(segments[1])/\(segments[2])", owner: owner)
            case ("models", _, "DELETE"): return deleteModel("\(segments[1])/\(segments[2])", owner: owner)
            case ("files", "download", "GET"): return downloadFile(segments[1], owner: owner)
            case ("predictions", "cancel", "POST"): return cancelPrediction(segments[1], owner: owner)
            case ("trainings", "cancel", "POST"): return cancelTraining(segments[1], owner: owner)
            case ("webhooks", "secret", "GET") where segments[1] == "default":
                return .json(200, ["key": .optional(secrets[owner])])
            default: return .notFound
            }
        case 4 where segments[0] == "models" && segments[3] == "versions" && method == "GET":
            return listVersions("\(segments[1])/\(segments[2])", owner: owner)
        case 5 where segments[0] == "models" && segments[3] == "versions" && method == "GET":
            return getVersion(modelKey: "\(segments[1])/\(segments[2])", id: segments[4], owner: owner)
        case 5 where segments[0] == "models" && segments[3] == "versions" && method == "DELETE":
            return deleteVersion(modelKey: "\(segments[1])/\(segments[2])", id: segments[4], owner: owner)
        case 6 where segments[0] == "models" && segments[3] == "versions" && segments[5] == "trainings":
            guard method == "POST" else { return .methodNotAllowed(method) }
            return createTraining(
                request, trainerModel: "\(segments[1])/\(segments[2])", trainerVersion: segments[4], owner: owner)
        default:
            return .notFound
        }
    }

    // MARK: - Faults and limits

    /// Whether the answer just computed is held back, and for how long (``SimulatorFaults/slowAnswerRate``).
    package func slowAnswerDelay() -> Double? {
        let faults = configuration.faults
        guard random.chance(faults.slowAnswerRate) else { return nil }
        faultCounts.slowAnswers += 1
        return random.value(in: max(0, faults.slowAnswerDelay.lowerBound)...max(0, faults.slowAnswerDelay.upperBound))
    }

    private func injectedFault() -> SimulatorResponse? {
        let faults = configuration.faults
        if random.chance(faults.serverErrorRate) {
            faultCounts.serverErrors += 1
            switch random.next() % 3 {
            case 0:
                return .problem(500, title: "Internal Server Error", detail: "An unexpected error occurred.")
            case 1:
                return SimulatorResponse(
                    status: 502, headers: [("Content-Type", "text/html")],
                    body: Data("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))
            default:
                return .problem(503, title: "Service Unavailable", detail: "The service is temporarily unavailable.")
            }
        }
        if random.chance(faults.rateLimitRate) {
            faultCounts.rateLimited += 1
            return throttledResponse(resetIn: 1 + Int(random.next() % 30))
        }
        return nil
    }

    private func limit(predictionCreate: Bool) -> Int {
        let limits = configuration.rateLimits
        let base = predictionCreate ? limits.predictionCreatesPerMinute : limits.otherRequestsPerMinute
        return Int((Double(base) * (1 + limits.burstAllowance)).rounded(.down))
    }

    private func window(_ now: Date) -> Int { Int(floor(now.timeIntervalSince1970 / 60)) }

    private func throttle(owner: String, predictionCreate: Bool) -> SimulatorResponse? {
        guard configuration.rateLimits.isEnabled else { return nil }
        let now = clock.now
        let key = owner + (predictionCreate ? "#predictions" : "#other")
        let current = window(now)
        var entry = rateWindows[key] ?? (current, 0)
        if entry.window != current { entry = (current, 0) }
        guard entry.count < limit(predictionCreate: predictionCreate) else {
            let reset = max(1, Int(ceil(Double(current + 1) * 60 - now.timeIntervalSince1970)))
            return throttledResponse(resetIn: reset)
        }
        entry.count += 1
        rateWindows[key] = entry
        return nil
    }

    private func rateLimitHeaders(owner: String, predictionCreate: Bool) -> [(String, String)] {
        guard configuration.rateLimits.isEnabled else { return [] }
        let now = clock.now
        let key = owner + (predictionCreate ? "#predictions" : "#other")
        let used = rateWindows[key].map { $0.window == window(now) ? $0.count : 0 } ?? 0
        let reset = max(1, Int(ceil(Double(window(now) + 1) * 60 - now.timeIntervalSince1970)))
        return [
            ("ratelimit-remaining", String(max(0, limit(predictionCreate: predictionCreate) - used))),
            ("ratelimit-reset", String(reset)),
        ]
    }

    private func throttledResponse(resetIn seconds: Int) -> SimulatorResponse {
        var response = SimulatorResponse.problem(
            429, detail: "Request was throttled. Your rate limit resets in ~\(seconds)s.")
        response.headers.append(("ratelimit-remaining", "0"))
        response.headers.append(("ratelimit-reset", String(seconds)))
        if configuration.faults.includesRetryAfter { response.headers.append(("Retry-After", String(seconds))) }
        return response
    }

    // MARK: - Shared helpers

    func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    /// A new 26-character id for a training, prediction or file that no job or file of this world holds
    /// (the generator makes a repeat all but impossible; the check makes it impossible, restores included).
    func newID() -> String {
        while true {
            let id = random.replicateID()
            if trainings[id] == nil, predictions[id] == nil, files[id] == nil { return id }
        }
    }

    /// Parses a JSON object body and refuses top-level keys outside `allowed` (Replicate's
    /// `additional_property_not_allowed`).
    func jsonBody(_ request: Request, allowed: Set<String>) -> Result<JSONObject, SimulatorResponse> {
        let value: JSONValue
        do {
            value = try JSONValue.parse(request.body ?? Data())
        } catch {
            return .failure(.malformedJSON(error))
        }
        guard let object = value.objectValue else {
            return .failure(
                .validationFailed([
                    InvalidField(
                        type: "invalid_type", field: "(root)",
                        description: "Invalid type. Expected: object, given: \(value.schemaTypeName)")
                ]))
        }
        let unknown = object.keys.filter { !allowed.contains($0) }
        guard unknown.isEmpty else {
            return .failure(
                .validationFailed(
                    unknown.map {
                        InvalidField(
                            type: "additional_property_not_allowed", field: "(root)",
                            description: "Additional property \($0) is not allowed")
                    }))
        }
        return .success(object)
    }

    /// `webhook` and `webhook_events_filter` from a create body.
    func webhookTarget(_ body: JSONObject) -> Result<WebhookTarget?, SimulatorResponse> {
        guard let url = body["webhook"]?.stringValue else { return .success(nil) }
        let all: Set<String> = ["start", "output", "logs", "completed"]
        guard let filter = body["webhook_events_filter"] else { return .success(WebhookTarget(url: url, events: all)) }
        let events = filter.arrayValue?.compactMap(\.stringValue) ?? []
        if let bad = events.first(where: { !all.contains($0) }) {
            return .failure(
                .validationFailed([
                    InvalidField(
                        type: "enum", field: "webhook_events_filter",
                        description: "webhook_events_filter must be one of the following: \"start\", \"output\", "
                            + "\"logs\", \"completed\" (got \"\(bad)\")")
                ]))
        }
        return .success(WebhookTarget(url: url, events: Set(events)))
    }

    var apiBase: String {
        var base = configuration.apiBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    var deliveryBase: String {
        var base = configuration.deliveryBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// A duration of the simulated world, scaled by ``ReplicateSimulator/Configuration/timeScale``.
    func scaled(_ seconds: Double) -> TimeInterval {
        seconds * max(0, configuration.timeScale)
    }

    func isVisible(_ model: ModelRecord, to owner: String) -> Bool {
        model.owner == owner || model.visibility == "public"
    }

    private func accountResponse(owner: String) -> SimulatorResponse {
        .json(200, ["type": "user", "username": .string(owner), "name": .string(owner), "github_url": .null])
    }
}
