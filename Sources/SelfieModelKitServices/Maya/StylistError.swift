/// Why a remote stylist could not answer.
///
/// Like `SelfieModelKitError`, a struct wrapping a stable ``Code``. ``userMessage`` is safe to show the
/// end user; ``detail`` is for operators (it names the provider's error type, status and request id). No
/// field ever holds an API key: provider messages are scrubbed of the key before they are kept.
public struct StylistError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable string form, such as `"rate-limited"`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The provider refused the API key (401). Check `ANTHROPIC_API_KEY`.
        public static let authentication = Code("authentication")
        /// The key may not use this resource (403).
        public static let permission = Code("permission")
        /// The provider account has a billing problem (402).
        public static let billing = Code("billing")
        /// The configured model does not exist (404). Check `ANTHROPIC_MODEL`.
        public static let modelNotFound = Code("model-not-found")
        /// The provider refused the request as malformed or too large (400, 413, other 4xx).
        public static let invalidRequest = Code("invalid-request")
        /// The account's rate limit was hit (429); see ``StylistError/retryAfter``.
        public static let rateLimited = Code("rate-limited")
        /// The provider is overloaded for everyone (529).
        public static let overloaded = Code("overloaded")
        /// The provider failed internally (500 and other 5xx).
        public static let server = Code("server")
        /// No response arrived (the transport failed).
        public static let transport = Code("transport")
        /// A response arrived but could not be understood.
        public static let malformedResponse = Code("malformed-response")
    }

    /// The stable code.
    public let code: Code
    /// The HTTP status, when a response arrived.
    public let httpStatus: Int?
    /// The provider's error type, such as `overloaded_error`.
    public let providerErrorType: String?
    /// How long the provider asked to wait before retrying (`retry-after`), when it said.
    public let retryAfter: Duration?
    /// A sentence for the end user.
    public let userMessage: String
    /// Operator detail: status, provider error type and message (scrubbed), request id.
    public let detail: String

    /// Creates an error; `detail` must never hold a secret.
    public init(
        _ code: Code, httpStatus: Int? = nil, providerErrorType: String? = nil, retryAfter: Duration? = nil,
        userMessage: String, detail: String
    ) {
        self.code = code
        self.httpStatus = httpStatus
        self.providerErrorType = providerErrorType
        self.retryAfter = retryAfter
        self.userMessage = userMessage
        self.detail = detail
    }

    /// Whether the same request may succeed later (rate limit, overload, server or transport failure).
    public var isRetryable: Bool {
        [Code.rateLimited, .overloaded, .server, .transport].contains(code)
    }

    public var description: String { "StylistError.\(code): \(userMessage)" }
    public var debugDescription: String { "\(description) (\(detail))" }
}
