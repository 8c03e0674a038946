import Foundation
import GRDB
import SelfieModelKit

extension SQLiteSelfieModelStore: PhotoStore {
    public func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws {
        guard photo.userID == user.id else { throw SelfieModelKitError.storeOwnershipMismatch("photo") }
        let date = currentTime()
        let photo = photo.normalised
        try await write { db in
            try Self.requireNotErased(user.id, in: db)
            if let generationID = photo.generationID {
                guard try Self.fetchGeneration(generationID, owner: user.id, in: db) != nil else {
                    throw SelfieModelKitError.storeItemNotFound("generation")
                }
            }
            if let existing = try Self.fetchPhoto(photo.id, owner: nil, in: db) {
                guard existing == photo else { throw SelfieModelKitError.duplicateStoreID("photo") }
                return
            }
            try Self.ensureUser(user.id, at: date, in: db)
            try Self.insertPhoto(photo, in: db)
        }
    }

    public func photos(of kind: PhotoKind, for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM photos WHERE user_id = ? AND kind = ? ORDER BY created_at, rowid"),
                arguments: [user.id.rawValue, kind.rawValue]
            ).map(PhotoRecord.init(row:))
        }
    }

    public func photo(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await read { db in try Self.fetchPhoto(id, owner: user.id, in: db) }
    }

    public func setFavourite(
        _ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser
    ) async throws
        -> PhotoRecord?
    {
        try await write { db in
            try db.cachedStatement(
                sql: "UPDATE photos SET is_favourite = ? WHERE id = ? AND user_id = ?"
            ).execute(
                arguments: [isFavourite, Self.uuidText(id.rawValue), user.id.rawValue])
            return try Self.fetchPhoto(id, owner: user.id, in: db)
        }
    }

    public func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await write { db in
            guard let existing = try Self.fetchPhoto(id, owner: user.id, in: db) else { return nil }
            try db.cachedStatement(
                sql: "DELETE FROM photos WHERE id = ? AND user_id = ?"
            ).execute(
                arguments: [Self.uuidText(id.rawValue), user.id.rawValue])
            return existing
        }
    }

    // MARK: - Rows

    /// The photo with `id`, only when it belongs to `owner` (any owner when `nil`, for duplicate checks).
    static func fetchPhoto(_ id: PhotoID, owner: UserID?, in db: Database) throws -> PhotoRecord? {
        let row: Row?
        if let owner {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM photos WHERE id = ? AND user_id = ?"),
                arguments: [uuidText(id.rawValue), owner.rawValue])
        } else {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM photos WHERE id = ?"), arguments: [uuidText(id.rawValue)])
        }
        return try row.map(PhotoRecord.init(row:))
    }

    static func insertPhoto(_ photo: PhotoRecord, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO photos (
                    id, user_id, kind, generation_id, output_index, sha256, byte_count, width, height,
                    content_type, is_favourite, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                uuidText(photo.id.rawValue), photo.userID.rawValue, photo.kind.rawValue,
                photo.generationID.map { uuidText($0.rawValue) }, photo.outputIndex, photo.sha256, photo.byteCount,
                photo.width, photo.height, photo.contentType, photo.isFavourite, SQLiteTime.micros(photo.createdAt),
            ])
    }
}
