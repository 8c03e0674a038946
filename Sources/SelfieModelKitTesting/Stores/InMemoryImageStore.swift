import Foundation
import SelfieModelKit

/// An `ImageStore` held in memory, for tests and test harnesses.
public actor InMemoryImageStore: ImageStore {
    private var blobs: [ImageKey: Data] = [:]

    /// Creates an empty store.
    public init() {}

    public func put(_ data: Data, at key: ImageKey) {
        blobs[key] = data
    }

    public func get(_ key: ImageKey) -> Data? {
        blobs[key]
    }

    public func delete(_ key: ImageKey) {
        blobs[key] = nil
    }

    public func deleteAll(of user: UserID) -> Int {
        let mine = blobs.keys.filter { $0.user == user }
        for key in mine { blobs[key] = nil }
        return mine.count
    }

    /// Every key that holds bytes, sorted by path, for assertions.
    public var keys: [ImageKey] {
        blobs.keys.sorted { $0.path < $1.path }
    }

    /// The keys of one user's bytes, sorted by path.
    public func keys(of user: UserID) -> [ImageKey] {
        keys.filter { $0.user == user }
    }
}
