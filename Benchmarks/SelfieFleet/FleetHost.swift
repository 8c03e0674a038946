import ArgumentParser
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitAsyncHTTPClient
import SelfieModelKitPostgres
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitValidation
import ServiceLifecycle

/// `selfie-fleet host`: one host process of the fleet, as an integrator would write it.
///
/// It reads its configuration from the environment like any host (`REPLICATE_API_TOKEN`,
/// `REPLICATE_API_BASE_URL`, `REPLICATE_OWNER`, `DATABASE_URL`, `SELFIE_MONTHLY_QUOTA`), binds a loopback
/// port, sets `PUBLIC_URL` to it, wires `StudioServices` over PostgreSQL (the shared store and the shared
/// rate budget) and AsyncHTTPClient, runs the reconciler, and serves a small JSON API for the fleet's
/// simulated users plus `POST /webhooks/replicate`.
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host", abstract: "One fleet host process (started by `selfie-fleet run`).", shouldDisplay: false)

    @Option(help: "This host's index, for logs.")
    var index = 0

    @Option(help: "The shared image-store folder.")
    var images: String

    @Option(help: "Seconds between reconciler passes.")
    var reconcileInterval = 2.0

    @Option(help: "Database connections in this host's pool.")
    var connections = 12

    @Option(help: "The loopback port to listen on; 0 picks a free one (a restarted host keeps its port).")
    var port = 0

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let sessionSecret = environment["FLEET_SESSION_SECRET"], !sessionSecret.isEmpty else {
            throw ValidationError("FLEET_SESSION_SECRET must be set (selfie-fleet run sets it).")
        }
        var configuredLogger = Logger(label: "fleet-host-\(index)")
        configuredLogger.logLevel = environment["FLEET_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let logger = configuredLogger
        let inFlight = InFlight()
        let router = HostRouter(sessions: FleetSessions(secret: sessionSecret), inFlight: inFlight, logger: logger)
        let server = FleetHTTPServer(host: "127.0.0.1", port: port, maximumBodyBytes: 20 << 20) {
            await router.handle($0)
        }
        let index = index
        let images = images
        let interval = reconcileInterval
        let connections = connections
        // The server binds first: its port is the host's PUBLIC_URL, which the services need.
        try await server.run { port in
            var environment = environment
            environment["PUBLIC_URL"] = "http://127.0.0.1:\(port)"
            let host = try await HostRuntime.start(
                environment: environment, imagesFolder: images, reconcileInterval: interval,
                connections: connections, inFlight: inFlight, index: index, logger: logger)
            await router.attach(host.services)
            // The host runs until it is signalled; its background work lives as long as the process.
            Task { try await host.runBackground() }
            emit("fleet-host \(index) pid \(getpid()) listening on http://127.0.0.1:\(port)")
        }
    }
}

/// The services of one host process, over PostgreSQL and AsyncHTTPClient.
struct HostRuntime: Sendable {
    let services: StudioServices

    static func start(
        environment: [String: String], imagesFolder: String, reconcileInterval: Double, connections: Int,
        inFlight: InFlight, index: Int, logger: Logger
    ) async throws -> HostRuntime {
        let configuration = try Configuration(environment: environment)
        guard let databaseURL = configuration.databaseURL else {
            throw ValidationError("DATABASE_URL must be set for a fleet host.")
        }
        var clientConfiguration = try PostgresConnectionURL(databaseURL.revealForConnection()).clientConfiguration()
        clientConfiguration.options.maximumConnections = connections
        let postgres = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        // The client must run before the first query (the shared rate budget's, when the webhook secret is
        // fetched); it runs for the life of the process.
        Task { await postgres.run() }
        let store = PostgresSelfieModelStore(
            client: postgres, configuration: PostgresStoreConfiguration(logger: logger))
        let budget = PostgresRateBudgetStore(client: postgres, logger: logger)
        var images: any ImageStore = try FileSystemImageStore(
            root: URL(fileURLWithPath: imagesFolder, isDirectory: true))
        // The chaos run: a share of image writes fail, from a generator seeded per host and start.
        if let rate = environment["FLEET_CHAOS_IMAGE_FAILURE_RATE"].flatMap(Double.init), rate > 0 {
            let seed = environment["FLEET_CHAOS_SEED"].flatMap(UInt64.init) ?? 1
            images = FailingImageStore(
                base: images, rate: rate, seed: seed &+ UInt64(index) &* 7919 &+ UInt64(getpid()))
        }
        let timeout = environment["FLEET_REPLICATE_TIMEOUT"].flatMap(Double.init) ?? 90
        // The shared HTTPClient keeps 8 connections per host; a busy host wants more to Replicate.
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.timeout.connect = .seconds(10)
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let replicateClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let services = try await StudioServices.make(
            configuration: configuration, store: store, images: images,
            replicateTransport: InFlightTransport(
                base: AsyncHTTPClientTransport(client: replicateClient, timeout: .milliseconds(Int(timeout * 1000))),
                inFlight: inFlight),
            budgetStore: budget,
            reconciler: StudioServices.ReconcilerSettings(interval: .milliseconds(Int(reconcileInterval * 1000))),
            logger: logger)
        return HostRuntime(services: services)
    }

