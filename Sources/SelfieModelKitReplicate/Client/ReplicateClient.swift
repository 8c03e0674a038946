import Foundation
import HTTPTypes
import Logging
import SelfieModelKit

/// Replicate's HTTP API over any `SelfieModelKit/HTTPTransport`, paced by a ``RateBudget`` and
/// retried by a ``RetryPolicy``.
///
/// ```swift
/// let client = try ReplicateClient(token: APIToken(env["REPLICATE_API_TOKEN"]!), transport: URLSessionTransport())
/// let training = try await client.training(id)
/// ```
///
/// - The base URL is `https://api.replicate.com/v1` by default; any `http(s)://host[:port]/prefix` works
///   (the simulator listens on `http://127.0.0.1:PORT/v1`).
/// - Every call names the user it acts for (`for: user`), or `nil` for system work; the budget serves
///   users round-robin, so one user's burst cannot starve another.
/// - The API token goes only to the base URL's origin. Output files on other hosts (Replicate's
///   delivery CDN) are fetched without it: their URLs are capabilities that need no token, and the
///   token must never reach a third party.
/// - Errors are ``ReplicateError``; none of them, and no log line, carries the token.
public struct ReplicateClient: Sendable {
    /// Replicate's production API.
    public static let defaultBaseURL = URL(string: "https://api.replicate.com/v1")!
    /// The `User-Agent` sent unless another is given.
    public static let defaultUserAgent = "SelfieModelKit/1.0 (Swift)"

    let token: APIToken
    let base: RequestTarget
    let transport: any HTTPTransport
    let budget: RateBudget
    let retryPolicy: RetryPolicy
    let clock: SchedulingClock
    let userAgent: String
    let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - token: the API token; sent as `Authorization: Bearer` to the base URL's origin only.
    ///   - baseURL: the API root, `https://api.replicate.com/v1` by default.
    ///   - transport: how requests travel (URLSession, AsyncHTTPClient, or the in-process simulator).
    ///   - budget: the rate budget; share one per process (or one backed by a shared store). A new one
    ///     with Replicate's limits on `clock` by default.
    ///   - retryPolicy: backoff and retry limits.
    ///   - clock: time and sleep for retries; inject a virtual clock in tests.
    ///   - userAgent: the `User-Agent` header.
    ///   - logger: receives one debug line per attempt (method, path, status) and a notice per retry.
    /// - Throws: ``ReplicateError`` with code `.invalidConfiguration` when `baseURL` is not an absolute
    ///   `http` or `https` URL without query or credentials.
    public init(
        token: APIToken, baseURL: URL = ReplicateClient.defaultBaseURL, transport: any HTTPTransport,
        budget: RateBudget? = nil, retryPolicy: RetryPolicy = .default, clock: SchedulingClock = .system,
        userAgent: String = ReplicateClient.defaultUserAgent,
        logger: Logger = Logger(label: "SelfieModelKitReplicate", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        guard var base = RequestTarget(url: baseURL), !base.path.contains("?"), !baseURL.absoluteString.contains("#")
        else {
            throw ReplicateError(
                .invalidConfiguration,
                detail: "The Replicate base URL must be an absolute http(s) URL such as https://api.replicate.com/v1.")
        }
        while base.path.hasSuffix("/") { base.path.removeLast() }
        self.token = token
        self.base = base
        self.transport = transport
        self.budget = budget ?? RateBudget(clock: clock)
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.userAgent = userAgent
        self.logger = logger
    }

    /// The base URL in use, `scheme://authority/prefix`.
    public var baseURL: URL { URL(string: "\(base.scheme)://\(base.authority)\(base.path)")! }
}

/// One call: what to send and how to pace and retry it.
struct Endpoint: Sendable {
    var method: HTTPRequest.Method
    var target: RequestTarget
    var bucket: RateBucket = .general
    var body: Data?
    /// A file holding the body, sent with `HTTPTransport.send(_:bodyFile:)` instead of ``body``; it
    /// stays in place for every attempt.
    var bodyFile: URL?
    var contentType: String?
    var extraHeaders = HTTPFields()
    /// Whether the call goes to Replicate's API (rate budget and token apply).
    var isAPICall = true
    /// Whether a 3xx response is returned to the caller (downloads follow redirects themselves) instead of
    /// thrown.
    var returnsRedirects = false
}

extension ReplicateClient {
    /// An endpoint under the base URL; `path` starts with `/`.
    func endpoint(_ method: HTTPRequest.Method, _ path: String, bucket: RateBucket = .general) -> Endpoint {
        Endpoint(
            method: method,
            target: RequestTarget(scheme: base.scheme, authority: base.authority, path: base.path + path),
            bucket: bucket)
    }

