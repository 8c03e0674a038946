import Foundation
import HTTPTypes

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An ``HTTPTransport`` on Foundation's `URLSession` (on Linux, FoundationNetworking over libcurl:
/// install `libcurl4-openssl-dev`). It never follows redirects, keeps no cookies and no cache.
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
        self.session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        var urlRequest = try Self.urlRequest(for: request)
        urlRequest.httpBody = body
        return try await exchange { [session, urlRequest] in try await session.data(for: urlRequest) }
    }

    /// Streams the file from disk (`URLSession.upload(for:fromFile:)`): the body is never held in memory
    /// whole. `Content-Length` is the file's size.
    public func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        let urlRequest = try Self.urlRequest(for: request)
        // FoundationNetworking stops the process on a URL that is not a file URL, and reports a missing
        // file only once the request is under way: check both before anything is sent.
        var isDirectory: ObjCBool = false
        guard bodyFile.isFileURL, FileManager.default.fileExists(atPath: bodyFile.path, isDirectory: &isDirectory),
            !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: bodyFile.path)
        else {
            throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "the body file is not a readable file")
        }
        return try await exchange { [session] in try await session.upload(for: urlRequest, fromFile: bodyFile) }
    }

    /// The `URLRequest` for `request`, without a body.
    private static func urlRequest(for request: HTTPRequest) throws -> URLRequest {
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
        return urlRequest
    }

    /// Runs one session call and maps its outcome: errors to ``HTTPTransportError``, the response to
    /// swift-http-types.
    private func exchange(
        _ call: @Sendable () async throws -> (Data, URLResponse)
    ) async throws -> (HTTPResponse, Data) {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await call()
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

/// Refuses every redirect, so the 3xx response itself reaches the caller (the ``HTTPTransport`` contract):
/// the transport never sends a `POST` body a second time, and never carries the `Authorization` header to
/// a URL the Replicate client did not choose.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
