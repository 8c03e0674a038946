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
    /// Bodies up to this size are copied next to the signed prefix (one MAC update); larger ones are not.
    static let inlineBodyLimit = 16 * 1024

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
    /// - Parameters:
    ///   - headers: the request's header fields; `webhook-id`, `webhook-timestamp` and
    ///     `webhook-signature` are read.
    ///   - body: the raw body, exactly as received.
    ///   - kind: what the body holds, when the host knows it from the webhook URL; otherwise
    ///     ``WebhookEvent/init(decoding:as:)`` tells from the body.
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
        var header = signature
        let verified = header.withUTF8 { header in
            matchesAnyKey(header: header, id: id, timestamp: timestamp, body: body)
        }
        guard verified else {
            throw ReplicateError(.webhookSignature, detail: "No v1 webhook signature matched.")
        }
        return sentAt
    }

    /// Whether a `v1` entry of `header` is the base64 MAC of `id.timestamp.body` under one of the keys.
    ///
    /// Our own MAC is encoded (never the received entries decoded) and compared as text in constant time,
    /// as the reference implementations do. Each key starts from its precomputed keyed state; the prefix
    /// and the encoded MAC live in temporary buffers and the body is fed in place, so a verification
    /// allocates nothing of its own.
    private func matchesAnyKey(header: UnsafeBufferPointer<UInt8>, id: String, timestamp: String, body: Data) -> Bool {
        var hasCandidate = false
        Self.forEachV1Signature(in: header) { _ in hasCandidate = true }
        guard hasCandidate else { return false }
        let prefixLength = id.utf8.count + timestamp.utf8.count + 2
        // Small bodies are copied behind the prefix so the MAC takes one update; large ones are fed in place.
        let inline = body.count <= Self.inlineBodyLimit
        let capacity = prefixLength + (inline ? body.count : 0)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { prefix in
            var position = 0
            for byte in id.utf8 {
                prefix[position] = byte
                position += 1
            }
            prefix[position] = 0x2E
            position += 1
            for byte in timestamp.utf8 {
                prefix[position] = byte
                position += 1
            }
            prefix[position] = 0x2E
            if inline {
                _ = body.copyBytes(to: UnsafeMutableBufferPointer(rebasing: prefix[prefixLength...]))
            }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Base64.macLength) { encoded in
                for key in keys {
                    var hmac = key.keyed
                    hmac.update(data: UnsafeRawBufferPointer(prefix))
                    if !inline { hmac.update(data: body) }
                    hmac.finalize().withUnsafeBytes { Base64.encode($0, into: encoded) }
                    var matched = false
                    Self.forEachV1Signature(in: header) { candidate in
                        if Self.constantTimeEquals(candidate, UnsafeBufferPointer(encoded)) { matched = true }
                    }
                    if matched { return true }
                }
                return false
            }
        }
    }

    /// Calls `body` with the base64 part of each well-formed `v1,<base64>` entry of a `webhook-signature`
    /// value (44 bytes padded, or 43 unpadded). Other versions and malformed entries are skipped.
    static func forEachV1Signature(
        in header: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var index = 0
        while index < header.count {
            while index < header.count, header[index] == 0x20 { index += 1 }
            let start = index
            while index < header.count, header[index] != 0x20 { index += 1 }
            let length = index - start
            guard length == 46 || length == 47, header[start] == 0x76, header[start + 1] == 0x31,
                header[start + 2] == 0x2C
            else { continue }
            body(UnsafeBufferPointer(rebasing: header[(start + 3)..<index]))
        }
    }

    /// Compares a received signature with ours in time that depends only on the lengths; an unpadded
    /// signature (43 bytes) is compared with our text without its `=`.
    static func constantTimeEquals(_ received: UnsafeBufferPointer<UInt8>, _ ours: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = received.count
        guard count == ours.count || (count == ours.count - 1 && ours.last == 0x3D) else { return false }
        var difference: UInt8 = 0
        for index in 0..<count { difference |= received[index] ^ ours[index] }
        return difference == 0
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
        return SigningKey(keyed: HMAC<SHA256>(key: SymmetricKey(data: bytes)))
    }
}

/// Standard base64 with padding, for the 32 bytes of a MAC.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The encoded length of a SHA-256 MAC (32 bytes): 44.
    static let macLength = 44

    /// The encoded length of `count` bytes.
    static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes `bytes` into `output`, which holds at least ``encodedLength(_:)`` bytes.
    static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) {
        alphabet.withUnsafeBufferPointer { alphabet in
            var index = 0
            var position = 0
            func put(_ value: UInt32) {
                output[position] = alphabet[Int(value >> 18 & 63)]
                output[position + 1] = alphabet[Int(value >> 12 & 63)]
                output[position + 2] = alphabet[Int(value >> 6 & 63)]
                output[position + 3] = alphabet[Int(value & 63)]
                position += 4
            }
            while index + 2 < bytes.count {
                put(UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]))
                index += 3
            }
            let remaining = bytes.count - index
            if remaining > 0 {
                let second = remaining == 2 ? UInt32(bytes[index + 1]) : 0
                put(UInt32(bytes[index]) << 16 | second << 8)
                output[position - 1] = 0x3D
                if remaining == 1 { output[position - 2] = 0x3D }
            }
        }
    }

    /// Encodes `bytes` as a new array.
    static func encode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedLength(bytes.count)) { buffer, count in
            encode(bytes, into: buffer)
            count = encodedLength(bytes.count)
        }
    }
}

/// A secret's HMAC state after absorbing the key, computed once and copied for each delivery.
///
/// `HMAC<SHA256>` is not marked `Sendable` in swift-crypto 3, but it is a value type whose hash contexts
/// are copy-on-write: this stored copy is never mutated, and every copy taken from it duplicates the
/// context before its first update (the stored reference keeps it from being uniquely referenced), so
/// sharing it between tasks is safe.
private struct SigningKey: @unchecked Sendable {
    let keyed: HMAC<SHA256>
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
