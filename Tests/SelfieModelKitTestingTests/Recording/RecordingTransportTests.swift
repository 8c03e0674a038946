import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitTesting
import Testing

/// Notes which entry point each request arrived through, and the body file's bytes while it was there.
actor EntryPointTransport: HTTPTransport {
    private(set) var entries: [(bodyFile: URL?, body: Data?)] = []

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        entries.append((nil, body))
        return (HTTPResponse(status: .ok), Data())
    }

    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        entries.append((bodyFile, try Data(contentsOf: bodyFile)))
        return (HTTPResponse(status: .created), Data())
    }
}

@Suite("RecordingTransport")
struct RecordingTransportTests {
    @Test("a file body is forwarded as the file and recorded as its bytes, the token redacted")
    func fileBody() async throws {
        let contents = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 5) })
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("recording-\(UUID().uuidString)")
        try contents.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let base = EntryPointTransport()
        let recorder = RecordingTransport(wrapping: base)
        var request = HTTPRequest(method: .post, scheme: "https", authority: "api.replicate.com", path: "/v1/files")
        request.headerFields[.authorization] = "Bearer r8_secret"

        let (response, _) = try await recorder.send(request, bodyFile: file)
        _ = try await recorder.send(request, body: Data("small".utf8))

        #expect(response.status == .created)
        let entries = await base.entries
        #expect(entries.count == 2)
        #expect(entries.first?.bodyFile == file, "the wrapped transport gets the file, to stream it")
        #expect(entries.first?.body == contents)
        #expect(entries.last?.bodyFile == nil)
        let recorded = await recorder.requests()
        #expect(recorded.map(\.bodyFromFile) == [true, false])
        #expect(recorded.first?.body == contents)
        #expect(recorded.first?.status == 201)
        #expect(recorded.first?.headers["authorization"] == "<redacted>")
        #expect(recorded.last?.body == Data("small".utf8))
    }
}
