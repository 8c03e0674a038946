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
    /// The exact request body, if any.
    public let body: Data?
    /// The response status, or `nil` when the transport failed.
    public let status: Int?
}

/// Wraps any `HTTPTransport` and records every exchange, for assertions, audits and demos.
///
/// Header values of `Authorization`, `x-api-key` and `Cookie` are redacted in the record; the request
/// itself goes out unchanged.
public actor RecordingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private var exchanges: [RecordedExchange] = []

    /// Records the exchanges of `base`.
    public init(wrapping base: any HTTPTransport) {
        self.base = base
    }

    private static let secretHeaders: Set<String> = ["authorization", "x-api-key", "cookie", "proxy-authorization"]

    public nonisolated func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        do {
            let (response, data) = try await base.send(request, body: body)
            await record(request, body: body, status: response.status.code)
            return (response, data)
        } catch {
            await record(request, body: body, status: nil)
            throw error
        }
    }

    private func record(_ request: HTTPRequest, body: Data?, status: Int?) {
        var headers: [String: String] = [:]
        for field in request.headerFields {
            let name = field.name.canonicalName
            headers[name] = Self.secretHeaders.contains(name) ? "<redacted>" : field.value
        }
        exchanges.append(
            RecordedExchange(
                method: request.method.rawValue, path: request.path ?? "/", headers: headers, body: body, status: status
            ))
    }

    /// Every exchange so far, oldest first.
    public func requests() -> [RecordedExchange] { exchanges }

    /// Forgets the exchanges recorded so far.
    public func reset() { exchanges.removeAll() }
}
