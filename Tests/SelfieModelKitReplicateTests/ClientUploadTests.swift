import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

@testable import SelfieModelKitReplicate

/// Forwards to `base` through `send(_:body:)` only, as a wrapper written before `send(_:bodyFile:)`
/// existed; counts the uploads it saw.
actor BodyOnlyWrapper: HTTPTransport {
    let base: any HTTPTransport
    private(set) var uploads: [Data] = []

    init(base: any HTTPTransport) { self.base = base }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        if request.path == "/v1/files", let body { uploads.append(body) }
        return try await base.send(request, body: body)
    }
}

/// Hands the body file it was given to the test, then waits until its task is cancelled.
actor StallingTransport: HTTPTransport {
    let seen: AsyncStream<URL>.Continuation

    init(seen: AsyncStream<URL>.Continuation) { self.seen = seen }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        throw HTTPTransportError(requestMayHaveBeenSent: true, reason: "unexpected")
    }

    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        seen.yield(bodyFile)
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

@Suite("Uploads from files")
struct ClientUploadTests {
    static let fileJSON = """
        {"id":"f1","name":"selfies.zip","content_type":"application/zip","size":4,\
        "urls":{"get":"https://api.replicate.com/v1/files/f1"}}
        """

    /// A temporary file of `size` position-dependent bytes.
    static func sourceFile(size: Int) throws -> (URL, Data) {
        let contents = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("upload-source-\(UUID().uuidString)")
        try contents.write(to: url)
        return (url, contents)
    }

    @Test(
        "the file path sends the same multipart bytes as the Data path",
        arguments: [
            (0, nil), (4, JSONValue.object(["user": .string("42")])),
            (MultipartBodyFile.chunkSize * 2 + 12_345, JSONValue.object(["purpose": .string("selfie-training")])),
        ] as [(Int, JSONValue?)])
    func sameBytes(size: Int, metadata: JSONValue?) async throws {
        let (source, contents) = try Self.sourceFile(size: size)
        defer { try? FileManager.default.removeItem(at: source) }
        let (client, transport, _) = try Fixtures.client([.json(201, Self.fileJSON), .json(201, Self.fileJSON)])
        let name = "user42 \"selfies\"\r\n.zip"
        _ = try await client.upload(
            .data(contents), filename: name, contentType: "application/zip", metadata: metadata, for: nil,
            boundary: "fixed-boundary")
        _ = try await client.upload(
            .file(source), filename: name, contentType: "application/zip", metadata: metadata, for: nil,
            boundary: "fixed-boundary")

        let requests = await transport.requests
        try #require(requests.count == 2)
        #expect(requests[0].bodyFile == nil)
        let bodyFile = try #require(requests[1].bodyFile, "the file path hands the transport a file")
        #expect(requests[1].body == requests[0].body)
        #expect(requests[1].header("Content-Type") == requests[0].header("Content-Type"))
        #expect(requests[1].header("Content-Type") == "multipart/form-data; boundary=fixed-boundary")
        let body = try #require(requests[0].body)
        #expect(body.count > contents.count)
        #expect(body.range(of: contents.isEmpty ? Data("\r\n\r\n\r\n".utf8) : contents) != nil)
        #expect(!FileManager.default.fileExists(atPath: bodyFile.path), "the temporary body is deleted")
        #expect(FileManager.default.fileExists(atPath: source.path), "the source is left alone")
    }

    @Test("uploadFile(contentsOf:) returns the file and leaves no temporary body behind")
    func publicOverload() async throws {
        let (source, contents) = try Self.sourceFile(size: 70_000)
        defer { try? FileManager.default.removeItem(at: source) }
        let (client, transport, _) = try Fixtures.client([.json(201, Self.fileJSON)])
        let file = try await client.uploadFile(
            contentsOf: source, filename: "selfies.zip", contentType: "application/zip", for: Fixtures.user.id)
        #expect(file.url?.absoluteString == "https://api.replicate.com/v1/files/f1")
        let request = try #require(await transport.requests.first)
        #expect(request.method == .post)
        #expect(request.path == "/v1/files")
        #expect(request.header("Authorization") == "Bearer r8_test_token_0123456789abcdef")
        let contentType = try #require(request.header("Content-Type"))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        var expected = Data(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"selfies.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").utf8)
        expected.append(contents)
        expected.append(
            Data(
                ("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\napplication/zip\r\n"
                    + "--\(boundary)--\r\n").utf8))
        #expect(request.body == expected)
        let bodyFile = try #require(request.bodyFile)
        #expect(!FileManager.default.fileExists(atPath: bodyFile.path))
    }

