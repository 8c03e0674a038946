import Foundation
import HTTPTypes

/// Sends one HTTP request and returns the response: the only thing SelfieModelKit needs from a network.
///
/// The library ships three transports: ``URLSessionTransport`` (here; on Linux it runs on libcurl),
/// an AsyncHTTPClient transport (`SelfieModelKitAsyncHTTPClient`), and the in-process Replicate simulator
/// (`SelfieModelKitTesting`).
///
/// ## Writing your own
/// A transport turns `request` into a call on your HTTP stack and returns the status, header fields and
/// the whole body:
/// ```swift
/// struct MyTransport: HTTPTransport {
///     func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
///         // 1. Build the URL from request.scheme, request.authority and request.path.
///         // 2. Copy request.method and every request.headerFields entry.
///         // 3. Send body (nil means no body).
///         // 4. Return HTTPResponse(status:headerFields:) and the body bytes.
///     }
/// }
/// ```
/// Rules a transport follows:
/// - Do not follow redirects for non-GET requests and do not retry: the Replicate client decides what
///   is safe to retry.
/// - Report failures as ``HTTPTransportError``, saying whether the request may have reached the server
///   (``HTTPTransportError/requestMayHaveBeenSent``). The client retries a `POST` only when it provably
///   did not.
/// - Never log header values: the `Authorization` header carries the API token.
///
/// A test double is a struct or actor whose `send` inspects the request and returns canned bytes; the
/// simulator in `SelfieModelKitTesting` is a full-featured one.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with `body` and returns the response head and the whole response body.
    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data)
}

/// A transport-level failure: no HTTP response was received.
public struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the request may have reached the server. `false` only when that is certain (for example
    /// the connection was refused or the URL was invalid), which makes retrying a `POST` safe.
    public let requestMayHaveBeenSent: Bool
    /// What went wrong, without secrets.
    public let reason: String

    /// Creates a transport error.
    public init(requestMayHaveBeenSent: Bool, reason: String) {
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.reason = reason
    }

    public var description: String {
        "HTTPTransportError(\(requestMayHaveBeenSent ? "may have been sent" : "not sent")): \(reason)"
    }
}
