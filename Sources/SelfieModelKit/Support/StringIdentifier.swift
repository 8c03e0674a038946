/// An identifier that travels as one validated string: decoding validates it with the same rules as the
/// public initializer, and encoding and `description` give the string back.
protocol StringIdentifier: Codable, CustomStringConvertible {
    /// Validates `text`, the identifier's string form, exactly as the public initializer does.
    /// - Throws: ``SelfieModelKitError`` with code `.invalidIdentifier`.
    init(validating text: String) throws
}

extension StringIdentifier {
    public init(from decoder: any Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A ``StringIdentifier`` that is its validated `rawValue`, made with `init(_ rawValue:)`.
protocol RawStringIdentifier: StringIdentifier {
    /// The validated string.
    var rawValue: String { get }

    /// Validates `rawValue`.
    init(_ rawValue: String) throws
}

extension RawStringIdentifier {
    init(validating text: String) throws { try self.init(text) }

    public var description: String { rawValue }
}
