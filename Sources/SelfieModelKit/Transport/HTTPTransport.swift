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
/// - Do not follow redirects (return the 3xx response) and do not retry: the Replicate client decides what
///   is safe to retry, and follows download redirects itself without carrying the token to another host.
/// - Report failures as ``HTTPTransportError``, saying whether the request may have reached the server
///   (``HTTPTransportError/requestMayHaveBeenSent``). The client retries a `POST` only when it provably
///   did not.
/// - Never log header values: the `Authorization` header carries the API token.
///
/// A test double is a struct or actor whose `send` inspects the request and returns canned bytes; the
/// simulator in `SelfieModelKitTesting` is a full-featured one.
///
/// ## Bodies from files
/// Large uploads (the training archive, up to Replicate's 100 MB per file) arrive through
/// ``send(_:bodyFile:)``, so a transport can stream them from disk instead of holding them in memory.
/// Implementing it is optional: the default reads the file and calls ``send(_:body:)``, so a transport
/// (or a wrapper around one) that implements only ``send(_:body:)`` still sees every request, file
/// uploads included, at the cost of holding that body in memory. A wrapper that forwards to another
/// transport and wants to keep the streaming implements both and forwards `bodyFile` to the wrapped
/// transport's ``send(_:bodyFile:)``, intercepting there as it does in ``send(_:body:)``.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with `body` and returns the response head and the whole response body.
    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data)

    /// Sends `request` with the contents of the file at `bodyFile` as its body and returns the response
    /// head and the whole response body.
    ///
    /// The Replicate client uses it for file uploads (`ReplicateClient.uploadFile(contentsOf:...)`), whose
    /// multipart body it writes to a temporary file first. The body is sent exactly as the file holds it,
    /// with `Content-Length` set to the file's size. The caller keeps the file unchanged until the call
    /// returns, and may send the same file again when it retries.
    ///
    /// Follow the same rules as ``send(_:body:)``. A file that cannot be opened or read before anything
    /// was sent is an ``HTTPTransportError`` with `requestMayHaveBeenSent: false`.
    ///
    /// The default implementation reads the whole file into memory and calls ``send(_:body:)``.
    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data)
}

extension HTTPTransport {
    /// Reads the file at `bodyFile` into memory and sends it through ``send(_:body:)``: correct for
    /// every transport and every wrapper, but the body is held in memory. Transports that can stream
    /// from disk (``URLSessionTransport``, the AsyncHTTPClient transport) implement their own.
    public func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        try await send(request, body: HTTPTransportError.readBodyFile(bodyFile))
    }
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

    /// Reads a body file whole, reporting a failure as not sent.
    static func readBodyFile(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw HTTPTransportError(
                requestMayHaveBeenSent: false, reason: "the body file could not be read (\(type(of: error)))")
        }
    }
}
