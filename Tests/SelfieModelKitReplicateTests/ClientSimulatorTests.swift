import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@testable import SelfieModelKitReplicate

/// The client against the in-process simulator, whose JSON and behaviour were written independently from
/// Replicate's documentation: a mismatch in either shows up here.
@Suite("ReplicateClient against the in-process simulator")
struct ClientSimulatorTests {
    static let token = "r8_client_flow_token"
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 5 % 251) }).base64EncodedString()

    @Test("model, upload, training with progress, version schema, generation, outputs, and signed webhooks")
    func wholeFlow() async throws {
        // The host's webhook endpoint: verifies each delivery when it arrives, on the simulator's clock.
        let deliveries = LockedValue([(delivery: SimulatorWebhookDelivery, outcome: String)]())
        let clock = LockedValue<SimulatorClock?>(nil)
        let verifier = try WebhookVerifier(
            secrets: [WebhookSecret(Self.secret)], receipts: ReceiptStore(),
            now: { clock.current?.now ?? Date() })
        let simulator = ReplicateSimulator(
            accounts: [SimulatorAccount(owner: "sandrasocial", token: Self.token, webhookSecret: Self.secret)],
            webhookReceiver: { delivery in
                var headers = HTTPFields()
                for header in delivery.headers { headers[HTTPField.Name(header.name)!] = header.value }
                let outcome: String
                do {
                    switch try await verifier.verify(headers: headers, body: delivery.body, as: .training) {
                    case .fresh(let webhook): outcome = "fresh \(webhook.event.kind)"
                    case .replay: outcome = "replay"
                    }
                } catch {
                    outcome = "refused \(error)"
                }
                deliveries.withLock { $0.append((delivery, outcome)) }
                return outcome.hasPrefix("refused") ? 401 : 200
            })
        clock.withLock { $0 = simulator.clock }
        let client = try ReplicateClient(
            token: APIToken(Self.token), transport: simulator, clock: VirtualClock().clock)
        let user = AuthenticatedUser.verifiedByHost(try UserID("42"), via: "test")
        let modelID = ReplicateModelID.selfieModel(for: user.id, owner: .sandrasocial)

        let model = try await client.createModel(modelID, description: "user42", for: user.id)
        #expect(model.id == modelID)
        #expect(model.latestVersion == nil)
        let duplicate = await #expect(throws: ReplicateError.self) { try await client.createModel(modelID) }
        #expect(duplicate?.code == .conflict)

        let zip = try SyntheticSelfies.zip(SyntheticSelfies.make(count: 3, seed: 5, width: 64, height: 80))
        let file = try await client.uploadFile(
            zip, filename: "user42.zip", contentType: "application/zip", metadata: .object(["user": .string("42")]),
            for: user.id)
        #expect(file.size == zip.count)
        let archiveURL = try #require(file.url)

        let webhook = try WebhookTarget(
            url: URL(string: "https://studio.example/webhooks/replicate/training")!, events: [.start, .completed])
        let request = try TrainingRequest(
            for: user, owner: .sandrasocial, inputImagesURL: archiveURL, webhook: webhook)
        let started = try await client.createTraining(request)
        #expect(!started.status.isTerminal)

        await simulator.advance(by: 10 * 60)
        let running = try await client.training(started.id, for: user.id)
        #expect(running.status == .processing)
        let progress = try #require(running.progress)
        #expect(progress.fraction > 0 && progress.fraction < 1)

        await simulator.advance(by: 40 * 60)
        let finished = try await client.training(started.id, for: user.id)
        #expect(finished.status == .succeeded)
        let output = try #require(finished.trainingOutput)
        #expect(output.model == nil || output.model == modelID)
        #expect(output.weights != nil)
        #expect(finished.progress?.fraction == 1)

        let version = try await client.version(output.version, of: modelID, for: user.id)
        #expect(version.id == output.version)
        #expect(version.inputPropertyNames.contains("guidance_scale"))
        #expect(!version.inputPropertyNames.contains("guidance"))
        #expect((try await client.model(modelID)).latestVersion?.id == output.version)

        let secret = try await client.defaultWebhookSecret()
        #expect(secret.revealForSigning() == Self.secret)
        let received = deliveries.current
        #expect(received.contains { $0.delivery.event == "completed" })
        #expect(
            received.allSatisfy { $0.outcome == "fresh training" || $0.outcome == "replay" },
            "\(received.map(\.outcome))")
        #expect(
            received.filter { $0.outcome.hasPrefix("fresh") }.count == Set(received.map(\.delivery.webhookID)).count)
        let completed = try #require(received.last { $0.delivery.event == "completed" }?.delivery)
        guard case .training(let delivered) = try WebhookEvent(decoding: completed.body) else {
            Issue.record("the completed delivery is not a training")
            return
        }
        #expect(delivered.id == started.id)
        #expect(delivered.status == .succeeded)

        let record = UserModelRecord(
            userID: user.id, replicateModelID: modelID, replicateVersionID: output.version,
            triggerWord: TriggerWord(for: user.id), trainingStatus: .completed, createdAt: simulator.clock.now,
            updatedAt: simulator.clock.now)
        let trained = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
        let generation = try GenerationRequest(
            model: trained, prompt: UserPrompt("user42 in a linen suit on a terrace", for: trained),
            seed: GenerationSeed(1234))
        let created = try await client.createPrediction(generation, wait: .seconds(60))
        var prediction = created
        if !prediction.status.isTerminal {
            await simulator.advance(by: 120)
            prediction = try await client.prediction(created.id, for: user.id)
        }
        #expect(prediction.status == .succeeded)
        #expect(prediction.versionID == output.version)
        #expect(prediction.outputURLs.count == 3)
        for url in prediction.outputURLs {
            let png = try await client.download(url, for: user.id)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        let downloads = await simulator.recordedRequests().filter { $0.method == "GET" && $0.path.hasSuffix(".png") }
        #expect(downloads.count == 3)
    }

    @Test("a wrong token is 401 unauthenticated; another account's model is 404")
    func errors() async throws {
        let simulator = ReplicateSimulator(accounts: [
            SimulatorAccount(owner: "sandrasocial", token: Self.token),
            SimulatorAccount(owner: "someoneelse", token: "r8_other_token"),
        ])
        let wrong = try ReplicateClient(
            token: APIToken("r8_not_a_token"), transport: simulator, clock: VirtualClock().clock)
        let unauthenticated = await #expect(throws: ReplicateError.self) {
            try await wrong.model(.selfieModel(for: UserID("42"), owner: .sandrasocial))
        }
        #expect(unauthenticated?.code == .unauthenticated)
        #expect(unauthenticated.map { String(reflecting: $0).contains("r8_not_a_token") } == false)

        let owner = try ReplicateClient(token: APIToken(Self.token), transport: simulator, clock: VirtualClock().clock)
        let other = try ReplicateClient(
            token: APIToken("r8_other_token"), transport: simulator, clock: VirtualClock().clock)
        let modelID = ReplicateModelID.selfieModel(for: try UserID("42"), owner: .sandrasocial)
        _ = try await owner.createModel(modelID)
        let hidden = await #expect(throws: ReplicateError.self) { try await other.model(modelID) }
        #expect(hidden?.code == .notFound)
    }

    /// Trains user 42's model through the client and returns the usable model.
    static func trainedModel(
        _ simulator: ReplicateSimulator, _ client: ReplicateClient, user: AuthenticatedUser
    ) async throws -> TrainedUserModel {
        let modelID = ReplicateModelID.selfieModel(for: user.id, owner: .sandrasocial)
        _ = try await client.createModel(modelID)
        let zip = try SyntheticSelfies.zip(SyntheticSelfies.make(count: 2, seed: 9, width: 64, height: 80))
        let file = try await client.uploadFile(zip, filename: "selfies.zip", contentType: "application/zip")
        let training = try await client.createTraining(
            TrainingRequest(for: user, owner: .sandrasocial, inputImagesURL: try #require(file.url)))
        await simulator.advance(by: 60 * 60)
        let version = try #require(try await client.training(training.id).trainingOutput?.version)
        let record = UserModelRecord(
            userID: user.id, replicateModelID: modelID, replicateVersionID: version,
            triggerWord: TriggerWord(for: user.id), trainingStatus: .completed, createdAt: simulator.clock.now,
            updatedAt: simulator.clock.now)
        return try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
    }

    @Test("throttled by the simulator's real limits, every create still succeeds: the 429s never surface")
    func throttling() async throws {
        var configuration = ReplicateSimulator.Configuration(accounts: [
            SimulatorAccount(owner: "sandrasocial", token: Self.token)
        ])
        configuration.rateLimits = SimulatorRateLimits(predictionCreatesPerMinute: 4, burstAllowance: 0)
        let simulator = ReplicateSimulator(configuration: configuration)
        // The client waits on the simulator's time, and its own budget is far above the simulator's limit.
        let clock = SchedulingClock(
            now: { simulator.clock.now }, sleep: { await simulator.advance(by: $0.seconds) })
        let budget = RateBudget(
            limits: .init(predictionCreate: RateLimit(requestsPerMinute: 100_000)), clock: clock)
        let client = try ReplicateClient(
            token: APIToken(Self.token), transport: simulator, budget: budget, clock: clock)
        let user = AuthenticatedUser.verifiedByHost(try UserID("42"), via: "test")
        let model = try await Self.trainedModel(simulator, client, user: user)

        var ids: Set<PredictionID> = []
        for seed in 0..<10 {
            let request = try GenerationRequest(
                model: model, prompt: UserPrompt("user42 portrait", for: model), seed: GenerationSeed(seed))
            ids.insert(try await client.createPrediction(request).id)
        }
        #expect(ids.count == 10)
        let creates = await simulator.recordedRequests().filter { $0.method == "POST" && $0.path == "/v1/predictions" }
        #expect(creates.contains { $0.status == 429 })
        #expect(creates.filter { $0.status == 201 }.count == 10)
    }

    @Test("a budget at the simulator's limit paces creates so no 429 happens at all")
    func pacing() async throws {
        var configuration = ReplicateSimulator.Configuration(accounts: [
            SimulatorAccount(owner: "sandrasocial", token: Self.token)
        ])
        configuration.rateLimits = SimulatorRateLimits(predictionCreatesPerMinute: 4, burstAllowance: 0)
        let simulator = ReplicateSimulator(configuration: configuration)
        let clock = SchedulingClock(
            now: { simulator.clock.now }, sleep: { await simulator.advance(by: $0.seconds) })
        let budget = RateBudget(
            limits: .init(predictionCreate: RateLimit(requestsPerMinute: 4, burst: 1)), clock: clock)
        let client = try ReplicateClient(
            token: APIToken(Self.token), transport: simulator, budget: budget, clock: clock)
        let user = AuthenticatedUser.verifiedByHost(try UserID("42"), via: "test")
        let model = try await Self.trainedModel(simulator, client, user: user)

        for seed in 0..<6 {
            let request = try GenerationRequest(
                model: model, prompt: UserPrompt("user42 portrait", for: model), seed: GenerationSeed(seed))
            _ = try await client.createPrediction(request)
        }
        let creates = await simulator.recordedRequests().filter { $0.method == "POST" && $0.path == "/v1/predictions" }
        #expect(creates.count == 6)
        #expect(creates.allSatisfy { $0.status == 201 })
    }
}