    /// An endpoint with a JSON body.
    func endpoint(
        _ method: HTTPRequest.Method, _ path: String, json body: Data, bucket: RateBucket = .general
    ) -> Endpoint {
        var endpoint = endpoint(method, path, bucket: bucket)
        endpoint.body = body
        endpoint.contentType = "application/json"
        return endpoint
    }

    /// Sends `endpoint` and decodes a 2xx body as `T`.
    func send<T: Decodable>(_ endpoint: Endpoint, for user: UserID?, as type: T.Type) async throws -> T {
        let (_, body) = try await perform(endpoint, for: user)
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw ReplicateError(
                .decoding, detail: "The response was not a valid \(T.self): \(Self.describe(error))",
                request: "\(endpoint.method) \(endpoint.target.path)")
        }
    }

    /// Sends `endpoint` under the rate budget, retrying only what is safe, until a 2xx arrives.
    func perform(_ endpoint: Endpoint, for user: UserID?) async throws -> (HTTPResponse, Data) {
        let label = "\(endpoint.method) \(endpoint.isAPICall ? endpoint.target.path : endpoint.target.authority)"
        var failures = 0
        var throttles = 0
        var throttledSeconds = 0.0
        while true {
            if endpoint.isAPICall {
                let waitStarted = ContinuousClock.now
                try await budget.acquire(endpoint.bucket, for: user)
                ClientMetrics.budgetWait(ContinuousClock.now - waitStarted, bucket: endpoint.bucket)
            }
            let response: HTTPResponse
            let body: Data
            do {
                if let bodyFile = endpoint.bodyFile {
                    (response, body) = try await transport.send(makeRequest(endpoint), bodyFile: bodyFile)
                } else {
                    (response, body) = try await transport.send(makeRequest(endpoint), body: endpoint.body)
                }
            } catch let error as HTTPTransportError {
                ClientMetrics.call(endpoint, status: "transport-error")
                failures += 1
                let safe = !error.requestMayHaveBeenSent || endpoint.method == .get
                logger.debug(
                    "replicate transport failure",
                    metadata: ["request": "\(label)", "attempt": "\(failures)", "retry": "\(safe)"])
                if safe, failures < retryPolicy.maxAttempts {
                    try await clock.sleep(retryPolicy.backoff(attempt: failures))
                    continue
                }
                throw ReplicateError(
                    .transport, detail: redact(error.reason), requestMayHaveBeenSent: error.requestMayHaveBeenSent,
                    request: label)
            } catch let error as CancellationError {
                throw error
            } catch {
                throw ReplicateError(
                    .transport, detail: redact(Self.describe(error)), requestMayHaveBeenSent: true, request: label)
            }
            let status = response.status.code
            ClientMetrics.call(endpoint, status: String(status))
            logger.debug("replicate response", metadata: ["request": "\(label)", "status": "\(status)"])
            if (200..<300).contains(status) { return (response, body) }
            if endpoint.returnsRedirects, (300..<400).contains(status) { return (response, body) }

            let hint = RetryHint.wait(in: response, body: body, now: clock.now())
            if status == 429 {
                throttles += 1
                let delay = retryPolicy.delay(hint: hint, attempt: throttles)
                if throttledSeconds + delay.seconds <= retryPolicy.maxRateLimitWait.seconds {
                    throttledSeconds += delay.seconds
                    logger.notice(
                        "replicate throttled; waiting",
                        metadata: ["request": "\(label)", "seconds": "\(delay.seconds)"])
                    if endpoint.isAPICall {
                        try await budget.pause(
                            endpoint.bucket, until: clock.now().addingTimeInterval((hint ?? delay).seconds))
                    }
                    try await clock.sleep(delay)
                    continue
                }
            } else if status >= 500, endpoint.method == .get {
                failures += 1
                if failures < retryPolicy.maxAttempts {
                    logger.notice(
                        "replicate server error; retrying", metadata: ["request": "\(label)", "status": "\(status)"])
                    try await clock.sleep(retryPolicy.delay(hint: hint, attempt: failures))
                    continue
                }
            }
            throw error(for: response, body: body, retryAfter: hint, request: label)
        }
    }

