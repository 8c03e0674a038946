import Crypto
import Foundation
import HTTPTypes
import SelfieModelKit

/// Verifies Replicate's webhooks the Standard Webhooks way, then drops replays.
///
/// For each delivery it checks, in this order:
/// 1. the three headers `webhook-id`, `webhook-timestamp` and `webhook-signature` are present;
/// 2. the timestamp lies within ``tolerance`` of now, in the past or the future (a stale or
///    post-dated delivery is refused even when correctly signed);
/// 3. one of the space-separated `v1,<base64>` entries of `webhook-signature` equals
///    HMAC-SHA256(`id.timestamp.rawBody`) under one of the configured secrets (several secrets and
///    several entries cover a secret rotation), compared in constant time; malformed entries and other
///    versions are skipped;
/// 4. the body decodes to a training or a prediction;
/// 5. the `webhook-id` is new to the `SelfieModelKit/WebhookReceiptStore`; a replay comes back as
///    ``WebhookDelivery/replay(_:)`` so the host answers 2xx and applies nothing.
///
/// Verify the RAW body bytes exactly as received: parsing and re-serialising JSON changes them.
/// The receipt is stored before the host applies the event; if applying then fails, Replicate's retry
/// is dropped as a replay and the reconciler (polling) brings the job to its end state.
public struct WebhookVerifier: Sendable {
    /// Five minutes, as the Standard Webhooks specification recommends.
    public static let defaultTolerance: Duration = .seconds(300)

    private let keys: [SigningKey]
    private let receipts: any WebhookReceiptStore
    private let now: @Sendable () -> Date
    /// How far a delivery's timestamp may lie from now, either way.
    public let tolerance: Duration

    /// Creates a verifier.
    /// - Parameters:
    ///   - secrets: the current secret first, and during a rotation the previous one too.
    ///   - receipts: where delivered `webhook-id`s are remembered (the host's store).
    ///   - tolerance: how far the timestamp may lie from now; 5 minutes by default.
    ///   - now: the clock; injectable for tests.
    /// - Throws: ``ReplicateError`` with code `.webhookSecretFormat` when a secret is not
    ///   `whsec_<base64>` (or bare base64), or when no secret is given.
    public init(
        secrets: [WebhookSecret], receipts: any WebhookReceiptStore, tolerance: Duration = defaultTolerance,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        guard !secrets.isEmpty else {
            throw ReplicateError(.webhookSecretFormat, detail: "At least one webhook secret is required.")
        }
        self.keys = try secrets.map(Self.key(from:))
        self.receipts = receipts
        self.tolerance = tolerance
        self.now = now
    }

    /// Verifies a delivery given the request's header fields and raw body.
    /// - Parameter kind: what the body holds, when the host knows it from the webhook URL; otherwise
    ///   ``WebhookEvent/init(decoding:as:)`` tells from the body.
    /// - Throws: ``ReplicateError`` (`.webhookMissingHeader`, `.webhookTimestamp`, `.webhookSignature`,
    ///   `.decoding`) or the receipt store's error. Answer 4xx for the first three, so a forger learns
    ///   nothing and Replicate stops retrying a delivery that can never verify.
    public func verify(headers: HTTPFields, body: Data, as kind: WebhookKind? = nil) async throws -> WebhookDelivery {
        try await verify(
            id: headers[.webhookID], timestamp: headers[.webhookTimestamp], signature: headers[.webhookSignature],
            body: body, as: kind)
    }

    /// Verifies a delivery given the three header values and the raw body.
    public func verify(
        id: String?, timestamp: String?, signature: String?, body: Data, as kind: WebhookKind? = nil
    ) async throws -> WebhookDelivery {
        let receivedAt = now()
        let sentAt = try verifySignature(id: id, timestamp: timestamp, signature: signature, body: body, at: receivedAt)
        let event: WebhookEvent
        do {
            event = try WebhookEvent(decoding: body, as: kind)
        } catch {
            throw ReplicateError(
                .decoding,
                detail: "The webhook body is not a training or prediction: \(ReplicateClient.describe(error))")
        }
        let webhook = VerifiedWebhook(id: id ?? "", sentAt: sentAt, event: event)
        let isNew = try await receipts.systemRecordWebhookReceipt(webhook.id, receivedAt: receivedAt)
        return isNew ? .fresh(webhook) : .replay(webhook)
    }

