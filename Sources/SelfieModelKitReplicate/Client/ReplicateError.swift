import Foundation

/// The one error type of `SelfieModelKitReplicate`: a failed call to Replicate or a refused webhook.
///
/// Like `SelfieModelKitError`, a struct wrapping a stable ``Code``. It carries what Replicate's
/// `application/problem+json` body said (``title``, ``detail``, ``invalidFields``), the HTTP status, and
/// how long Replicate asked to wait. It never carries the API token or a webhook secret: the client
/// redacts the token from any text it copies out of a response.
public struct ReplicateError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A stable error code; compare with the static members (`error.code == .rateLimited`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable string form, such as `"rate-limited"`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// 401: the API token is missing or invalid.
        public static let unauthenticated = Code("unauthenticated")
        /// 403: the token may not do this.
        public static let forbidden = Code("forbidden")
        /// 404: the resource does not exist or is not visible to this account.
        public static let notFound = Code("not-found")
        /// 409: the resource already exists (for example a model name).
        public static let conflict = Code("conflict")
        /// 413: the upload is too large.
        public static let payloadTooLarge = Code("payload-too-large")
        /// 422: Replicate refused the request body (unknown version, invalid input, unknown keys).
        public static let invalidRequest = Code("invalid-request")
        /// 429 after the retry budget ran out.
        public static let rateLimited = Code("rate-limited")
        /// 5xx after the retries allowed for the request ran out (or none were safe).
        public static let serverError = Code("server-error")
        /// Another HTTP status Replicate is not documented to send.
        public static let unexpectedStatus = Code("unexpected-status")
        /// No HTTP response: the network failed (see ``requestMayHaveBeenSent``).
        public static let transport = Code("transport")
        /// A response arrived but its body could not be read as the expected object.
        public static let decoding = Code("decoding")
        /// The client refused to build the request (for example an invalid base URL).
        public static let invalidConfiguration = Code("invalid-configuration")
        /// A list endpoint's `next` link led outside the API base URL; it was not followed (the token would
        /// have gone with it).
        public static let offBaseLink = Code("off-base-link")
        /// A paginated list ran past its page bound before reaching the point asked for; what was read is
        /// incomplete.
        public static let listTooLong = Code("list-too-long")
        /// A file to upload could not be read, or the upload's temporary body file could not be written.
        public static let localFile = Code("local-file")
        /// A webhook lacked `webhook-id`, `webhook-timestamp` or `webhook-signature`.
        public static let webhookMissingHeader = Code("webhook-missing-header")
        /// A webhook's timestamp is not a number, or lies outside the tolerance (stale or in the future).
        public static let webhookTimestamp = Code("webhook-timestamp")
        /// No `v1` signature of a webhook matched any configured secret.
        public static let webhookSignature = Code("webhook-signature")
        /// A webhook secret is not `whsec_` followed by base64.
        public static let webhookSecretFormat = Code("webhook-secret-format")
    }

    /// One entry of a 422 problem's `invalid_fields`.
    public struct InvalidField: Sendable, Hashable, Codable {
        /// The kind of failure, such as `required`, `enum` or `number_lte`.
        public var type: String?
        /// The field, such as `input.num_outputs`.
        public var field: String?
        /// Replicate's explanation.
        public var description: String?

        /// Creates an entry.
        public init(type: String?, field: String?, description: String?) {
            self.type = type
            self.field = field
            self.description = description
        }
    }

    /// The stable code.
    public let code: Code
    /// The HTTP status, when a response arrived.
    public let httpStatus: Int?
    /// The problem's `title`.
    public let title: String?
    /// The problem's `detail`, or a description of what failed.
    public let detail: String?
    /// The problem's `invalid_fields` (422 only).
    public let invalidFields: [InvalidField]
    /// How long Replicate asked callers to wait (`Retry-After`, `ratelimit-reset`, or the 429 body).
    public let retryAfter: Duration?
    /// For ``Code/transport``: whether the request may have reached Replicate.
    public let requestMayHaveBeenSent: Bool?
    /// The method and path of the request (never a header, never the token), for logs.
    public let request: String?

    /// Creates an error. The client makes these; tests and hosts extending the library may too.
    public init(
        _ code: Code, httpStatus: Int? = nil, title: String? = nil, detail: String? = nil,
        invalidFields: [InvalidField] = [], retryAfter: Duration? = nil, requestMayHaveBeenSent: Bool? = nil,
        request: String? = nil
    ) {
        self.code = code
        self.httpStatus = httpStatus
        self.title = title
        self.detail = detail
        self.invalidFields = invalidFields
        self.retryAfter = retryAfter
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.request = request
    }

    /// Whether this is a 401/403: the configured token does not work.
    public var isAuthenticationFailure: Bool { code == .unauthenticated || code == .forbidden }

    public var description: String {
        var text = "ReplicateError.\(code)"
        if let httpStatus { text += " (\(httpStatus))" }
        if let title { text += ": \(title)" }
        if let detail { text += title == nil ? ": \(detail)" : " — \(detail)" }
        return text
    }

    public var debugDescription: String {
        var text = description
        if let request { text += " [\(request)]" }
        if !invalidFields.isEmpty {
            let fields = invalidFields.map { "\($0.field ?? "?"): \($0.type ?? "?")" }.joined(separator: ", ")
            text += " invalid fields: \(fields)"
        }
        if let retryAfter { text += " retry after \(retryAfter)" }
        if let requestMayHaveBeenSent { text += requestMayHaveBeenSent ? " (may have been sent)" : " (not sent)" }
        return text
    }
}
