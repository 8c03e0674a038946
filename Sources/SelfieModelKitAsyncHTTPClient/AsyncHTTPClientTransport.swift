import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import SelfieModelKit

/// An `HTTPTransport` on AsyncHTTPClient, for server hosts that already run SwiftNIO.
///
/// The transport never follows redirects and never retries: the Replicate client decides what is safe
/// to retry, from the `HTTPTransportError/requestMayHaveBeenSent` flag this transport sets. Failures
/// that happen before a connection exists (refused, unresolvable host, connect timeout, invalid URL)
/// are reported as not sent; everything else as possibly sent.
///
/// ```swift
/// let transport = AsyncHTTPClientTransport()          // uses HTTPClient.shared
/// let client = ReplicateClient(token: token, transport: transport)
/// ```
public final class AsyncHTTPClientTransport: HTTPTransport, Sendable {
    private let client: HTTPClient
    private let timeout: TimeAmount
    private let maximumResponseBytes: Int

    /// Creates a transport over `client`.
    ///
    /// - Parameters:
    ///   - client: the AsyncHTTPClient to send with; the shared singleton by default. The caller owns its
    ///     lifetime (shut it down after the transport is no longer used, unless it is the shared one).
    ///   - timeout: the whole-request deadline, 90 seconds by default (`Prefer: wait` may block up to 60).
    ///   - maximumResponseBytes: the largest response body accepted, 256 MiB by default (output images).
    public init(
        client: HTTPClient = .shared, timeout: Duration = .seconds(90), maximumResponseBytes: Int = 256 << 20
    ) {
        self.client = client
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// Makes an `HTTPClient` configured the way this transport expects: no redirects, no automatic
    /// decompression surprises, connection failures reported at once instead of retried in the pool.
    /// The caller shuts it down (`try await client.shutdown()`).
    public static func makeClient(connectTimeout: Duration = .seconds(10)) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let (seconds, attoseconds) = connectTimeout.components
        configuration.timeout.connect = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        var outgoing = try Self.outgoing(request)
        if let body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await exchange(outgoing)
    }

    /// Streams the file from disk in chunks read on NIO's blocking-I/O thread pool, with
    /// `Content-Length` set to the file's size: the body is never held in memory whole.
    public func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        var outgoing = try Self.outgoing(request)
        let file = try FileBodySource(url: bodyFile)
        defer { file.close() }
        outgoing.body = .stream(file.chunks(), length: .known(file.size))
        return try await exchange(outgoing)
    }

    /// The AsyncHTTPClient request for `request`, without a body.
    private static func outgoing(_ request: HTTPRequest) throws -> HTTPClientRequest {
        guard let scheme = request.scheme, let authority = request.authority, let path = request.path else {
            throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "the request has no valid URL")
        }
        var outgoing = HTTPClientRequest(url: "\(scheme)://\(authority)\(path)")
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headerFields {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        return outgoing
    }

    /// Executes `outgoing` and collects the whole response.
    private func exchange(_ outgoing: HTTPClientRequest) async throws -> (HTTPResponse, Data) {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: timeout)
        } catch {
            throw Self.transportError(for: error)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: maximumResponseBytes)
        } catch {
            throw HTTPTransportError(
                requestMayHaveBeenSent: true, reason: "reading the response body failed: \(Self.name(of: error))")
        }
        var fields = HTTPFields()
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        let head = HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: fields)
        return (head, Data(buffer.readableBytesView))
    }

    /// Maps an AsyncHTTPClient or NIO error to `HTTPTransportError`. Only failures that certainly
    /// happened before any request byte left this process count as not sent.
    static func transportError(for error: any Error) -> HTTPTransportError {
        if let error = error as? HTTPClientError {
            let notSent: [HTTPClientError] = [
                .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath, .alreadyShutdown, .connectTimeout,
                .getConnectionFromPoolTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout,
                .httpProxyHandshakeTimeout, .invalidProxyResponse, .proxyAuthenticationRequired,
            ]
            return HTTPTransportError(
                requestMayHaveBeenSent: !notSent.contains(error),
                reason: "HTTPClientError: \(error)")
        }
        if error is NIOConnectionError || error is SocketAddressError {
            return HTTPTransportError(requestMayHaveBeenSent: false, reason: "connection failed: \(name(of: error))")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return HTTPTransportError(requestMayHaveBeenSent: false, reason: "connect timed out")
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return HTTPTransportError(requestMayHaveBeenSent: false, reason: "connection refused")
        }
        return HTTPTransportError(requestMayHaveBeenSent: true, reason: name(of: error))
    }

    private static func name(of error: any Error) -> String { String(describing: type(of: error)) }
}