    /// Checks headers, timestamp and signature only, without decoding or the receipt store.
    /// - Returns: the delivery's timestamp.
    public func verifySignature(
        id: String?, timestamp: String?, signature: String?, body: Data, at date: Date? = nil
    ) throws -> Date {
        guard let id, !id.isEmpty, let timestamp, let signature else {
            let missing = [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature)]
                .filter { $0.1 == nil || $0.1?.isEmpty == true }.map(\.0)
            throw ReplicateError(.webhookMissingHeader, detail: "Missing \(missing.joined(separator: ", ")).")
        }
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let seconds = Int64(timestamp)
        else {
            throw ReplicateError(.webhookTimestamp, detail: "webhook-timestamp is not a number of seconds.")
        }
        let sentAt = Date(timeIntervalSince1970: Double(seconds))
        let skew = sentAt.timeIntervalSince(date ?? now())
        guard abs(skew) <= tolerance.seconds else {
            throw ReplicateError(
                .webhookTimestamp,
                detail: skew < 0
                    ? "The webhook is older than the tolerance (\(Int(-skew)) s)."
                    : "The webhook is dated \(Int(skew)) s in the future.")
        }
        let candidates = Self.signatures(in: signature)
        guard !candidates.isEmpty else {
            throw ReplicateError(.webhookSignature, detail: "webhook-signature holds no v1 signature.")
        }
        for key in keys {
            let expected = Self.mac(id: id, timestamp: timestamp, body: body, key: key.key)
            for candidate in candidates where Self.constantTimeEquals(candidate, expected) {
                return sentAt
            }
        }
        throw ReplicateError(.webhookSignature, detail: "No webhook signature matched.")
    }

    /// The signed content's MAC, computed incrementally so the body is never copied.
    static func mac(id: String, timestamp: String, body: Data, key: SymmetricKey) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        let dot: [UInt8] = [0x2E]
        var id = id
        var timestamp = timestamp
        id.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        hmac.update(data: dot)
        timestamp.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        hmac.update(data: dot)
        hmac.update(data: body)
        return hmac.finalize().withUnsafeBytes { Array($0) }
    }

    /// The decoded `v1` signatures of a `webhook-signature` value; other versions and malformed entries
    /// are skipped.
    static func signatures(in header: String) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for entry in header.split(separator: " ", omittingEmptySubsequences: true) {
            guard entry.hasPrefix("v1,") else { continue }
            let encoded = entry.dropFirst(3)
            guard encoded.utf8.count == 44, let bytes = Data(base64Encoded: String(encoded)), bytes.count == 32
            else { continue }
            result.append(Array(bytes))
        }
        return result
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func key(from secret: WebhookSecret) throws -> SigningKey {
        var text = secret.revealForSigning()
        if text.hasPrefix("whsec_") { text.removeFirst(6) }
        guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else {
            throw ReplicateError(
                .webhookSecretFormat, detail: "A webhook secret must be whsec_ followed by base64 (value not shown).")
        }
        return SigningKey(key: SymmetricKey(data: bytes))
    }
}

/// A decoded webhook key. `SymmetricKey` is not marked `Sendable` in swift-crypto 3, but it is an
/// immutable value (copy-on-write storage that is never written after creation), so sharing it between
/// tasks is safe.
private struct SigningKey: @unchecked Sendable {
    let key: SymmetricKey
}

/// A delivery whose signature and timestamp checked out.
public struct VerifiedWebhook: Sendable, Hashable {
    /// The `webhook-id`, the same on every retry of one delivery.
    public let id: String
    /// The `webhook-timestamp`.
    public let sentAt: Date
    /// The training or prediction it carries.
    public let event: WebhookEvent
}

/// The outcome of verifying a delivery.
public enum WebhookDelivery: Sendable, Hashable {
    /// A new delivery: apply it.
    case fresh(VerifiedWebhook)
    /// A `webhook-id` seen before: answer 2xx and apply nothing.
    case replay(VerifiedWebhook)

    /// The verified delivery, fresh or not.
    public var webhook: VerifiedWebhook {
        switch self {
        case .fresh(let webhook), .replay(let webhook): webhook
        }
    }
}

extension HTTPField.Name {
    /// `webhook-id`.
    static let webhookID = HTTPField.Name("webhook-id")!
    /// `webhook-timestamp`.
    static let webhookTimestamp = HTTPField.Name("webhook-timestamp")!
    /// `webhook-signature`.
    static let webhookSignature = HTTPField.Name("webhook-signature")!
}
