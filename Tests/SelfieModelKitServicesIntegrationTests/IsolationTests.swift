import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("Cross-user access")
struct IsolationTests {
    /// The error `body` throws, which must be a ``SelfieModelKitError``.
    private func failure(_ body: () async throws -> Void) async -> SelfieModelKitError? {
        await #expect(throws: SelfieModelKitError.self) { try await body() }
    }

    /// Whether two refusals are indistinguishable to the caller.
    private func same(_ lhs: SelfieModelKitError?, _ rhs: SelfieModelKitError?) -> Bool {
        guard let lhs, let rhs else { return false }
        return lhs.code == rhs.code && lhs.rule == rhs.rule && lhs.userMessage == rhs.userMessage
            && "\(lhs)" == "\(rhs)"
    }

    @Test(
        "B gets not-found, identical to a missing id, for everything of A's; B's training never holds A's photos",
        arguments: StoreFactory.all)
    func crossUserAccess(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let alice = try await studio.trainedUser("alice1", seed: 101)
        let started = try await studio.generation.generate(user: alice, look: studio.firstLook)
        #expect(try await studio.finish(started, for: alice).status == .succeeded)
        let second = try await studio.generation.generate(user: alice, look: studio.firstLook)
        #expect(try await studio.finish(second, for: alice).status == .succeeded)
        let alicePhotos = try await studio.generation.photos(for: alice)
        let aliceSelfies = try await studio.training.selfies(for: alice)
        #expect(alicePhotos.count == 6)
        // One generation's photos: exactly those it produced.
        let firstPhotos = try await studio.generation.photos(of: started.id, for: alice)
        let secondPhotos = try await studio.generation.photos(of: second.id, for: alice)
        #expect(firstPhotos.count == 3 && firstPhotos.allSatisfy { $0.generationID == started.id })
        #expect(secondPhotos.count == 3 && secondPhotos.allSatisfy { $0.generationID == second.id })
        #expect(Set((firstPhotos + secondPhotos).map(\.id)) == Set(alicePhotos.map(\.id)))
        #expect(aliceSelfies.count == 12)

        let bob = try await studio.trainedUser("bob2", seed: 202)
        let photo = alicePhotos[0]
        let selfie = aliceSelfies[0]

        let theirs1 = await failure { _ = try await studio.generation.generation(started.id, for: bob) }
        let missing1 = await failure { _ = try await studio.generation.generation(GenerationID(), for: bob) }
        #expect(same(theirs1, missing1))
        let theirs2 = await failure { _ = try await studio.generation.photo(photo.id, for: bob) }
        let missing2 = await failure { _ = try await studio.generation.photo(PhotoID(), for: bob) }
        #expect(same(theirs2, missing2))
        let theirs3 = await failure { _ = try await studio.generation.photo(selfie.id, for: bob) }
        let missing3 = await failure { _ = try await studio.generation.photo(PhotoID(), for: bob) }
        #expect(same(theirs3, missing3))
        let theirs4 = await failure { _ = try await studio.generation.setFavourite(photo.id, true, for: bob) }
        let missing4 = await failure { _ = try await studio.generation.setFavourite(PhotoID(), true, for: bob) }
        #expect(same(theirs4, missing4))
        let theirs5 = await failure { try await studio.generation.deletePhoto(photo.id, for: bob) }
        let missing5 = await failure { try await studio.generation.deletePhoto(PhotoID(), for: bob) }
        #expect(same(theirs5, missing5))
        let theirs6 = await failure { try await studio.training.deleteSelfie(selfie.id, for: bob) }
        let missing6 = await failure { try await studio.training.deleteSelfie(PhotoID(), for: bob) }
        #expect(same(theirs6, missing6))
        let theirs7 = await failure { _ = try await studio.generation.photos(of: started.id, for: bob) }
        let missing7 = await failure { _ = try await studio.generation.photos(of: GenerationID(), for: bob) }
        #expect(same(theirs7, missing7))
        #expect(await failure { _ = try await studio.generation.generation(started.id, for: bob) }?.code == .notFound)

        // Nothing of Alice's changed or went.
        #expect(try await studio.generation.photos(for: alice) == alicePhotos)
        #expect(try await studio.training.selfies(for: alice) == aliceSelfies)
        #expect(await studio.images.get(photo.storageKey) != nil)
        #expect(await studio.images.get(selfie.storageKey) != nil)
        #expect(try await studio.generation.generation(started.id, for: alice).status == .succeeded)

        // Bob's lists hold only Bob's.
        #expect(try await studio.generation.photos(for: bob).isEmpty)
        let bobSelfies = try await studio.training.selfies(for: bob)
        #expect(bobSelfies.count == 12)
        #expect(bobSelfies.allSatisfy { $0.userID == bob.id })
        #expect(try await studio.store.generations(for: bob, limit: 10).isEmpty)

        // The archive the simulator received for Bob's training holds exactly Bob's stored selfies.
        let uploads = await studio.requests("POST", "/files")
        #expect(uploads.count == 2)
        let bobUpload = try #require(
            try uploads.first { try RequestInspection.uploadedFileName($0) == "selfies-bob2.zip" })
        let entries = try RequestInspection.trainingArchive(bobUpload)
        #expect(entries.count == 12)
        #expect(Set(entries.map { Hex.sha256($0.data) }) == Set(bobSelfies.map(\.sha256)))
        #expect(Set(entries.map { Hex.sha256($0.data) }).isDisjoint(with: aliceSelfies.map(\.sha256)))
        for entry in entries {
            #expect(bobSelfies.contains { entry.path.contains($0.id.description) })
            #expect(!aliceSelfies.contains { entry.path.contains($0.id.description) })
        }
        let bobAttempt = try #require(try await studio.training.status(for: bob).latestAttempt)
        #expect(bobAttempt.photoCount == 12)

        // Each user's training wrote to that user's own model, with that user's trigger word.
        let trainings = await studio.trainingCreates()
        #expect(trainings.count == 2)
        for (request, user) in zip(trainings, ["alice1", "bob2"]) {
            let body = try RequestInspection.json(request)
            #expect(body["destination"]?.stringValue == "sandrasocial/\(user)-selfie-lora")
            #expect(body["input"]?["trigger_word"]?.stringValue == "user\(user)")
        }
    }
}
