import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

/// Collects deliveries and answers with scripted statuses.
actor WebhookInbox {
    var received: [SimulatorWebhookDelivery] = []
    var statuses: [Int]

    init(statuses: [Int] = []) { self.statuses = statuses }

    func receive(_ delivery: SimulatorWebhookDelivery) -> Int {
        received.append(delivery)
        return statuses.isEmpty ? 200 : statuses.removeFirst()
    }

    nonisolated var receiver: SimulatorWebhookReceiver { { await self.receive($0) } }
}

@Suite("Simulator webhooks")
struct SimulatorWebhookTests {
    /// Verifies a delivery the Standard Webhooks way, independently of the simulator's signer.
    private func verify(_ delivery: SimulatorWebhookDelivery, secret: String) -> Bool {
        guard let id = delivery.header("webhook-id"), let timestamp = delivery.header("webhook-timestamp"),
            let signatures = delivery.header("webhook-signature"),
            let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))
        else { return false }
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(delivery.body)
        let expected = Data(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key)))
        return signatures.split(separator: " ").contains { entry in
            entry.hasPrefix("v1,") && Data(base64Encoded: String(entry.dropFirst(3))) == expected
        }
    }

    private func startPrediction(
        _ simulator: ReplicateSimulator, events: [String]?
    ) async throws -> (SimCaller, String) {
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        guard case .object(var body) = SimFixtures.predictionBody(version: version) else { fatalError() }
        body["webhook"] = "https://host.example/hooks/replicate"
        if let events { body["webhook_events_filter"] = .array(events.map { .string($0) }) }
        let created = try await caller.json(.post, "/predictions", .object(body))
        return (caller, created.json["id"]!.stringValue!)
    }

    @Test("Every delivery is signed with the account's secret, and the secret endpoint returns it")
    func signatures() async throws {
        let inbox = WebhookInbox()
        let simulator = SimFixtures.simulator(receiver: inbox.receiver)
        let (caller, id) = try await startPrediction(simulator, events: nil)
        await simulator.advance(by: 120)
        let secret = try #require(try await caller.get("/webhooks/default/secret").json["key"]?.stringValue)
        #expect(secret == SimFixtures.alice.webhookSecret)
        let received = await inbox.received.filter { $0.jobID == id }
        #expect(received.map(\.event).first == "start")
        #expect(received.map(\.event).last == "completed")
        #expect(received.contains { $0.event == "logs" })
        #expect(received.contains { $0.event == "output" })
        for delivery in received {
            #expect(verify(delivery, secret: secret))
            #expect(!verify(delivery, secret: SimFixtures.bob.webhookSecret))
        }
        let final = try #require(received.last)
        let body = try JSONValue.parse(final.body)
        #expect(body == (try await caller.get("/predictions/\(id)").json))
    }

    @Test("webhook_events_filter is followed")
    func filter() async throws {
        let inbox = WebhookInbox()
        let simulator = SimFixtures.simulator(receiver: inbox.receiver)
        let (_, id) = try await startPrediction(simulator, events: ["completed"])
        await simulator.advance(by: 120)
        #expect(await inbox.received.filter { $0.jobID == id }.map(\.event) == ["completed"])
    }

    @Test("A failed terminal delivery is retried with the same webhook-id; intermediate ones are not")
    func retries() async throws {
        let inbox = WebhookInbox(statuses: Array(repeating: 500, count: 3))
        let simulator = SimFixtures.simulator(receiver: inbox.receiver)
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        guard case .object(var body) = SimFixtures.predictionBody(version: version) else { return }
        body["webhook"] = "https://host.example/hooks"
        body["webhook_events_filter"] = ["start", "completed"]
        _ = try await caller.json(.post, "/predictions", .object(body))
        await simulator.advance(by: 300)
        let received = await inbox.received
        #expect(received.filter { $0.event == "start" }.count == 1)
        let completed = received.filter { $0.event == "completed" }
        #expect(completed.count == 3)
        #expect(Set(completed.map(\.webhookID)).count == 1)
        #expect(completed.map(\.attempt) == [1, 2, 3])
        #expect(Set(completed.map(\.body)).count == 1)
        let attempts = await simulator.webhookAttempts()
        #expect(attempts.contains { $0.outcome == .delivered(status: 200) })
    }

    @Test("Drop and duplicate faults")
    func dropAndDuplicate() async throws {
        var faults = SimulatorFaults()
        faults.webhookDropRate = 1
        let inbox = WebhookInbox()
        let simulator = SimFixtures.simulator(faults: faults, receiver: inbox.receiver)
        let (_, id) = try await startPrediction(simulator, events: ["completed"])
        await simulator.advance(by: 300)
        #expect(await inbox.received.filter { $0.jobID == id }.isEmpty)
        #expect(await simulator.webhookAttempts().contains { $0.outcome == .dropped && $0.delivery.jobID == id })

        var duplicate = SimulatorFaults()
        duplicate.webhookDuplicateRate = 1
        await simulator.setFaults(duplicate)
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let model = try await caller.get("/models/alice/m").json
        let version = "alice/m:" + model["latest_version"]!["id"]!.stringValue!
        guard case .object(var body) = SimFixtures.predictionBody(version: version) else { return }
        body["webhook"] = "https://host.example/hooks"
        body["webhook_events_filter"] = ["completed"]
        let second = try await caller.json(.post, "/predictions", .object(body)).json["id"]!.stringValue!
        await simulator.advance(by: 300)
        let copies = await inbox.received.filter { $0.jobID == second }
        #expect(copies.count == 2)
        #expect(copies[0].webhookID == copies[1].webhookID)
    }

    @Test("Delay and reorder faults hold deliveries back; everything still arrives, signed")
    func delayAndReorder() async throws {
        var faults = SimulatorFaults()
        faults.webhookDelayRate = 1
        faults.webhookMaxDelay = 20
        faults.webhookReorderRate = 1
        let inbox = WebhookInbox()
        let simulator = SimFixtures.simulator(faults: faults, receiver: inbox.receiver)
        let (caller, id) = try await startPrediction(simulator, events: nil)
        await simulator.advance(by: 600)
        let final = try await caller.get("/predictions/\(id)").json
        let completedAt = try #require(final["completed_at"]?.stringValue)
        let attempts = await simulator.webhookAttempts().filter { $0.delivery.jobID == id }
        let completed = try #require(attempts.first { $0.delivery.event == "completed" })
        #expect(SimulatorDate.string(completed.at) > completedAt)
        #expect(attempts.allSatisfy { $0.outcome == .delivered(status: 200) })
        let events = await inbox.received.filter { $0.jobID == id }.map(\.event)
        #expect(Set(events) == ["start", "logs", "output", "completed"])
        for delivery in await inbox.received where delivery.jobID == id {
            #expect(verify(delivery, secret: SimFixtures.alice.webhookSecret))
        }
    }

    @Test("Without a receiver, deliveries are logged as undeliverable")
    func noReceiver() async throws {
        let simulator = SimFixtures.simulator()
        _ = try await startPrediction(simulator, events: ["completed"])
        await simulator.advance(by: 120)
        #expect(await simulator.webhookAttempts().contains { $0.outcome == .noReceiver })
    }
}
