import Foundation
import Logging

/// How a ``PostgresSelfieModelStore`` fits into a host's database.
public struct PostgresStoreConfiguration: Sendable {
    /// Where user ids live: the users table that every user-owned row references.
    public enum UsersTable: Sendable, Hashable {
        /// The library's own minimal `users (id text PRIMARY KEY, created_at)` table, created by the first
        /// migration. Per-user writes add the user's row when missing.
        case managed
        /// The host's own table: `table`'s `key` column (text or varchar, unique) holds the `UserID`s.
        /// The host creates user rows; writes for a user without one fail.
        case host(table: SQLTableName, key: SQLIdentifier)
    }

    /// The users table; ``UsersTable/managed`` by default.
    public var usersTable: UsersTable
    /// The NOLOGIN role that owns the SECURITY DEFINER functions of the system path. Its policies see every
    /// row, so no login role that serves users may have its privileges (members must be `NOINHERIT`).
    public var systemRole: SQLIdentifier
    /// Where time comes from (record timestamps, month boundaries, lease expiry).
    public var now: @Sendable () -> Date
    /// Where the store logs; nothing logged carries a secret or a user's prompt.
    public var logger: Logger

    /// A configuration with the defaults: the managed `users` table, `selfie_model_system` as the system
    /// role, the system clock, and no logging (pass a `Logger` to see migrations and failures).
    public init(
        usersTable: UsersTable = .managed, systemRole: SQLIdentifier = "selfie_model_system",
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "SelfieModelKitPostgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.usersTable = usersTable
        self.systemRole = systemRole
        self.now = now
        self.logger = logger
    }

    var usersTableName: SQLTableName {
        switch usersTable {
        case .managed: SQLTableName(table: "users")
        case .host(let table, _): table
        }
    }

    var usersKeyColumn: SQLIdentifier {
        switch usersTable {
        case .managed: "id"
        case .host(_, let key): key
        }
    }
}
