import Crypto
import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

@testable import SelfieModelKitReplicate

/// Remembers webhook ids, as a host's store does.
actor ReceiptStore: WebhookReceiptStore {
    private var seen: [String: Date] = [:]

    func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) -> Bool {
        guard seen[webhookID] == nil else { return false }
        seen[webhookID] = receivedAt
        return true
    }

    var count: Int { seen.count }
}

@Suite("Webhook verification (Standard Webhooks)")
struct WebhookVerifierTests {
    static let secretBytes = Data((0..<24).map { UInt8($0 * 7 % 256) })
    static let secret = try! WebhookSecret("whsec_" + secretBytes.base64EncodedString())
    static let oldSecretBytes = Data((0..<32).map { UInt8(255 - $0) })
    static let oldSecret = try! WebhookSecret("whsec_" + oldSecretBytes.base64EncodedString())
    static let now = Date(timeIntervalSince1970: 1_752_660_000)

    static func sign(_ id: String, _ timestamp: String, _ body: Data, key: Data) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    static func verifier(
        secrets: [WebhookSecret] = [secret], store: ReceiptStore = ReceiptStore(), at date: Date = now
    ) throws -> WebhookVerifier {
        try WebhookVerifier(secrets: secrets, receipts: store, now: { date })
    }

    static let predictionBody = Data(Fixtures.predictionJSON.utf8)
    static let trainingBody = Data(
        Fixtures.trainingJSON(outputVersion: "sandrasocial/42-selfie-lora:\(Fixtures.versionHash)").utf8)
    static let timestamp = "1752660000"

    @Test("the Standard Webhooks reference vector verifies")
    func referenceVector() throws {
        let verifier = try WebhookVerifier(
            secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")], receipts: ReceiptStore(),
            now: { Date(timeIntervalSince1970: 1_614_265_330) })
        let sentAt = try verifier.verifySignature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
            signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(sentAt.timeIntervalSince1970 == 1_614_265_330)
    }

    @Test("a valid prediction delivery is fresh, then a replay")
    func validThenReplay() async throws {
        let store = ReceiptStore()
        let verifier = try Self.verifier(store: store)
        let signature = Self.sign("msg_1", Self.timestamp, Self.predictionBody, key: Self.secretBytes)
        var headers = HTTPFields()
        headers[HTTPField.Name("webhook-id")!] = "msg_1"
        headers[HTTPField.Name("webhook-timestamp")!] = Self.timestamp
        headers[HTTPField.Name("webhook-signature")!] = signature
        let first = try await verifier.verify(headers: headers, body: Self.predictionBody)
        guard case .fresh(let webhook) = first, case .prediction(let prediction) = webhook.event else {
            Issue.record("expected a fresh prediction, got \(first)")
            return
        }
        #expect(prediction.id.rawValue == "gm3qorzdhgbfurvjtvhg6dckhu")
        #expect(webhook.id == "msg_1")
        let second = try await verifier.verify(headers: headers, body: Self.predictionBody)
        guard case .replay = second else {
            Issue.record("expected a replay, got \(second)")
            return
        }
        #expect(await store.count == 1)
    }

    @Test("a training body is told from a prediction, with or without the caller's hint")
    func trainingKind() async throws {
        let verifier = try Self.verifier()
        let signature = Self.sign("msg_t", Self.timestamp, Self.trainingBody, key: Self.secretBytes)
        let delivery = try await verifier.verify(
            id: "msg_t", timestamp: Self.timestamp, signature: signature, body: Self.trainingBody)
        guard case .training(let training) = delivery.webhook.event else {
            Issue.record("expected a training")
            return
        }
        #expect(training.trainingOutput?.version.rawValue == Fixtures.versionHash)
        #expect(try WebhookEvent(decoding: Self.trainingBody).kind == .training)
        #expect(try WebhookEvent(decoding: Self.predictionBody).kind == .prediction)
        #expect(try WebhookEvent(decoding: Self.predictionBody, as: .prediction).kind == .prediction)
    }

