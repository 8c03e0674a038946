import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// Cuts every downloaded output file short, as a broken connection or a bad CDN edge would.
struct TruncatingDownloads: HTTPTransport {
    let base: any HTTPTransport

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let (response, data) = try await base.send(request, body: body)
        guard request.method == .get, (request.path ?? "").hasSuffix(".png") else { return (response, data) }
        return (response, data.prefix(data.count / 2))
    }
}

@Suite("Damaged outputs")
struct DamagedOutputTests {
    @Test(
        "a truncated output PNG fails the generation with an explanation; nothing half-stored",
        arguments: [StoreFactory.inMemory])
    func truncatedOutput(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.wrapTransport = { TruncatingDownloads(base: $0) }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("damaged1", reconcile: true)
        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        let finished = try await studio.finish(started, for: user, reconcile: true)
        #expect(finished.status == .failed)
        #expect(finished.failure?.userMessage.contains("damaged") == true)
        #expect(try await studio.generation.photos(for: user).isEmpty)
        #expect(await studio.predictionCreates().count == 1, "never retried with other parameters")
    }
}
