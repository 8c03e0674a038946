import Foundation
import HTTPTypes
import SelfieModelKit

/// One exchange seen by a ``RecordingTransport``, with secrets redacted.
public struct RecordedExchange: Sendable, Hashable {
    /// The request method, such as `POST`.
    public let method: String
    /// The request path with its query, such as `/v1/predictions`.
    public let path: String
    /// The request's header fields; `Authorization` and other credentials read `<redacted>`.
    public let headers: [String: String]
    /// The exact request body, if any (for a body sent from a file, the file's contents).
    public let body: Data?
    /// Whether the body was handed over as a file (`send(_:bodyFile:)`) rather than in memory.
    public let bodyFromFile: Bool
    /// The response status, or `nil` when the transport failed.
    public let status: Int?
}

/// Wraps any `HTTPTransport` and records every exchange, for assertions, audits and demos.
///
/// Header values of `Authorization`, `x-api-key` and `Cookie` are redacted in the record; the request
/// itself goes out unchanged. A body sent from a file is forwarded as that file (so the wrapped
/// transport can still stream it) and recorded as the file's bytes.
public actor RecordingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private var exchanges: [RecordedExchange] = []

    /// Records the exchanges of `base`.
    public init(wrapping base: any HTTPTransport) {
        self.base = base
    }

    private static let secretHeaders: Set<String> = ["authorization", "x-api-key", "cookie", "proxy-authorization"]

    public nonisolated func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        try await forward(request, recording: body, fromFile: false) { try await base.send(request, body: body) }
    }

    public nonisolated func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        // Read before sending: the caller keeps the file unchanged only until the call returns.
        let body = try? Data(contentsOf: bodyFile)
        return try await forward(request, recording: body, fromFile: true) {
            try await base.send(request, bodyFile: bodyFile)
        }
    }

    /// Runs `call` and records the exchange, failed or not.
    private nonisolated func forward(
        _ request: HTTPRequest, recording body: Data?, fromFile: Bool,
        _ call: () async throws -> (HTTPResponse, Data)
    ) async throws -> (HTTPResponse, Data) {
        do {
            let (response, data) = try await call()
            await record(request, body: body, fromFile: fromFile, status: response.status.code)
            return (response, data)
        } catch {
            await record(request, body: body, fromFile: fromFile, status: nil)
            throw error
        }
    }

    private func record(_ request: HTTPRequest, body: Data?, fromFile: Bool, status: Int?) {
        var headers: [String: String] = [:]
        for field in request.headerFields {
            let name = field.name.canonicalName
            headers[name] = Self.secretHeaders.contains(name) ? "<redacted>" : field.value
        }
        exchanges.append(
            RecordedExchange(
                method: request.method.rawValue, path: request.path ?? "/", headers: headers, body: body,
                bodyFromFile: fromFile, status: status))
    }

    /// Every exchange so far, oldest first.
    public func requests() -> [RecordedExchange] { exchanges }

    /// Forgets the exchanges recorded so far.
    public func reset() { exchanges.removeAll() }
}
