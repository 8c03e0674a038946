import SelfieModelKit

/// An Anthropic API key (`ANTHROPIC_API_KEY`). It never prints: `description`, `debugDescription`,
/// `dump` and string interpolation all show `AnthropicAPIKey(redacted)`. Read the value only where it is
/// sent, through ``revealForTransport()``.
public struct AnthropicAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a key. Empty keys and keys containing whitespace or control characters are refused.
    /// - Throws: `SelfieModelKitError` with code `.configuration`; the message never quotes the key.
    public init(_ value: String) throws {
        guard !value.isEmpty else {
            throw SelfieModelKitError(
                .configuration, rule: "anthropic-api-key.empty",
                userMessage: "The Anthropic API key is empty. Set ANTHROPIC_API_KEY or leave it unset.")
        }
        guard value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw SelfieModelKitError(
                .configuration, rule: "anthropic-api-key.characters",
                userMessage: "The Anthropic API key contains spaces or characters that cannot be sent in a header.")
        }
        self.value = value
    }

    /// The raw key, for the `x-api-key` header only. The name makes every use easy to audit.
    public func revealForTransport() -> String { value }

    public var description: String { "AnthropicAPIKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
