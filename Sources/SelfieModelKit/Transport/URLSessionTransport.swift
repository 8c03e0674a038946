import Foundation
import HTTPTypes

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An ``HTTPTransport`` on Foundation's `URLSession` (on Linux, FoundationNetworking over libcurl:
/// install `libcurl4-openssl-dev`).
public final class URLSessionTransport: HTTPTransport, Sendable {
    private let session: URLSession

    /// Creates a transport with its own ephemeral session.
    /// - Parameter timeout: the request timeout, 60 seconds by default (`Prefer: wait` may block up to 60).
    public init(timeout: TimeInterval = 90) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        guard let scheme = request.scheme, let authority = request.authority, let path = request.path,
            let url = URL(string: "\(scheme)://\(authority)\(path)")
        else {
            throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "the request has no valid URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method.rawValue
        for field in request.headerFields {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name.rawName)
        }
        urlRequest.httpBody = body

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError {
            throw HTTPTransportError(
                requestMayHaveBeenSent: !Self.provablyNotSent(error.code),
                reason: "URLError \(error.code.rawValue)")
        } catch {
            throw HTTPTransportError(requestMayHaveBeenSent: true, reason: String(describing: type(of: error)))
        }
        guard let http = response as? HTTPURLResponse else {
            throw HTTPTransportError(requestMayHaveBeenSent: true, reason: "the response was not HTTP")
        }
        var fields = HTTPFields()
        for (key, value) in http.allHeaderFields {
            guard let name = HTTPField.Name(String(describing: key)) else { continue }
            fields.append(HTTPField(name: name, value: String(describing: value)))
        }
        return (HTTPResponse(status: .init(code: http.statusCode), headerFields: fields), data)
    }

    /// Errors that happen before any byte of the request can have reached the server.
    private static func provablyNotSent(_ code: URLError.Code) -> Bool {
        switch code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .badURL, .unsupportedURL,
            .notConnectedToInternet:
            true
        default:
            false
        }
    }
}
