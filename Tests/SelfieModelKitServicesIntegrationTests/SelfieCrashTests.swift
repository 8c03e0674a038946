import Foundation
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// An image store whose writes land and then never return: the host dies after a selfie's bytes were
/// written and before its row was inserted (the task is cancelled there, and goes no further).
private struct DyingAfterWriteImageStore: ImageStore {
    let base: InMemoryImageStore
    let wrote: LockedValue<Int>

    func put(_ data: Data, at key: ImageKey) async throws {
        await base.put(data, at: key)
        wrote.withLock { $0 += 1 }
        try await Task.sleep(for: .seconds(3600))  // the host is gone; cancelling the task ends it here
        throw CancellationError()
    }
    func get(_ key: ImageKey) async throws -> Data? { await base.get(key) }
    func delete(_ key: ImageKey) async throws { await base.delete(key) }
    func deleteAll(of user: UserID) async throws -> Int { await base.deleteAll(of: user) }
}

@Suite("A host killed mid-upload")
struct SelfieCrashTests {
    @Test(
        "killed between a selfie's bytes and its row: the app's retry leaves no bytes without a row",
        arguments: StoreFactory.all)
    func killedBetweenBytesAndRow(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try studio.user("crash1")
        let selfie = try #require(SyntheticSelfies.make(count: 1, seed: 9).first)
        let upload = SelfieUpload(data: selfie.png, fileName: selfie.filename)

        // The first host writes the bytes and dies before the row.
        let wrote = LockedValue(0)
        var dying = studio.context
        dying.images = DyingAfterWriteImageStore(base: studio.images, wrote: wrote)
        let doomed = ModelTrainingService(context: dying)
        let task = Task { try await doomed.addSelfies([upload], for: user) }
        while wrote.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        _ = await task.result
        #expect(try await studio.store.photos(of: .selfie, for: user).isEmpty)

        // The app sends the same selfie again, to another host.
        let intake = try await studio.training.addSelfies([upload], for: user)
        #expect(intake.stored.count == 1)
        let rows = try await studio.store.photos(of: .selfie, for: user)
        #expect(rows.count == 1)
        #expect(Set(await studio.images.keys(of: user.id)) == Set(rows.map(\.storageKey)))
    }
}
