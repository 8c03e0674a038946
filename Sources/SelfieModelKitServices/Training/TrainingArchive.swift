import Crypto
import Foundation
import SelfieModelKit
import ZIPFoundation

/// A training archive built from one user's stored selfies, verified against the store before upload.
public struct TrainingArchive: Sendable {
    /// The archive file (a temporary file; delete it after the upload).
    public let fileURL: URL
    /// How many photos it holds.
    public let photoCount: Int
    /// sha256 of the whole archive, lowercase hex.
    public let sha256: String
    /// The photos it holds, in archive order.
    public let photos: [PhotoRecord]
}

/// Builds and verifies training archives.
///
/// The archive holds this user's stored selfies only, in a stable order (oldest first, then by id), with
/// fixed entry dates, so the same photos always give the same bytes. It is written to a file one photo at
/// a time, so memory stays bounded by the largest photo rather than the whole set.
///
/// Before the archive is uploaded, ``verify(_:against:)`` reopens it and checks the entry count and the
/// sha256 of every entry against the store's records: this is the guard against ever training a user's
/// model on another user's photos.
public struct TrainingArchiveBuilder: Sendable {
    private let images: any ImageStore
    private let directory: URL

    /// Creates a builder reading bytes from `images` and writing archives into `directory`
    /// (the system's temporary folder by default).
    public init(images: any ImageStore, directory: URL = FileManager.default.temporaryDirectory) {
        self.images = images
        self.directory = directory
    }

    /// The fixed modification date of every entry (1 January 2000, UTC), for reproducible archives.
    static let entryDate = Date(timeIntervalSince1970: 946_684_800)

    /// Writes the archive of `photos`, all of which must belong to `user` and be selfies.
    public func build(photos: [PhotoRecord], for user: AuthenticatedUser) async throws -> TrainingArchive {
        let ordered = photos.sorted { ($0.createdAt, $0.id.description) < ($1.createdAt, $1.id.description) }
        guard ordered.allSatisfy({ $0.userID == user.id && $0.kind == .selfie }) else {
            throw Self.mismatch("a photo of another user or kind was offered for \(user.id)'s archive")
        }
        let fileURL = directory.appendingPathComponent("training-\(user.id.rawValue)-\(UUID().uuidString).zip")
        do {
            let archive = try Archive(url: fileURL, accessMode: .create)
            for (index, photo) in ordered.enumerated() {
                guard let data = try await images.get(photo.storageKey) else {
                    throw Self.mismatch("stored bytes missing for photo \(photo.id)")
                }
                guard sha256Hex(data) == photo.sha256 else {
                    throw Self.mismatch("stored bytes of photo \(photo.id) do not match their recorded sha256")
                }
                try archive.addEntry(
                    with: Self.entryName(index: index, photo: photo), type: .file, uncompressedSize: Int64(data.count),
                    modificationDate: Self.entryDate, compressionMethod: .none
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: fileURL)
            throw error
        }
        return TrainingArchive(
            fileURL: fileURL, photoCount: ordered.count, sha256: try Self.fileSHA256(fileURL), photos: ordered)
    }

    /// Reopens `archive` and checks it holds exactly `expected` — the user's selfies as the store lists
    /// them now — entry by entry: count, names, and the sha256 of every entry's bytes.
    ///
    /// - Throws: `SelfieModelKitError` with code `.trainingPackageMismatch` on any difference.
    public func verify(_ archive: TrainingArchive, against expected: [PhotoRecord]) throws {
        let ordered = expected.sorted { ($0.createdAt, $0.id.description) < ($1.createdAt, $1.id.description) }
        let reader = try Archive(url: archive.fileURL, accessMode: .read)
        let entries = Array(reader)
        guard entries.count == ordered.count, archive.photoCount == ordered.count else {
            throw Self.mismatch("archive holds \(entries.count) entries, the store lists \(ordered.count) selfies")
        }
        for (index, (entry, photo)) in zip(entries, ordered).enumerated() {
            guard entry.path == Self.entryName(index: index, photo: photo) else {
                throw Self.mismatch("entry \(index) is \(entry.path), expected photo \(photo.id)")
            }
            var hasher = SHA256()
            _ = try reader.extract(entry, skipCRC32: false) { hasher.update(data: $0) }
            guard lowercaseHex(hasher.finalize()) == photo.sha256 else {
                throw Self.mismatch("entry \(entry.path) does not match the stored photo's sha256")
            }
        }
        guard try Self.fileSHA256(archive.fileURL) == archive.sha256 else {
            throw Self.mismatch("the archive changed after it was built")
        }
    }

    static func entryName(index: Int, photo: PhotoRecord) -> String {
        let number = String(index + 1)
        let padded = String(repeating: "0", count: max(0, 3 - number.count)) + number
        return "\(padded)-\(photo.id).\(fileExtension(for: photo.contentType))"
    }

    static func fileExtension(for contentType: String) -> String {
        switch contentType {
        case "image/jpeg": "jpg"
        case "image/png": "png"
        case "image/webp": "webp"
        default: "bin"
        }
    }

    static func fileSHA256(_ url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return lowercaseHex(hasher.finalize())
    }

    static func mismatch(_ detail: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .trainingPackageMismatch, rule: "training-archive.verify",
            userMessage: "We couldn't prepare your selfies for training. Please try again; nothing was sent.",
            detail: detail)
    }
}
