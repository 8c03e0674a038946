import Crypto
import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

/// Collects webhook deliveries instead of handing them to the studio.
actor DeliveryBox {
    private(set) var deliveries: [SimulatorWebhookDelivery] = []
    func append(_ delivery: SimulatorWebhookDelivery) { deliveries.append(delivery) }
}

/// Standard Webhooks headers signed with `secret` (`whsec_<base64>`).
func signedHeaders(
    id: String, timestamp: Date, body: Data, secret: String = StudioHarness.webhookSecretText
)
    -> HTTPFields
{
    let seconds = String(Int(timestamp.timeIntervalSince1970))
    let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst("whsec_".count)))!)
    var content = Data("\(id).\(seconds).".utf8)
    content.append(body)
    let signature = Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
    var fields = HTTPFields()
    fields[HTTPField.Name("webhook-id")!] = id
    fields[HTTPField.Name("webhook-timestamp")!] = seconds
    fields[HTTPField.Name("webhook-signature")!] = "v1,\(signature)"
    fields[.contentType] = "application/json"
    return fields
}

@Suite("Webhooks: lost, repeated, forged, stale")
struct WebhookTests {
    @Test(
        "all webhooks dropped: every training and generation completes through the reconciler",
        arguments: StoreFactory.all)
    func allWebhooksDropped(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.faults.webhookDropRate = 1
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }

        let users = [try studio.user("drop1"), try studio.user("drop2")]
        for (index, user) in users.enumerated() {
            try await studio.addSyntheticSelfies(for: user, seed: UInt64(20 + index))
            _ = try await studio.training.startTraining(for: user)
        }
        // Without the reconciler nothing moves on, however long we wait.
        try await studio.advance(by: 3 * 3600)
        for user in users {
            #expect(try await studio.training.status(for: user).latestAttempt?.status.isTerminal == false)
        }
        for user in users {
            #expect(try await studio.finishTraining(for: user, reconcile: true).status == .succeeded)
            #expect(try await studio.store.userModel(for: user)?.trainingStatus == .completed)
        }
        var started: [(AuthenticatedUser, GenerationRecord)] = []
        for user in users {
            started.append((user, try await studio.generation.generate(user: user, look: studio.firstLook)))
            let (_, maya) = try await studio.maya.generate(
                user: user, from: "Editorial portrait in a café in Paris, golden light. Surprise me.")
            started.append((user, try #require(maya)))
        }
        try await studio.advance(by: 600)
        for (user, generation) in started {
            #expect(try await studio.generation.generation(generation.id, for: user).status.isTerminal == false)
        }
        for (user, generation) in started {
            let done = try await studio.finish(generation, for: user, reconcile: true)
            #expect(done.status == .succeeded)
        }
        for user in users {
            #expect(try await studio.generation.photos(for: user).count == 6)
        }
        let attempts = await studio.simulator.webhookAttempts()
        #expect(!attempts.isEmpty)
        #expect(attempts.allSatisfy { $0.outcome == .dropped })
    }

    @Test(
        "duplicate deliveries change nothing; forged and stale ones get 401 and change nothing",
        arguments: StoreFactory.all)
    func duplicateForgedStale(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("hook5")

        // A training's completed delivery, handled a second time, is acknowledged and changes nothing.
        let trainingCompleted = try #require(
            await studio.simulator.webhookAttempts().last { $0.delivery.event == "completed" }?.delivery)
        let modelBefore = try await studio.store.userModel(for: user)
        let attemptsBefore = try await studio.training.status(for: user).latestAttempt
        let replayed = await studio.webhooks.handle(
            headers: trainingCompleted.headerFields, rawBody: trainingCompleted.body)
        #expect(replayed.httpStatus == 200)
        #expect(try await studio.store.userModel(for: user) == modelBefore)
        #expect(try await studio.training.status(for: user).latestAttempt == attemptsBefore)

        // Capture a generation's deliveries instead of applying them.
        let box = DeliveryBox()
        await studio.simulator.setWebhookReceiver { delivery in
            await box.append(delivery)
            return 200
        }
        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        try await studio.advance(by: 120)
        let completed = try #require(await box.deliveries.first { $0.event == "completed" })
        let webhookID = try #require(completed.header("webhook-id"))
        #expect(try await studio.generation.generation(started.id, for: user).status.isTerminal == false)

        func unchanged() async throws {
            let current = try await studio.generation.generation(started.id, for: user)
            #expect(!current.status.isTerminal)
            #expect(try await studio.generation.photos(for: user).isEmpty)
            #expect(await studio.images.keys(of: user.id).count == 12)
        }

        // Forged: the body was changed after signing.
        var tampered = completed.body
        tampered.append(contentsOf: Array(" ".utf8))
        let forgedBody = await studio.webhooks.handle(headers: completed.headerFields, rawBody: tampered)
        #expect(forgedBody.httpStatus == 401)
        try await unchanged()

        // Forged: signed with a secret that is not the account's.
        let otherSecret = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()
        let forgedSecret = await studio.webhooks.handle(
            headers: signedHeaders(id: "msg_forged", timestamp: studio.now, body: completed.body, secret: otherSecret),
            rawBody: completed.body)
        #expect(forgedSecret.httpStatus == 401)
        try await unchanged()

        // Forged: no signature at all.
        var unsigned = completed.headerFields
        unsigned[HTTPField.Name("webhook-signature")!] = nil
        #expect(await studio.webhooks.handle(headers: unsigned, rawBody: completed.body).httpStatus == 401)
        try await unchanged()

        // Stale: correctly signed, but ten minutes old (and with the genuine id, which must not be burnt).
        let stale = await studio.webhooks.handle(
            headers: signedHeaders(id: webhookID, timestamp: studio.now.addingTimeInterval(-600), body: completed.body),
            rawBody: completed.body)
        #expect(stale.httpStatus == 401)
        try await unchanged()

        // The genuine delivery still applies.
        let genuine = await studio.webhooks.handle(headers: completed.headerFields, rawBody: completed.body)
        #expect(genuine.httpStatus == 200)
        let applied = try await studio.generation.generation(started.id, for: user)
        #expect(applied.status == .succeeded)
        let photos = try await studio.generation.photos(for: user)
        #expect(photos.count == 3)
        let keys = await studio.images.keys(of: user.id)

        // Duplicate: the same delivery again, and the same event under a new id, change nothing.
        let duplicate = await studio.webhooks.handle(headers: completed.headerFields, rawBody: completed.body)
        #expect(duplicate.httpStatus == 200)
        let resent = await studio.webhooks.handle(
            headers: signedHeaders(id: "msg_resent_\(webhookID)", timestamp: studio.now, body: completed.body),
            rawBody: completed.body)
        #expect(resent.httpStatus == 200)
        #expect(try await studio.generation.generation(started.id, for: user) == applied)
        #expect(try await studio.generation.photos(for: user) == photos)
        #expect(await studio.images.keys(of: user.id) == keys)
    }
}