    private func makeRequest(_ endpoint: Endpoint) -> HTTPRequest {
        var fields = HTTPFields()
        fields[.userAgent] = userAgent
        fields[.accept] = "application/json"
        if endpoint.isAPICall, endpoint.target.isSameOrigin(as: base) {
            fields[.authorization] = "Bearer \(token.revealForTransport())"
        }
        if let contentType = endpoint.contentType { fields[.contentType] = contentType }
        fields.append(contentsOf: endpoint.extraHeaders)
        return HTTPRequest(
            method: endpoint.method, scheme: endpoint.target.scheme, authority: endpoint.target.authority,
            path: endpoint.target.path, headerFields: fields)
    }

    /// Turns a non-2xx response into a ``ReplicateError`` with the problem's fields.
    func error(for response: HTTPResponse, body: Data, retryAfter: Duration?, request: String) -> ReplicateError {
        let status = response.status.code
        let problem = try? JSONDecoder().decode(Problem.self, from: body)
        var detail = problem?.detail
        if problem == nil, !body.isEmpty {
            detail = String(decoding: body.prefix(500), as: UTF8.self)
        }
        let title = problem?.title.map(redact)
        detail = detail.map(redact)
        let text = "\(title ?? "") \(detail ?? "")".lowercased()
        let code: ReplicateError.Code =
            switch status {
            case 401: .unauthenticated
            case 403: .forbidden
            case 404: .notFound
            case 409: .conflict
            case 413: .payloadTooLarge
            case 400, 422: text.contains("already exists") ? .conflict : .invalidRequest
            case 429: .rateLimited
            case 500...599: .serverError
            default: .unexpectedStatus
            }
        return ReplicateError(
            code, httpStatus: status, title: title, detail: detail, invalidFields: problem?.invalidFields ?? [],
            retryAfter: retryAfter, request: request)
    }

    /// Removes the API token from text that came from elsewhere.
    func redact(_ text: String) -> String {
        let secret = token.revealForTransport()
        guard secret.count >= 4, text.contains(secret) else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                return "missing \(context.codingPath.map(\.stringValue) + [key.stringValue])"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
            @unknown default:
                return "\(error)"
            }
        }
        return String(describing: type(of: error))
    }
}

/// Replicate's `application/problem+json` body.
struct Problem: Decodable {
    var title: String?
    var detail: String?
    var status: Int?
    var invalidFields: [ReplicateError.InvalidField]?

    enum CodingKeys: String, CodingKey {
        case title, detail, status
        case invalidFields = "invalid_fields"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try? container.decodeIfPresent(String.self, forKey: .title)
        detail = try? container.decodeIfPresent(String.self, forKey: .detail)
        status = try? container.decodeIfPresent(Int.self, forKey: .status)
        invalidFields = try? container.decodeIfPresent([ReplicateError.InvalidField].self, forKey: .invalidFields)
    }
}
