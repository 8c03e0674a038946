import AsyncHTTPClient
import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitAsyncHTTPClient
import SelfieModelKitReplicate
import Testing

@Suite("AsyncHTTPClientTransport over real sockets")
struct AsyncHTTPClientTransportTests {
    static func request(_ method: HTTPRequest.Method, port: Int, path: String, headers: HTTPFields = [:]) -> HTTPRequest
    {
        HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:\(port)", path: path, headerFields: headers)
    }

    @Test("a POST carries method, path with query, headers and body bytes; the response comes back whole")
    func post() async throws {
        let server = try await LocalHTTPServer.start()
        let client = AsyncHTTPClientTransport.makeClient()
        let transport = AsyncHTTPClientTransport(client: client)
        var headers = HTTPFields()
        headers[.authorization] = "Bearer abc"
        headers[.contentType] = "application/octet-stream"
        headers[.userAgent] = "SelfieModelKit-test"
        let body = Data((0..<5000).map { UInt8($0 % 251) })
        let (response, data) = try await transport.send(
            Self.request(.post, port: server.port, path: "/echo/x?y=1", headers: headers), body: body)
        try await client.shutdown()
        try await server.stop()
        #expect(response.status == .ok)
        #expect(response.headerFields[.contentType] == "application/json")
        let echo = try JSONDecoder().decode([String: String].self, from: data)
        #expect(echo["method"] == "POST")
        #expect(echo["uri"] == "/echo/x?y=1")
        #expect(echo["authorization"] == "Bearer abc")
        #expect(echo["user-agent"] == "SelfieModelKit-test")
        #expect(echo["body"].flatMap { Data(base64Encoded: $0) } == body)
    }

    @Test("non-2xx statuses and their headers pass through untouched")
    func statuses() async throws {
        let server = try await LocalHTTPServer.start()
        let client = AsyncHTTPClientTransport.makeClient()
        let transport = AsyncHTTPClientTransport(client: client)
        let (response, data) = try await transport.send(
            Self.request(.get, port: server.port, path: "/status/503"), body: nil)
        let (big, bytes) = try await transport.send(
            Self.request(.get, port: server.port, path: "/bytes/300000"), body: nil)
        try await client.shutdown()
        try await server.stop()
        #expect(response.status.code == 503)
        #expect(response.headerFields[.retryAfter] == "7")
        #expect(String(decoding: data, as: UTF8.self).contains("scripted failure"))
        #expect(big.status == .ok)
        #expect(bytes.count == 300_000)
    }

    @Test("a refused connection is reported as not sent, so a POST may be retried")
    func refused() async throws {
        // A port that is bound but not listening refuses connections, and no other test can take it
        // while we hold it (a closed ephemeral port could be reused by a parallel test's server).
        let reserved = try ReservedPort()
        defer { reserved.release() }
        let port = reserved.port
        let client = AsyncHTTPClientTransport.makeClient(connectTimeout: .seconds(5))
        let transport = AsyncHTTPClientTransport(client: client)
        let error = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(.post, port: port, path: "/echo"), body: Data("x".utf8))
        }
        try await client.shutdown()
        #expect(error?.requestMayHaveBeenSent == false)
    }

    @Test("the Replicate client runs over this transport against a local server")
    func replicateClient() async throws {
        let server = try await LocalHTTPServer.start()
        let client = AsyncHTTPClientTransport.makeClient()
        let replicate = try ReplicateClient(
            token: APIToken("r8_socket_test_token"), baseURL: URL(string: "http://127.0.0.1:\(server.port)/v1")!,
            transport: AsyncHTTPClientTransport(client: client))
        let prediction = try await replicate.prediction(PredictionID("abc123"))
        let wrongToken = try ReplicateClient(
            token: APIToken("r8_wrong"), baseURL: URL(string: "http://127.0.0.1:\(server.port)/v1")!,
            transport: AsyncHTTPClientTransport(client: client))
        let error = await #expect(throws: ReplicateError.self) {
            try await wrongToken.prediction(PredictionID("abc123"))
        }
        try await client.shutdown()
        try await server.stop()
        #expect(prediction.id.rawValue == "abc123")
        #expect(prediction.status == .processing)
        #expect(error?.code == .unauthenticated)
        #expect(error?.title == "Unauthenticated")
    }
}
