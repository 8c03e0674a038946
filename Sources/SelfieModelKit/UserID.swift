/// A user's identifier, validated so that every name derived from it is valid and unambiguous.
///
/// The rules (see `Docs/decisions/0002-user-id-rules.md`):
/// - 1 to 40 characters;
/// - lowercase ASCII letters `a-z` and digits `0-9` only;
/// - at least one digit.
///
/// Why: `{userId}-selfie-lora` must be a valid Replicate model name (lowercase, digits, `-`, `_`, `.`),
/// and `user{userId}` must be a single clean token that a tokenizer keeps whole and that no ordinary
/// English word matches. Requiring a digit keeps words like "users" or "username" from ever being read
/// as another user's trigger word. Hosts whose ids are UUIDs can use their 32 lowercase hex digits.
public struct UserID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The validated identifier.
    public let rawValue: String

    /// The longest accepted identifier.
    public static let maximumLength = 40

    /// Validates `rawValue` against the rules above.
    /// - Throws: ``SelfieModelKitError`` with code `.invalidIdentifier` naming the broken rule.
    public init(_ rawValue: String) throws {
        guard !rawValue.isEmpty else {
            throw SelfieModelKitError.invalidIdentifier(
                "user-id.empty", "A user id is required.", value: rawValue)
        }
        guard rawValue.utf8.count <= Self.maximumLength else {
            throw SelfieModelKitError.invalidIdentifier(
                "user-id.length", "A user id has at most \(Self.maximumLength) characters.", value: rawValue)
        }
        guard rawValue.utf8.allSatisfy({ ASCII.isLowercaseLetter($0) || ASCII.isDigit($0) }) else {
            throw SelfieModelKitError.invalidIdentifier(
                "user-id.characters", "A user id may contain only lowercase letters a-z and digits 0-9.",
                value: rawValue)
        }
        guard rawValue.utf8.contains(where: ASCII.isDigit) else {
            throw SelfieModelKitError.invalidIdentifier(
                "user-id.digit", "A user id must contain at least one digit.", value: rawValue)
        }
        self.rawValue = rawValue
    }

    public static func < (lhs: UserID, rhs: UserID) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension UserID: RawStringIdentifier {}

enum ASCII {
    static func isLowercaseLetter(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isUppercaseLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLowercaseHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 0x61 && byte <= 0x66) }
}
