/// A generation seed: an integer in `[0, 1000000)`, as the specification's
/// `Math.floor(Math.random() * 1000000)`.
public struct GenerationSeed: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The accepted range.
    public static let range = 0..<1_000_000

    /// The seed.
    public let value: Int

    /// Validates a seed.
    /// - Throws: `SelfieModelKitError` with code `.invalidSeed` outside ``range``.
    public init(_ value: Int) throws {
        guard Self.range.contains(value) else {
            throw SelfieModelKitError(
                .invalidSeed, rule: "seed.range", userMessage: "A seed is a whole number from 0 to 999999.",
                detail: "seed \(value)")
        }
        self.value = value
    }

    /// A seed drawn from the system's cryptographically secure generator.
    public static func random() -> GenerationSeed {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A seed drawn from `generator` (inject a seeded generator in tests).
    public static func random(using generator: inout some RandomNumberGenerator) -> GenerationSeed {
        try! GenerationSeed(Int.random(in: range, using: &generator))
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { String(value) }
}
