import Foundation

/// The document ``ReplicateSimulator/snapshot()`` writes and ``ReplicateSimulator/restore(from:)`` reads:
/// JSON with sorted keys, versioned by ``format``.
struct SimulatorSnapshot: Codable, Sendable {
    /// The format this build writes and reads.
    static let currentFormat = "selfie-sim.state/1"

    /// Just the format, read first so that another format fails with a clear error.
    struct Header: Codable, Sendable {
        var format: String
    }

    /// One account, with the webhook secret it signs with.
    struct Account: Codable, Sendable {
        var owner: String
        var token: String
        var webhookSecret: String
    }

    /// One file under the delivery base URL, by its path after that URL (`{token}/out-0.png`).
    struct Delivery: Codable, Sendable {
        var key: String
        var entry: DeliveryEntry
    }

    var format: String
    /// The simulator clock's time when the snapshot was taken.
    var clock: Date
    /// The random generator's state.
    var randomState: UInt64
    /// The last sequence number handed out (milestone tokens continue after it).
    var sequence: UInt64
    var accounts: [Account]
    var models: [ModelRecord]
    var versions: [VersionRecord]
    var files: [FileRecord]
    var trainings: [TrainingRecord]
    var predictions: [PredictionRecord]
    var deliveryFiles: [Delivery]
}

/// Why a simulator state could not be saved or restored. A struct with a stable ``code``, like the
/// library's other errors.
public struct SimulatorStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable string form, such as `"unreadable"`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The data is not a simulator snapshot (not JSON, or fields missing or of the wrong type).
        public static let unreadable = Code("unreadable")
        /// The data is a snapshot of a format this build does not read.
        public static let unsupportedFormat = Code("unsupported-format")
        /// The state could not be encoded, or its file could not be read or written.
        public static let storage = Code("storage")
    }

    /// The stable code.
    public let code: Code
    /// What went wrong, for people (never a token or secret).
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "SimulatorStateError.\(code): \(detail)" }
}

// A JSON value inside a snapshot is kept as its exact text, so integers stay integers, `1.0` stays a
// double, and keys keep their order: a restored prediction answers byte for byte as before.
extension JSONObject: Codable {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let object = try? JSONValue.parse(text).objectValue else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not a JSON object"))
        }
        self = object
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(JSONValue.object(self).encodedString())
    }
}

extension JSONValue: Codable {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try JSONValue.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not JSON: \(error.reason)"))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encodedString())
    }
}

// Events sorted, so the same world always gives the same bytes.
extension WebhookTarget: Codable {
    private enum CodingKeys: String, CodingKey {
        case url, events, lastSent
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        events = Set(try container.decode([String].self, forKey: .events))
        lastSent = try container.decode([String: Date].self, forKey: .lastSent)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(events.sorted(), forKey: .events)
        try container.encode(lastSent, forKey: .lastSent)
    }
}

// Digests as hex, so a look reads as a few lines instead of hundreds of numbers.
extension TrainingLook: Codable {
    private enum CodingKeys: String, CodingKey {
        case imageDigests, identity, triggerWord
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func bytes(_ hex: String, _ key: CodingKeys) throws -> [UInt8] {
            guard let value = Self.bytes(hex: hex) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not hex")
            }
            return value
        }
        imageDigests = try container.decode([String].self, forKey: .imageDigests).map { try bytes($0, .imageDigests) }
        identity = try bytes(try container.decode(String.self, forKey: .identity), .identity)
        triggerWord = try container.decode(String.self, forKey: .triggerWord)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(imageDigests.map { SimulatorHash.hex($0) }, forKey: .imageDigests)
        try container.encode(SimulatorHash.hex(identity), forKey: .identity)
        try container.encode(triggerWord, forKey: .triggerWord)
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: nil
        }
    }
}
