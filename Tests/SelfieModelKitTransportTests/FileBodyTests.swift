import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

/// A file with pseudo-random contents in the temporary directory, removed by `remove()`.
struct TemporaryBodyFile {
    let url: URL
    let contents: Data

    init(size: Int, seed: UInt64 = 0x5E1F_1E00) throws {
        var contents = Data(count: size)
        var state = seed
        contents.withUnsafeMutableBytes { raw in
            for index in 0..<raw.count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                raw[index] = UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        url = FileManager.default.temporaryDirectory.appendingPathComponent("body-\(UUID().uuidString)")
        try contents.write(to: url)
        self.contents = contents
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Implements only `send(_:body:)`, as transports written before `send(_:bodyFile:)` existed.
actor BodyOnlyTransport: HTTPTransport {
    private(set) var bodies: [Data?] = []

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        bodies.append(body)
        return (HTTPResponse(status: .created), Data("{}".utf8))
    }
}

@Suite("Bodies sent from files")
struct FileBodyTests {
    static func upload(port: UInt16) -> HTTPRequest {
        var request = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:\(port)", path: "/v1/files")
        request.headerFields[.contentType] = "multipart/form-data; boundary=test"
        request.headerFields[.authorization] = "Bearer r8_test"
        return request
    }

    @Test("URLSessionTransport streams a multi-MB file: the server gets exactly its bytes and Content-Length")
    func urlSessionStreamsFile() async throws {
        let file = try TemporaryBodyFile(size: 6_500_000)
        defer { file.remove() }
        let server = try LoopbackHTTPServer { request in
            .init(
                status: 201, headers: ["Content-Type": "application/json"],
                body: Data(#"{"received":\#(request.body.count)}"#.utf8))
        }
        defer { server.stop() }

        let (response, data) = try await URLSessionTransport().send(Self.upload(port: server.port), bodyFile: file.url)

        #expect(response.status.code == 201)
        #expect(String(decoding: data, as: UTF8.self) == #"{"received":6500000}"#)
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.path == "/v1/files")
        #expect(seen.headers["content-length"] == "6500000")
        #expect(seen.headers["transfer-encoding"] == nil)
        #expect(seen.headers["expect"] == nil)
        #expect(seen.headers["content-type"] == "multipart/form-data; boundary=test")
        #expect(seen.headers["authorization"] == "Bearer r8_test")
        #expect(seen.body == file.contents)
        #expect(FileManager.default.fileExists(atPath: file.url.path), "the transport leaves the file alone")
    }

    @Test("URLSessionTransport: a missing body file is an error that provably was not sent")
    func urlSessionMissingFile() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 201, headers: [:], body: Data()) }
        defer { server.stop() }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        let transport = URLSessionTransport()
        for url in [missing, FileManager.default.temporaryDirectory, URL(string: "https://example.com/body")!] {
            await #expect {
                _ = try await transport.send(Self.upload(port: server.port), bodyFile: url)
            } throws: { error in
                (error as? HTTPTransportError)?.requestMayHaveBeenSent == false
            }
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a transport that implements only send(_:body:) receives file bodies through the default")
    func defaultReadsTheFile() async throws {
        let file = try TemporaryBodyFile(size: 300_000)
        defer { file.remove() }
        let transport = BodyOnlyTransport()
        let wrapped: any HTTPTransport = transport
        let (response, _) = try await wrapped.send(Self.upload(port: 1), bodyFile: file.url)
        #expect(response.status == .created)
        #expect(await transport.bodies == [file.contents])

        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        await #expect {
            _ = try await wrapped.send(Self.upload(port: 1), bodyFile: missing)
        } throws: { error in
            (error as? HTTPTransportError)?.requestMayHaveBeenSent == false
        }
        #expect(await transport.bodies.count == 1, "nothing is sent when the file cannot be read")
    }
}
