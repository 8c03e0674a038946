import Foundation
import SelfieModelKit
import Testing

@testable import SelfieModelKitServices

@Suite("Training archive")
struct TrainingArchiveTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("archive-tests-\(UUID().uuidString)")

    func storePhotos(
        _ count: Int, user: AuthenticatedUser, images: any ImageStore, salt: String = ""
    )
        async throws -> [PhotoRecord]
    {
        var photos: [PhotoRecord] = []
        for index in 0..<count {
            let bytes = Data("photo \(index) of \(user.id) \(salt)".utf8) + Data(repeating: UInt8(index), count: 4096)
            let photo = PhotoRecord(
                id: PhotoID(), userID: user.id, kind: .selfie,
                sha256: sha256Hex(bytes), byteCount: bytes.count, width: 800,
                height: 1000, contentType: "image/jpeg", createdAt: Date(timeIntervalSince1970: Double(1000 + index)))
            try await images.put(bytes, at: photo.storageKey)
            photos.append(photo)
        }
        return photos
    }

    @Test("an archive of the user's photos verifies, and is reproducible")
    func buildAndVerify() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = try FileSystemImageStore(root: folder.appendingPathComponent("images"))
        let user = AuthenticatedUser.verifiedByHost(try UserID("42"), via: "test")
        let photos = try await storePhotos(12, user: user, images: images)
        let builder = TrainingArchiveBuilder(images: images, directory: folder)
        let archive = try await builder.build(photos: photos.reversed(), for: user)
        #expect(archive.photoCount == 12)
        #expect(archive.photos.map(\.id) == photos.map(\.id))
        try builder.verify(archive, against: photos)
        let again = try await builder.build(photos: photos, for: user)
        #expect(again.sha256 == archive.sha256)
    }

    @Test("another user's photo list, a missing photo or changed bytes fail verification")
    func mismatches() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = try FileSystemImageStore(root: folder.appendingPathComponent("images"))
        let alice = AuthenticatedUser.verifiedByHost(try UserID("1"), via: "test")
        let bob = AuthenticatedUser.verifiedByHost(try UserID("2"), via: "test")
        let alicePhotos = try await storePhotos(10, user: alice, images: images)
        let bobPhotos = try await storePhotos(10, user: bob, images: images, salt: "b")
        let builder = TrainingArchiveBuilder(images: images, directory: folder)
        let archive = try await builder.build(photos: alicePhotos, for: alice)

        let isMismatch: @Sendable (any Error) -> Bool = {
            ($0 as? SelfieModelKitError)?.code == .trainingPackageMismatch
        }
        #expect(performing: { try builder.verify(archive, against: bobPhotos) }, throws: isMismatch)
        #expect(performing: { try builder.verify(archive, against: Array(alicePhotos.dropLast())) }, throws: isMismatch)
        var swapped = alicePhotos
        swapped[3] = bobPhotos[3]
        #expect(performing: { try builder.verify(archive, against: swapped) }, throws: isMismatch)
        await #expect(
            performing: { _ = try await builder.build(photos: alicePhotos + [bobPhotos[0]], for: alice) },
            throws: isMismatch)

        try await images.put(Data("tampered".utf8), at: alicePhotos[0].storageKey)
        await #expect(performing: { _ = try await builder.build(photos: alicePhotos, for: alice) }, throws: isMismatch)
    }
}
