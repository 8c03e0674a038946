import AsyncHTTPClient
import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitAsyncHTTPClient
import Testing

@Suite("AsyncHTTPClientTransport sends bodies from files")
struct AsyncHTTPClientFileBodyTests {
    /// Writes `size` bytes of a position-dependent pattern to a new temporary file.
    static func bodyFile(size: Int) throws -> (URL, Data) {
        let contents = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ahc-body-\(UUID().uuidString)")
        try contents.write(to: url)
        return (url, contents)
    }

    @Test("a multi-MB file is streamed: the server gets exactly its bytes, with Content-Length, not chunked")
    func streamsFile() async throws {
        let (url, contents) = try Self.bodyFile(size: 5_300_000)
        defer { try? FileManager.default.removeItem(at: url) }
        let server = try await LocalHTTPServer.start()
        let client = AsyncHTTPClientTransport.makeClient()
        let transport = AsyncHTTPClientTransport(client: client)
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=test"
        let request = AsyncHTTPClientTransportTests.request(
            .post, port: server.port, path: "/echo/files", headers: headers)
        let result: Result<(HTTPResponse, Data), any Error>
        do {
            result = .success(try await transport.send(request, bodyFile: url))
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        try await server.stop()

        let (response, data) = try result.get()
        #expect(response.status == .ok)
        let echo = try JSONDecoder().decode([String: String].self, from: data)
        #expect(echo["method"] == "POST")
        #expect(echo["content-length"] == "5300000")
        #expect(echo["transfer-encoding"] == "")
        #expect(echo["content-type"] == "multipart/form-data; boundary=test")
        #expect(echo["body"].flatMap { Data(base64Encoded: $0) } == contents)
        #expect(FileManager.default.fileExists(atPath: url.path), "the transport leaves the file alone")
    }

    @Test("a server that answers before reading the body: the answer or a possibly-sent failure, never a crash")
    func earlyAnswer() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ahc-early-\(UUID().uuidString)")
        try Data(count: 24_000_000).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let server = try await LocalHTTPServer.start()
        let client = AsyncHTTPClientTransport.makeClient()
        let transport = AsyncHTTPClientTransport(client: client)
        var outcomes: [Int] = []
        for _ in 0..<3 {
            do {
                let (response, _) = try await transport.send(
                    AsyncHTTPClientTransportTests.request(.post, port: server.port, path: "/early/files"), bodyFile: url
                )
                outcomes.append(response.status.code)
            } catch let error as HTTPTransportError {
                #expect(error.requestMayHaveBeenSent)
                outcomes.append(0)
            }
        }
        // The transport still works for the next request.
        let (after, _) = try await transport.send(
            AsyncHTTPClientTransportTests.request(.post, port: server.port, path: "/echo"), body: Data("x".utf8))
        try await client.shutdown()
        try await server.stop()
        #expect(outcomes.count == 3)
        #expect(outcomes.allSatisfy { $0 == 413 || $0 == 0 })
        #expect(after.status == .ok)
    }

    @Test("a body file that cannot be opened is an error that provably was not sent")
    func unreadableFile() async throws {
        let client = AsyncHTTPClientTransport.makeClient()
        let transport = AsyncHTTPClientTransport(client: client)
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        var failures: [HTTPTransportError] = []
        for url in [missing, FileManager.default.temporaryDirectory, URL(string: "https://example.com/body")!] {
            do {
                _ = try await transport.send(
                    AsyncHTTPClientTransportTests.request(.post, port: 1, path: "/echo"), bodyFile: url)
            } catch let error as HTTPTransportError {
                failures.append(error)
            }
        }
        try await client.shutdown()
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { !$0.requestMayHaveBeenSent })
    }
}
