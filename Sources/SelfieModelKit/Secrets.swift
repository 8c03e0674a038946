/// A Replicate API token. It never prints: `description`, `debugDescription` and string interpolation
/// all show `APIToken(redacted)`. Read the value only where it is sent, through ``revealForTransport()``.
public struct APIToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a token. Empty or whitespace-only tokens are refused.
    public init(_ value: String) throws {
        guard !value.allSatisfy(\.isWhitespace) else {
            throw SelfieModelKitError(
                .configuration, rule: "api-token.empty",
                userMessage: "The Replicate API token is empty. Set REPLICATE_API_TOKEN to your token.")
        }
        self.value = value
    }

    /// The raw token, for the `Authorization` header only. The name makes every use easy to audit.
    public func revealForTransport() -> String { value }

    public var description: String { "APIToken(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// A Standard Webhooks signing secret, `whsec_<base64>`. It never prints.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a secret. It must be non-empty; the `whsec_` prefix is optional.
    public init(_ value: String) throws {
        guard !value.isEmpty, !value.allSatisfy(\.isWhitespace) else {
            throw SelfieModelKitError(
                .configuration, rule: "webhook-secret.empty",
                userMessage: "The webhook secret is empty. Set REPLICATE_WEBHOOK_SECRET or let the library fetch it.")
        }
        self.value = value
    }

    /// The raw secret, for the verifier and the simulator's signer only.
    public func revealForSigning() -> String { value }

    public var description: String { "WebhookSecret(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