    @Test("a POST that provably was not sent is retried with the same body file; one that may have been is not")
    func retries() async throws {
        let (source, _) = try Self.sourceFile(size: 10_000)
        defer { try? FileManager.default.removeItem(at: source) }
        let notSent = HTTPTransportError(requestMayHaveBeenSent: false, reason: "connection refused")
        let (client, transport, clock) = try Fixtures.client([.failure(notSent), .json(201, Self.fileJSON)])
        _ = try await client.uploadFile(contentsOf: source, filename: "a.zip", contentType: "application/zip")
        let requests = await transport.requests
        #expect(requests.count == 2)
        #expect(requests[0].bodyFile == requests[1].bodyFile)
        #expect(requests[0].body == requests[1].body)
        #expect(clock.sleeps.count == 1)
        #expect(!FileManager.default.fileExists(atPath: try #require(requests[0].bodyFile).path))

        let maybeSent = HTTPTransportError(requestMayHaveBeenSent: true, reason: "connection reset")
        let (failing, failingTransport, _) = try Fixtures.client([.failure(maybeSent), .json(201, Self.fileJSON)])
        let error = await #expect(throws: ReplicateError.self) {
            try await failing.uploadFile(contentsOf: source, filename: "a.zip", contentType: "application/zip")
        }
        #expect(error?.code == .transport)
        #expect(error?.requestMayHaveBeenSent == true)
        let failed = await failingTransport.requests
        #expect(failed.count == 1)
        #expect(!FileManager.default.fileExists(atPath: try #require(failed.first?.bodyFile).path))
    }

    @Test("a source file that cannot be read fails with .localFile before anything is sent")
    func unreadableSource() async throws {
        let (client, transport, _) = try Fixtures.client([.json(201, Self.fileJSON)])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        let error = await #expect(throws: ReplicateError.self) {
            try await client.uploadFile(contentsOf: missing, filename: "a.zip", contentType: "application/zip")
        }
        #expect(error?.code == .localFile)
        #expect(await transport.requests.isEmpty)
    }

    @Test("cancelling an upload in flight deletes its temporary body")
    func cancellation() async throws {
        let (source, _) = try Self.sourceFile(size: 10_000)
        defer { try? FileManager.default.removeItem(at: source) }
        let (seen, continuation) = AsyncStream<URL>.makeStream()
        let client = try ReplicateClient(token: Fixtures.token, transport: StallingTransport(seen: continuation))
        let upload = Task {
            try await client.uploadFile(contentsOf: source, filename: "a.zip", contentType: "application/zip")
        }
        var iterator = seen.makeAsyncIterator()
        let bodyFile = try #require(await iterator.next())
        #expect(FileManager.default.fileExists(atPath: bodyFile.path))
        upload.cancel()
        await #expect(throws: CancellationError.self) { try await upload.value }
        #expect(!FileManager.default.fileExists(atPath: bodyFile.path))
    }

    @Test("a wrapper that implements only send(_:body:) still sees file uploads")
    func bodyOnlyWrapper() async throws {
        let (source, contents) = try Self.sourceFile(size: 50_000)
        defer { try? FileManager.default.removeItem(at: source) }
        let scripted = ScriptedTransport([.json(201, Self.fileJSON)])
        let wrapper = BodyOnlyWrapper(base: scripted)
        let client = try ReplicateClient(token: Fixtures.token, transport: wrapper)
        _ = try await client.uploadFile(contentsOf: source, filename: "a.zip", contentType: "application/zip")
        let uploads = await wrapper.uploads
        #expect(uploads.count == 1)
        #expect(uploads.first?.range(of: contents) != nil)
        #expect(await scripted.requests.first?.body == uploads.first)
    }
}
