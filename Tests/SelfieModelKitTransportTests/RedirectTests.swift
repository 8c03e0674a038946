import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

/// The transport contract: never follow a redirect. The Replicate client decides what a 3xx means, a `POST`
/// is never sent twice by the transport, and the `Authorization` header never goes to a host the client
/// did not choose.
@Suite("URLSessionTransport never follows redirects")
struct RedirectTests {
    /// A server whose `/from` answers `status` with a `Location` to `/to` on the same server (which answers
    /// 200), and records what reached it.
    static func redirectingServer(status: Int) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            if request.path == "/from" {
                return .init(status: status, headers: ["Location": "/to"], body: Data())
            }
            return .init(status: 200, headers: [:], body: Data("followed".utf8))
        }
    }

    @Test("a POST answered 307 or 308 returns the redirect itself; the body is sent once", arguments: [307, 308])
    func postRedirect(status: Int) async throws {
        let server = try Self.redirectingServer(status: status)
        defer { server.stop() }
        var request = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/from")
        request.headerFields[.authorization] = "Bearer r8_redirect_test"
        let (response, _) = try await URLSessionTransport().send(request, body: Data("{}".utf8))
        #expect(response.status.code == status)
        #expect(response.headerFields[.location] == "/to")
        #expect(server.requests.map(\.path) == ["/from"])
    }

    @Test("a GET answered 302 returns the redirect itself: the token goes nowhere else")
    func getRedirect() async throws {
        let server = try Self.redirectingServer(status: 302)
        defer { server.stop() }
        var request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/from")
        request.headerFields[.authorization] = "Bearer r8_redirect_test"
        let (response, _) = try await URLSessionTransport().send(request, body: nil)
        #expect(response.status.code == 302)
        #expect(server.requests.map(\.path) == ["/from"])
    }

    @Test("a file body answered 307 is not sent again")
    func fileRedirect() async throws {
        let server = try Self.redirectingServer(status: 307)
        defer { server.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("redirect-\(UUID().uuidString)")
        try Data(repeating: 7, count: 4096).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let request = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/from")
        let (response, _) = try await URLSessionTransport().send(request, bodyFile: file)
        #expect(response.status.code == 307)
        #expect(server.requests.map(\.path) == ["/from"])
    }
}
