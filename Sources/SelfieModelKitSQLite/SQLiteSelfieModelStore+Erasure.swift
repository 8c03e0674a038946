import Foundation
import GRDB
import SelfieModelKit

extension SQLiteSelfieModelStore: UserErasureStore {
    public func beginUserErasure(for user: AuthenticatedUser, reason: String) async throws -> UserErasure {
        let date = currentTime()
        return try await write { db in
            try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO user_erasures (user_id, reason, started_at) VALUES (?, ?, ?)"
            ).execute(arguments: [user.id.rawValue, reason, SQLiteTime.micros(date)])
            guard let erasure = try Self.fetchErasure(user.id, in: db) else {
                throw SelfieModelKitError.storageFailure("the erasure row was not written")
            }
            return erasure
        }
    }

    public func userErasure(for user: AuthenticatedUser) async throws -> UserErasure? {
        try await read { db in try Self.fetchErasure(user.id, in: db) }
    }

    public func completeUserErasure(for user: AuthenticatedUser) async throws -> ErasedRows {
        let date = currentTime()
        return try await write { db in
            guard try Self.fetchErasure(user.id, in: db) != nil else { throw SelfieModelKitError.userErasureNotBegun }
            var rows = ErasedRows()
            // Children first, so each count is this table's own rows rather than a cascade's.
            rows.photos = try Self.deleteRows(of: user.id, from: "photos", in: db)
            rows.generations = try Self.deleteRows(of: user.id, from: "generations", in: db)
            rows.trainingAttempts = try Self.deleteRows(of: user.id, from: "training_attempts", in: db)
            rows.userModels = try Self.deleteRows(of: user.id, from: "user_models", in: db)
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [user.id.rawValue])
            try db.execute(
                sql: "UPDATE user_erasures SET completed_at = ? WHERE user_id = ? AND completed_at IS NULL",
                arguments: [SQLiteTime.micros(date), user.id.rawValue])
            return rows
        }
    }

    public func systemPendingUserErasures(limit: Int) async throws -> [UserErasure] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM user_erasures WHERE completed_at IS NULL ORDER BY started_at, user_id LIMIT ?
                    """,
                arguments: [max(0, limit)]
            ).map(Self.erasure)
        }
    }

    /// Throws ``SelfieModelKitError/userErased`` when an erasure of `user` was begun; called inside the
    /// write transaction of every call that creates something for the user, so the check and the insert
    /// are one step.
    static func requireNotErased(_ user: UserID, in db: Database) throws {
        let erased = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM user_erasures WHERE user_id = ?)"),
            arguments: [user.rawValue])
        if erased == true { throw SelfieModelKitError.userErased }
    }

    private static func deleteRows(of user: UserID, from table: String, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM \(table) WHERE user_id = ?", arguments: [user.rawValue])
        return db.changesCount
    }

    private static func fetchErasure(_ user: UserID, in db: Database) throws -> UserErasure? {
        try Row.fetchOne(db, sql: "SELECT * FROM user_erasures WHERE user_id = ?", arguments: [user.rawValue])
            .map(erasure)
    }

    private static func erasure(_ row: Row) throws -> UserErasure {
        let completed: Int64? = row["completed_at"]
        return UserErasure(
            userID: try UserID(row["user_id"] as String), reason: row["reason"],
            startedAt: SQLiteTime.date(row["started_at"]), completedAt: completed.map(SQLiteTime.date))
    }
}
