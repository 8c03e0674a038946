import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

@Suite("Outputs outlive Replicate's one-hour retention")
struct RetentionTests {
    @Test(
        "after the delivery URLs expire, the photos are still served from the image store", arguments: StoreFactory.all)
    func outputsServedAfterExpiry(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("keep1")
        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        let done = try await studio.finish(started, for: user)
        #expect(done.status == .succeeded)
        let predictionID = try #require(done.predictionID)

        let prediction = try await studio.context.client.prediction(predictionID)
        let urls = prediction.outputURLs
        #expect(urls.count == 3)
        let fresh = try await studio.context.client.download(urls[0], for: user.id)
        let photos = try await studio.generation.photos(for: user).sorted {
            ($0.outputIndex ?? 0) < ($1.outputIndex ?? 0)
        }
        #expect(photos.count == 3)
        #expect(photos.first?.sha256 == Hex.sha256(fresh))

        try await studio.advance(by: 3600 + 120)
        let expired = try await studio.context.client.prediction(predictionID)
        #expect(expired.dataRemoved)
        #expect(expired.outputURLs.isEmpty)
        for url in urls {
            await #expect(throws: (any Error).self) { try await studio.context.client.download(url, for: user.id) }
        }
        let deliveryGets = await studio.simulator.recordedRequests().filter {
            $0.method == "GET" && urls.map(\.path).contains($0.path)
        }
        #expect(deliveryGets.suffix(3).allSatisfy { $0.status >= 400 })

        for photo in photos {
            let (_, bytes) = try await studio.generation.photo(photo.id, for: user)
            #expect(Hex.sha256(bytes) == photo.sha256)
        }
    }
}