    /// Runs the reconciler until cancelled.
    func runBackground() async throws {
        try await services.reconciler.run()
    }
}

/// The host's routes: a JSON API for the simulated users, the webhook endpoint and the host's figures.
actor HostRouter {
    private let sessions: FleetSessions
    private let inFlight: InFlight
    private let logger: Logger
    private var services: StudioServices?
    private var latencies: [String: [Double]] = [:]
    private var statusCounts: [String: Int] = [:]

    init(sessions: FleetSessions, inFlight: InFlight, logger: Logger) {
        self.sessions = sessions
        self.inFlight = inFlight
        self.logger = logger
    }

    func attach(_ services: StudioServices) { self.services = services }

    nonisolated func handle(_ request: FleetRequest) async -> FleetResponse {
        let route = Self.route(request)
        if route == "inflight" { return .json(200, inFlight.snapshot) }
        guard let services = await services else { return .json(503, ["error": "starting"]) }
        let started = ContinuousClock.now
        let response = await answer(request, route: route, services: services)
        let elapsed = ContinuousClock.now - started
        await record(
            route,
            milliseconds: Double(elapsed.components.seconds) * 1000
                + Double(elapsed.components.attoseconds) / 1e15, status: response.status)
        return response
    }

    private func record(_ route: String, milliseconds: Double, status: Int) {
        guard route != "stats", route != "inflight" else { return }
        latencies[route, default: []].append(milliseconds)
        statusCounts["\(route) \(status)", default: 0] += 1
    }

    private func stats() -> FleetResponse {
        .json(200, ["latency_ms": latencies, "statuses": statusCounts])
    }

    /// The service call a request stands for (the key of its latency figures).
    static func route(_ request: FleetRequest) -> String {
        let parts = request.path.split(separator: "/")
        switch (request.method, parts.first ?? "") {
        case ("POST", "signup"): return "signUp"
        case ("POST", "selfies"): return "addSelfies"
        case ("POST", "training"): return "startTraining"
        case ("GET", "training"): return "trainingStatus"
        case ("POST", "maya"): return "maya.generate"
        case ("POST", "photoshoot"): return "photoshoot.generate"
        case ("GET", "generations"): return parts.count > 1 ? "generation" : "generations"
        case ("GET", "photos"): return parts.count > 1 ? "photo" : "photos"
        case ("POST", "webhooks"): return "webhook"
        case ("GET", "__fleet"): return parts.last == "inflight" ? "inflight" : "stats"
        default: return "other"
        }
    }

    private nonisolated func answer(
        _ request: FleetRequest, route: String, services: StudioServices
    ) async -> FleetResponse {
        switch route {
        case "webhook":
            var fields = HTTPFields()
            for (name, value) in request.headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            let result = await services.webhooks?.handle(headers: fields, rawBody: request.body)
            return .json(result?.httpStatus ?? 404, ["outcome": result?.outcome ?? "no webhook handler"])
        case "stats":
            return await stats()
        case "inflight":
            return .json(200, inFlight.snapshot)
        case "signUp":
            let id = try! UserID("f0" + String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(14)))
            return .json(201, ["user": id.rawValue, "token": sessions.token(for: id)])
        default:
            break
        }
        guard let user = sessions.user(fromAuthorization: request.header("authorization")) else {
            return .json(401, ["error": "not-authenticated"])
        }
        do {
            return try await answer(request, route: route, user: user, services: services)
        } catch let error as SelfieModelKitError {
            let status: Int
            switch error.code {
            case .notFound: status = 404
            case .trainingAlreadyActive, .transitionConflict: status = 409
            case .quotaExceeded: status = 429
            case .invalidPhoto, .invalidPrompt, .notEnoughPhotos, .modelNotTrained, .modelTrainingInProgress,
                .modelTrainingFailed:
                status = 422
            default: status = 502
            }
            return .json(status, ["error": error.code.rawValue, "message": error.userMessage, "detail": error.detail])
        } catch {
            return .json(500, ["error": "internal", "detail": "\(error)"])
        }
    }

    private nonisolated func answer(
        _ request: FleetRequest, route: String, user: AuthenticatedUser, services: StudioServices
    ) async throws -> FleetResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        switch route {
        case "addSelfies":
            inFlight.begin(.upload)
            defer { inFlight.end(.upload) }
            let name = request.header("x-file-name") ?? "selfie.png"
            let result = try await services.training.addSelfies(
                [SelfieUpload(data: request.body, fileName: name)], for: user)
            return .json(
                201,
                [
                    "stored": result.stored.count, "total": result.totalKept,
                    "refused": result.results.compactMap { $0.refusal?.userMessage },
                ])
        case "startTraining":
            let attempt = try await services.training.startTraining(for: user)
            return .json(201, ["attempt": attempt.id.description, "status": attempt.status.rawValue])
        case "trainingStatus":
            let report = try await services.training.status(for: user)
            return .json(
                200,
                [
                    "status": report.latestAttempt?.status.rawValue ?? "none",
                    "can_generate": report.canGenerate,
                    "failure": report.latestAttempt?.failure?.userMessage ?? "",
                ])
        case "maya.generate":
            let message = (try? JSONSerialization.jsonObject(with: request.body) as? [String: String])?["message"] ?? ""
            let (reply, generation) = try await services.maya.generate(user: user, from: message)
            guard let generation else { return .json(422, ["error": "no-prompt", "message": reply.text]) }
            return .json(201, ["generation": generation.id.description, "status": generation.status.rawValue])
        case "photoshoot.generate":
            let look = (try? JSONSerialization.jsonObject(with: request.body) as? [String: String])?["look"] ?? ""
            let generation = try await services.generation.generate(user: user, look: PhotoshootLookID(look))
            return .json(201, ["generation": generation.id.description, "status": generation.status.rawValue])
        case "generation":
            guard parts.count == 2, let uuid = UUID(uuidString: parts[1]) else { throw notFoundError }
            let record = try await services.generation.generation(GenerationID(uuid), for: user)
            return .json(
                200,
                [
                    "status": record.status.rawValue, "failure": record.failure?.userMessage ?? "",
                    "prediction": record.predictionID?.rawValue ?? "",
                ])
        case "generations":
            let records = try await services.context.store.generations(for: user, limit: 100)
            return .json(
                200,
                [
                    "generations": records.map {
                        [
                            "id": $0.id.description, "status": $0.status.rawValue,
                            "failure": $0.failure?.userMessage ?? "",
                        ]
                    }
                ])
        case "photos":
            let photos = try await services.generation.photos(for: user)
            return .json(
                200,
                [
                    "photos": photos.map {
                        [
                            "id": $0.id.description, "generation": $0.generationID?.description ?? "",
                            "sha256": $0.sha256,
                        ]
                    }
                ])
        case "photo":
            guard parts.count == 2, let uuid = UUID(uuidString: parts[1]) else { throw notFoundError }
            let (record, data) = try await services.generation.photo(PhotoID(uuid), for: user)
            return FleetResponse(status: 200, contentType: record.contentType, body: data)
        default:
            return .json(404, ["error": "no-route"])
        }
    }

    private nonisolated var notFoundError: SelfieModelKitError {
        SelfieModelKitError(.notFound, rule: "not-found", userMessage: "Not found.")
    }
}