    @Test(
        "without a hint, each training marker alone makes a training; none makes a prediction",
        arguments: [
            (#"{"id":"a1","status":"starting","destination":"sandrasocial/42-selfie-lora"}"#, WebhookKind.training),
            (#"{"id":"a1","status":"succeeded","output":{"version":"x","weights":"https://r.test/w.tar"}}"#, .training),
            (#"{"id":"a1","status":"starting","input":{"input_images":"https://r.test/a.zip"}}"#, .training),
            (#"{"id":"a1","status":"starting","urls":{"get":"https://api.replicate.com/v1/trainings/a1"}}"#, .training),
            (
                #"{"id":"a1","status":"starting","urls":{"get":"https://api.replicate.com/v1/predictions/a1"}}"#,
                .prediction
            ),
            (
                #"{"id":"a1","status":"succeeded","output":["https://r.test/1.png"],"input":{"prompt":"x"}}"#,
                .prediction
            ),
        ])
    func kindProbe(json: String, kind: WebhookKind) throws {
        #expect(try WebhookEvent(decoding: Data(json.utf8)).kind == kind)
    }

    @Test("a forged signature is refused and records nothing")
    func forged() async throws {
        let store = ReceiptStore()
        let verifier = try Self.verifier(store: store)
        let forged = Self.sign("msg_2", Self.timestamp, Self.predictionBody, key: Data(repeating: 1, count: 24))
        let error = await #expect(throws: ReplicateError.self) {
            try await verifier.verify(
                id: "msg_2", timestamp: Self.timestamp, signature: forged, body: Self.predictionBody)
        }
        #expect(error?.code == .webhookSignature)
        #expect(await store.count == 0)
    }

    @Test("a body larger than the inline limit verifies, and a change in its last byte is refused")
    func largeBody() throws {
        let logs = String(repeating: "flux_train_replicate:  42%|####      | 420/1000 [07:01<09:40]\n", count: 600)
        let body = Data(Fixtures.trainingJSON(status: "processing", logs: logs).utf8)
        #expect(body.count > WebhookVerifier.inlineBodyLimit)
        let verifier = try Self.verifier()
        let signature = Self.sign("msg_big", Self.timestamp, body, key: Self.secretBytes)
        _ = try verifier.verifySignature(id: "msg_big", timestamp: Self.timestamp, signature: signature, body: body)
        var altered = body
        altered[altered.index(before: altered.endIndex)] = 0x20
        #expect(throws: ReplicateError.self) {
            try verifier.verifySignature(id: "msg_big", timestamp: Self.timestamp, signature: signature, body: altered)
        }
    }

    @Test("an altered body is refused")
    func alteredBody() async throws {
        let verifier = try Self.verifier()
        let signature = Self.sign("msg_3", Self.timestamp, Self.predictionBody, key: Self.secretBytes)
        var altered = Self.predictionBody
        altered.replaceSubrange(altered.startIndex..<altered.index(after: altered.startIndex), with: Data(" ".utf8))
        let error = await #expect(throws: ReplicateError.self) {
            try await verifier.verify(id: "msg_3", timestamp: Self.timestamp, signature: signature, body: altered)
        }
        #expect(error?.code == .webhookSignature)
        let otherID = await #expect(throws: ReplicateError.self) {
            try await verifier.verify(
                id: "msg_other", timestamp: Self.timestamp, signature: signature, body: Self.predictionBody)
        }
        #expect(otherID?.code == .webhookSignature)
    }

    @Test(
        "stale and future timestamps are refused even when signed; the edges are accepted",
        arguments: [
            (-301, false), (-300, true), (0, true), (300, true), (301, false), (-86_400, false), (86_400, false),
        ])
    func timestamps(offset: Int, accepted: Bool) async throws {
        let verifier = try Self.verifier()
        let timestamp = String(Int(Self.now.timeIntervalSince1970) + offset)
        let signature = Self.sign("msg_ts\(offset)", timestamp, Self.predictionBody, key: Self.secretBytes)
        do {
            _ = try await verifier.verify(
                id: "msg_ts\(offset)", timestamp: timestamp, signature: signature, body: Self.predictionBody)
            #expect(accepted)
        } catch let error as ReplicateError {
            #expect(!accepted)
            #expect(error.code == .webhookTimestamp)
        }
    }

