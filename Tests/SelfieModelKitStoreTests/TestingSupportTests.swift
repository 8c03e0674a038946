import Foundation
import SelfieModelKit
import SelfieModelKitTesting
import Testing

@Suite("Testing support")
struct TestingSupportTests {
    @Test("the in-memory image store keeps bytes per key and deletes them")
    func imageStore() async throws {
        let store = InMemoryImageStore()
        let images: any ImageStore = store
        let alice = try UserID("alice1")
        let bob = try UserID("bob2")
        let aliceKey = ImageKey(user: alice, kind: .generated, photo: PhotoID())
        let bobKey = ImageKey(user: bob, kind: .selfie, photo: PhotoID())
        try await images.put(Data([1, 2, 3]), at: aliceKey)
        try await images.put(Data([4]), at: bobKey)
        try await images.put(Data([5, 6]), at: aliceKey)
        #expect(try await images.get(aliceKey) == Data([5, 6]))
        #expect(await store.keys(of: alice) == [aliceKey])
        try await images.delete(aliceKey)
        try await images.delete(aliceKey)
        #expect(try await images.get(aliceKey) == nil)
        #expect(await store.keys == [bobKey])
    }

    @Test("the adjustable clock moves only when told")
    func clock() {
        let start = Date(timeIntervalSince1970: 1_000)
        let clock = AdjustableClock(now: start)
        let read = clock.nowSource
        #expect(read() == start)
        clock.advance(by: .milliseconds(1500))
        #expect(read() == start.addingTimeInterval(1.5))
        clock.set(start)
        #expect(clock.now == start)
    }

    @Test("the in-memory store exposes every row for inspection")
    func inspection() async throws {
        let store = InMemorySelfieModelStore()
        let alice = AuthenticatedUser.verifiedByHost(try UserID("alice1"), via: "test")
        let attempt = try await store.recordTrainingIntent(
            NewTrainingAttempt(
                modelID: .selfieModel(for: alice.id, owner: .sandrasocial), photoCount: 10, archiveSHA256: "00"),
            for: alice)
        let generation = try await store.recordGenerationIntent(
            NewGeneration(source: .photoshoot, lookID: "look", prompt: "p", seed: 7, requestBody: Data()),
            monthlyLimit: nil, for: alice)
        #expect(await store.allTrainingAttempts() == [attempt])
        #expect(await store.allGenerations() == [generation])
        #expect(await store.allUserModels().map(\.userID) == [alice.id])
        #expect(await store.allPhotos().isEmpty)
    }
}
