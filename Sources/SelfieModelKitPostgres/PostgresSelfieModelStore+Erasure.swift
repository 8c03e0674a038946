import Foundation
import PostgresNIO
import SelfieModelKit

extension PostgresSelfieModelStore: UserErasureStore {
    /// The advisory lock class that orders an erasure's beginning against the user's own intents: the
    /// beginning takes it exclusively, every call that creates something for the user takes it shared.
    static let erasureLockClass: Int32 = 0x534D_4B45

    public func beginUserErasure(for user: AuthenticatedUser, reason: String) async throws -> UserErasure {
        let now = self.now
        return try await withUser(user) { connection in
            // Waits for the user's intents in flight to commit, so the erasure's next read sees every one of
            // them; intents that come later find the tombstone.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(Self.erasureLockClass), hashtext(\(user.id.rawValue)))",
                logger: logger)
            try await connection.query(
                """
                INSERT INTO user_erasures (user_id, reason, started_at)
                VALUES (\(user.id.rawValue), \(reason), \(now))
                ON CONFLICT (user_id) DO NOTHING
                """, logger: logger)
            let rows = try await connection.query(
                "SELECT * FROM user_erasures WHERE user_id = \(user.id.rawValue)", logger: logger
            ).collect()
            guard let row = rows.first else {
                throw SelfieModelKitError.storageFailure("the erasure row was not written")
            }
            return try Self.erasure(row)
        }
    }

    public func userErasure(for user: AuthenticatedUser) async throws -> UserErasure? {
        try await withUser(user) { connection in
            try await connection.query(
                "SELECT * FROM user_erasures WHERE user_id = \(user.id.rawValue)", logger: logger
            ).collect().first.map(Self.erasure)
        }
    }

    public func completeUserErasure(for user: AuthenticatedUser) async throws -> ErasedRows {
        let now = self.now
        return try await withUser(user) { connection in
            let found = try await connection.query(
                "SELECT user_id FROM user_erasures WHERE user_id = \(user.id.rawValue) FOR UPDATE", logger: logger
            ).collect()
            guard !found.isEmpty else { throw SelfieModelKitError.userErasureNotBegun }
            var rows = ErasedRows()
            // Children first, so each count is this table's own rows rather than a cascade's.
            rows.photos = try await count(
                connection.query(
                    "DELETE FROM photos WHERE user_id = \(user.id.rawValue) RETURNING 1", logger: logger))
            rows.generations = try await count(
                connection.query(
                    "DELETE FROM generations WHERE user_id = \(user.id.rawValue) RETURNING 1", logger: logger))
            rows.trainingAttempts = try await count(
                connection.query(
                    "DELETE FROM training_attempts WHERE user_id = \(user.id.rawValue) RETURNING 1", logger: logger))
            rows.userModels = try await count(
                connection.query(
                    "DELETE FROM user_models WHERE user_id = \(user.id.rawValue) RETURNING 1", logger: logger))
            if case .managed = configuration.usersTable {
                // The library's own users table holds the id only; a host's own table is the host's to clean.
                try await connection.query("DELETE FROM users WHERE id = \(user.id.rawValue)", logger: logger)
            }
            try await connection.query(
                """
                UPDATE user_erasures SET completed_at = \(now)
                 WHERE user_id = \(user.id.rawValue) AND completed_at IS NULL
                """, logger: logger)
            return rows
        }
    }

    public func systemPendingUserErasures(limit: Int) async throws -> [UserErasure] {
        try await single("SELECT * FROM selfie_system_pending_user_erasures(\(Int32(clamping: max(0, limit))))")
            .map(Self.erasure)
    }

    /// Throws ``SelfieModelKitError/userErased`` when an erasure of `user` was begun. Runs inside the
    /// transaction of every per-user call that creates something, holding the erasure lock shared until the
    /// transaction ends, so an erasure begins either before (and this sees it) or after (and sees this row).
    func requireNotErased(_ user: AuthenticatedUser, on connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock_shared(\(Self.erasureLockClass), hashtext(\(user.id.rawValue)))",
            logger: logger)
        let rows = try await connection.query(
            "SELECT 1 FROM user_erasures WHERE user_id = \(user.id.rawValue)", logger: logger
        ).collect()
        if !rows.isEmpty { throw SelfieModelKitError.userErased }
    }

    private func count(_ rows: PostgresRowSequence) async throws -> Int {
        try await rows.collect().count
    }

    static func erasure(_ row: PostgresRow) throws -> UserErasure {
        let cells = row.makeRandomAccess()
        return UserErasure(
            userID: try UserID(cells["user_id"].decode(String.self)),
            reason: try cells["reason"].decode(String.self),
            startedAt: try cells["started_at"].decode(Date.self),
            completedAt: try cells["completed_at"].decode(Date?.self))
    }
}
