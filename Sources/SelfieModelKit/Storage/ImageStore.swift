import Foundation

/// Where a photo's bytes live in an ``ImageStore``: `users/{userId}/{kind}/{photoId}`.
///
/// Keys are derived from the owner and the photo id, never taken from input, so a key for one user can
/// never address another user's bytes.
public struct ImageKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The owner of the bytes.
    public let user: UserID
    /// Selfie or generated.
    public let kind: PhotoKind
    /// The photo's id.
    public let photo: PhotoID

    /// The key of `photo`, owned by `user`.
    public init(user: UserID, kind: PhotoKind, photo: PhotoID) {
        self.user = user
        self.kind = kind
        self.photo = photo
    }

    /// The key as a relative path: `users/{userId}/{kind}/{photoId}`.
    public var path: String { "users/\(user.rawValue)/\(kind.rawValue)/\(photo.description)" }

    public var description: String { path }
}

/// Stores the bytes of selfies and generated photos (files, object storage, memory).
///
/// Implementations must be safe to call concurrently and must make ``put(_:at:)`` durable before
/// returning: a generation is marked succeeded only after its outputs were put.
public protocol ImageStore: Sendable {
    /// Stores `data` at `key`, replacing what was there.
    func put(_ data: Data, at key: ImageKey) async throws
    /// The bytes at `key`, or `nil` when there are none.
    func get(_ key: ImageKey) async throws -> Data?
    /// Deletes the bytes at `key`; deleting a missing key is not an error.
    func delete(_ key: ImageKey) async throws
    /// Deletes every key of `user` (`users/{userId}/…`), including bytes no photo row names any more;
    /// returns how many were deleted. Erasing a user calls it; another user's bytes are never touched.
    func deleteAll(of user: UserID) async throws -> Int
}

/// An ``ImageStore`` on the local file system: one file per key under a root folder.
///
/// Writes go to a temporary file that is then renamed into place, so a crash never leaves a half photo.
public struct FileSystemImageStore: ImageStore {
    /// The folder that holds `users/…`.
    public let root: URL

    /// Creates a store rooted at `root`, creating the folder when missing.
    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    private func url(for key: ImageKey) -> URL { root.appendingPathComponent(key.path) }

    public func put(_ data: Data, at key: ImageKey) async throws {
        let destination = url(for: key)
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: destination, options: .atomic)
    }

    public func get(_ key: ImageKey) async throws -> Data? {
        let source = url(for: key)
        guard FileManager.default.fileExists(atPath: source.path) else { return nil }
        return try Data(contentsOf: source)
    }

    public func delete(_ key: ImageKey) async throws {
        let target = url(for: key)
        if FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.removeItem(at: target)
        }
    }

    public func deleteAll(of user: UserID) async throws -> Int {
        // The folder of exactly this user: a user id is `[a-z0-9]`, so it never names another user's folder.
        let folder = root.appendingPathComponent("users").appendingPathComponent(user.rawValue)
        guard FileManager.default.fileExists(atPath: folder.path) else { return 0 }
        var count = 0
        if let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let file as URL in files
            where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                count += 1
            }
        }
        try FileManager.default.removeItem(at: folder)
        return count
    }
}