    @Test("the tolerance is configurable")
    func tolerance() throws {
        let verifier = try WebhookVerifier(
            secrets: [Self.secret], receipts: ReceiptStore(), tolerance: .seconds(10), now: { Self.now })
        let timestamp = String(Int(Self.now.timeIntervalSince1970) - 11)
        let signature = Self.sign("msg", timestamp, Self.predictionBody, key: Self.secretBytes)
        #expect(throws: ReplicateError.self) {
            try verifier.verifySignature(
                id: "msg", timestamp: timestamp, signature: signature, body: Self.predictionBody)
        }
    }

    @Test(
        "missing headers are named",
        arguments: [
            (nil, "1752660000", "v1,x", "webhook-id"),
            ("msg", nil, "v1,x", "webhook-timestamp"),
            ("msg", "1752660000", nil, "webhook-signature"),
            ("", "1752660000", "v1,x", "webhook-id"),
        ] as [(String?, String?, String?, String)])
    func missingHeaders(id: String?, timestamp: String?, signature: String?, missing: String) throws {
        let verifier = try Self.verifier()
        let error = #expect(throws: ReplicateError.self) {
            try verifier.verifySignature(id: id, timestamp: timestamp, signature: signature, body: Self.predictionBody)
        }
        #expect(error?.code == .webhookMissingHeader)
        #expect(error?.detail?.contains(missing) == true)
    }

    @Test(
        "a non-numeric timestamp is refused", arguments: ["", "abc", "1752660000.5", "-1752660000", "99999999999999"])
    func badTimestamp(timestamp: String) throws {
        let verifier = try Self.verifier()
        let error = #expect(throws: ReplicateError.self) {
            try verifier.verifySignature(
                id: "msg", timestamp: timestamp,
                signature: Self.sign("msg", timestamp, Self.predictionBody, key: Self.secretBytes),
                body: Self.predictionBody)
        }
        #expect(error?.code == .webhookTimestamp)
    }

    @Test("rotation: old and new signatures side by side, and old and new secrets side by side")
    func rotation() throws {
        let body = Self.predictionBody
        let new = Self.sign("msg_r", Self.timestamp, body, key: Self.secretBytes)
        let old = Self.sign("msg_r", Self.timestamp, body, key: Self.oldSecretBytes)
        let newOnly = try Self.verifier(secrets: [Self.secret])
        let oldOnly = try Self.verifier(secrets: [Self.oldSecret])
        let both = try Self.verifier(secrets: [Self.secret, Self.oldSecret])
        for verifier in [newOnly, oldOnly, both] {
            _ = try verifier.verifySignature(
                id: "msg_r", timestamp: Self.timestamp, signature: "\(old) \(new)", body: body)
        }
        _ = try both.verifySignature(id: "msg_r", timestamp: Self.timestamp, signature: old, body: body)
        _ = try both.verifySignature(id: "msg_r", timestamp: Self.timestamp, signature: new, body: body)
        #expect(throws: ReplicateError.self) {
            try newOnly.verifySignature(id: "msg_r", timestamp: Self.timestamp, signature: old, body: body)
        }
    }

    @Test("malformed entries are skipped; a valid entry among them still verifies")
    func malformedEntries() throws {
        let verifier = try Self.verifier()
        let body = Self.predictionBody
        let valid = Self.sign("msg_m", Self.timestamp, body, key: Self.secretBytes)
        let validMAC = String(valid.dropFirst(3))
        let junk = [
            "v1,", "v1", ",,,", "v1,not-base64!!", "v2,\(validMAC)", "v1a,\(validMAC)", "v1,\(validMAC.dropLast(4))",
            "V1,\(validMAC)", "v1,\(validMAC)AAAA",
        ]
        for entry in junk {
            let error = #expect(throws: ReplicateError.self, "entry \(entry)") {
                try verifier.verifySignature(id: "msg_m", timestamp: Self.timestamp, signature: entry, body: body)
            }
            #expect(error?.code == .webhookSignature)
        }
        let mixed = junk.joined(separator: " ") + "  " + valid
        _ = try verifier.verifySignature(id: "msg_m", timestamp: Self.timestamp, signature: mixed, body: body)
    }

    @Test("bad secrets are refused without showing them")
    func badSecrets() throws {
        let error = #expect(throws: ReplicateError.self) {
            try WebhookVerifier(secrets: [WebhookSecret("whsec_***not base64***")], receipts: ReceiptStore())
        }
        #expect(error?.code == .webhookSecretFormat)
        #expect(error.map { "\($0) \(String(reflecting: $0))".contains("not base64") } == false)
        #expect(throws: ReplicateError.self) { try WebhookVerifier(secrets: [], receipts: ReceiptStore()) }
    }

    @Test("an unpadded signature is accepted; a padded one with another last character is not")
    func unpadded() throws {
        let verifier = try Self.verifier()
        let valid = Self.sign("msg_u", Self.timestamp, Self.predictionBody, key: Self.secretBytes)
        #expect(valid.hasSuffix("="))
        _ = try verifier.verifySignature(
            id: "msg_u", timestamp: Self.timestamp, signature: String(valid.dropLast()), body: Self.predictionBody)
        #expect(throws: ReplicateError.self) {
            try verifier.verifySignature(
                id: "msg_u", timestamp: Self.timestamp, signature: String(valid.dropLast()) + "A",
                body: Self.predictionBody)
        }
    }

    @Test("the MAC encoder agrees with Foundation's base64 for every length")
    func base64() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 89 &+ 7) }
            let ours = bytes.withUnsafeBytes { Base64.encode($0) }
            #expect(String(decoding: ours, as: UTF8.self) == Data(bytes).base64EncodedString(), "length \(length)")
        }
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        let a: [UInt8] = Array(0..<32)
        var b = a
        #expect(WebhookVerifier.constantTimeEquals(a, b))
        b[31] ^= 1
        #expect(!WebhookVerifier.constantTimeEquals(a, b))
        #expect(!WebhookVerifier.constantTimeEquals(a, Array(a.dropLast())))
    }
}
