import Foundation
import PostgresNIO
import SelfieModelKit

extension PostgresSelfieModelStore: PhotoStore {
    public func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) async throws {
        guard photo.userID == user.id else { throw SelfieModelKitError.storeOwnershipMismatch("photo") }
        var photo = photo
        photo.createdAt = Self.microseconds(photo.createdAt)
        try await withUser(user) { [photo] connection in
            try await requireNotErased(user, on: connection)
            try await registerUser(user, on: connection)
            let inserted = try await connection.query(
                """
                INSERT INTO photos (id, user_id, kind, generation_id, output_index, sha256, byte_count, width,
                                    height, content_type, is_favourite, created_at)
                VALUES (\(photo.id.rawValue), \(user.id.rawValue), \(photo.kind.rawValue),
                        \(photo.generationID?.rawValue), \(photo.outputIndex), \(photo.sha256), \(photo.byteCount),
                        \(photo.width), \(photo.height), \(photo.contentType), \(photo.isFavourite), \(photo.createdAt))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """, logger: logger
            ).collect()
            guard inserted.isEmpty else { return }
            // The id is taken: adding the identical row again does nothing; anything else (including a row
            // of another user, which is not even visible here) is a duplicate id.
            let existing = try await connection.query(
                "SELECT * FROM photos WHERE id = \(photo.id.rawValue)", logger: logger
            ).collect().first.map(PostgresRows.photo)
            guard existing == photo else { throw SelfieModelKitError.duplicateStoreID("photo") }
        }
    }

    public func photos(of kind: PhotoKind, for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        try await withUser(user) { connection in
            try await connection.query(
                """
                SELECT * FROM photos WHERE user_id = \(user.id.rawValue) AND kind = \(kind.rawValue)
                 ORDER BY created_at, seq
                """, logger: logger
            ).collect().map(PostgresRows.photo)
        }
    }

    public func photo(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await withUser(user) { connection in
            try await connection.query(
                "SELECT * FROM photos WHERE id = \(id.rawValue) AND user_id = \(user.id.rawValue)", logger: logger
            ).collect().first.map(PostgresRows.photo)
        }
    }

    public func setFavourite(
        _ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser
    ) async throws
        -> PhotoRecord?
    {
        try await withUser(user) { connection in
            try await connection.query(
                """
                UPDATE photos SET is_favourite = \(isFavourite)
                 WHERE id = \(id.rawValue) AND user_id = \(user.id.rawValue)
                RETURNING *
                """, logger: logger
            ).collect().first.map(PostgresRows.photo)
        }
    }

    public func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) async throws -> PhotoRecord? {
        try await withUser(user) { connection in
            try await connection.query(
                "DELETE FROM photos WHERE id = \(id.rawValue) AND user_id = \(user.id.rawValue) RETURNING *",
                logger: logger
            ).collect().first.map(PostgresRows.photo)
        }
    }

    /// `date` truncated to the microsecond PostgreSQL keeps.
    static func microseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000_000).rounded(.down) / 1_000_000)
    }
}

extension PostgresSelfieModelStore: WebhookReceiptStore {
    public func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) async throws -> Bool {
        let rows = try await single(
            "SELECT selfie_system_record_webhook_receipt(\(webhookID), \(Self.microseconds(receivedAt)))")
        return try rows.first?.decode(Bool.self) ?? false
    }
}
