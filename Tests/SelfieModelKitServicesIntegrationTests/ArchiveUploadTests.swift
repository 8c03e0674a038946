import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// Forwards everything; notes how each `POST /v1/files` body was handed over (a file or memory), and
/// whether a file body was still in place while the call was under way.
final class UploadProbe: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    private let seen = Seen()

    private actor Seen {
        var fileUploads: [URL] = []
        var memoryUploads = 0
        func file(_ url: URL) { fileUploads.append(url) }
        func memory() { memoryUploads += 1 }
    }

    init(wrapping base: any HTTPTransport) { self.base = base }

    /// The body files of the uploads that came as files.
    var fileUploads: [URL] { get async { await seen.fileUploads } }
    /// How many uploads came in memory.
    var memoryUploads: Int { get async { await seen.memoryUploads } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        if request.path == "/v1/files" { await seen.memory() }
        return try await base.send(request, body: body)
    }

    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        if request.path == "/v1/files" { await seen.file(bodyFile) }
        return try await base.send(request, bodyFile: bodyFile)
    }
}

@Suite("Training archive upload")
struct ArchiveUploadTests {
    @Test(
        "the archive is uploaded from its file, its temporary body deleted afterwards; the trainer reads it",
        arguments: [StoreFactory.inMemory])
    func uploadedFromFile(_ factory: StoreFactory) async throws {
        let probe = LockedValue<UploadProbe?>(nil)
        var options = HarnessOptions()
        options.wrapTransport = { base in
            let made = UploadProbe(wrapping: base)
            probe.set(made)
            return made
        }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("archive1")
        try await studio.addSyntheticSelfies(for: user)
        _ = try await studio.training.startTraining(for: user)
        #expect(try await studio.finishTraining(for: user).status == .succeeded)

        let transport = try #require(probe.current)
        let files = await transport.fileUploads
        #expect(files.count == 1)
        #expect(await transport.memoryUploads == 0)
        #expect(files.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
        let upload = try #require(await studio.requests("POST", "/files").first)
        let entries = try RequestInspection.trainingArchive(upload)
        let selfies = try await studio.training.selfies(for: user)
        #expect(Set(entries.map { Hex.sha256($0.data) }) == Set(selfies.map(\.sha256)))
    }
}
