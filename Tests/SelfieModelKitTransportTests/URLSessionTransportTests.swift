import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

@Suite("URLSessionTransport over a real socket")
struct URLSessionTransportTests {
    @Test("sends method, path, headers and body, and returns status, headers and body")
    func roundTrip() async throws {
        let server = try LoopbackHTTPServer { request in
            .init(
                status: 201, headers: ["Content-Type": "application/json", "X-Echo-Method": request.method],
                body: Data("{\"received\":\(request.body.count)}".utf8))
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        var request = HTTPRequest(
            method: .post, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/v1/predictions?x=1")
        request.headerFields[.authorization] = "Bearer r8_test"
        request.headerFields[.contentType] = "application/json"
        let body = Data(#"{"version":"a/b:c"}"#.utf8)
        let (response, data) = try await transport.send(request, body: body)

        #expect(response.status.code == 201)
        #expect(response.headerFields[.contentType] == "application/json")
        #expect(response.headerFields[HTTPField.Name("X-Echo-Method")!] == "POST")
        #expect(String(decoding: data, as: UTF8.self) == #"{"received":19}"#)
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.path == "/v1/predictions?x=1")
        #expect(seen.headers["authorization"] == "Bearer r8_test")
        #expect(seen.body == body)
    }

    @Test("error statuses are responses, not errors")
    func errorStatus() async throws {
        let server = try LoopbackHTTPServer { _ in
            .init(
                status: 429, headers: ["Retry-After": "3", "Content-Type": "application/problem+json"],
                body: Data(#"{"detail":"Request was throttled."}"#.utf8))
        }
        defer { server.stop() }
        let request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/v1/x")
        let (response, data) = try await URLSessionTransport().send(request, body: nil)
        #expect(response.status.code == 429)
        #expect(response.headerFields[.retryAfter] == "3")
        #expect(String(decoding: data, as: UTF8.self).contains("throttled"))
    }

    @Test("a refused connection is reported as provably not sent")
    func refused() async throws {
        let server = try LoopbackHTTPServer(listening: false) { _ in .init(status: 200, headers: [:], body: Data()) }
        defer { server.stop() }
        let port = server.port
        let request = HTTPRequest(
            method: .post, scheme: "http", authority: "127.0.0.1:\(port)", path: "/v1/predictions")
        await #expect {
            _ = try await URLSessionTransport(timeout: 5).send(request, body: Data("{}".utf8))
        } throws: { error in
            (error as? HTTPTransportError)?.requestMayHaveBeenSent == false
        }
    }

    @Test("large bodies arrive intact")
    func largeBody() async throws {
        let server = try LoopbackHTTPServer { request in .init(status: 200, headers: [:], body: request.body) }
        defer { server.stop() }
        let payload = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let request = HTTPRequest(
            method: .post, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/v1/files")
        let (response, data) = try await URLSessionTransport().send(request, body: payload)
        #expect(response.status.code == 200)
        #expect(data == payload)
    }
}
