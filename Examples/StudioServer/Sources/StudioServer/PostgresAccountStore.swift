import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres

/// Accounts in the host's own PostgreSQL table, `studio_accounts`, beside the library's tables.
///
/// The table is this server's, not SelfieModelKit's: the server creates it with its own migrations (recorded
/// in `studio_migrations`, not in the library's `selfie_model_migrations`), and it holds what the library
/// never keeps (emails and password hashes). The library's store is configured with ``usersTable``, so its
/// `user_models`, `generations` and `photos` rows reference `studio_accounts(user_id)` with a foreign key:
/// an account must exist before the library writes for it, and deleting an account deletes the user's
/// records with it.
public struct PostgresAccountStore: AccountStore {
    /// The host's migrations, in order; each runs once, in one transaction, behind an advisory lock.
    static let migrations: [(version: Int, sql: String)] = [
        (
            1,
            """
            CREATE TABLE IF NOT EXISTS studio_accounts (
                user_id text PRIMARY KEY,
                email text NOT NULL UNIQUE CHECK (email = lower(email)),
                password_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
    ]

    /// The library's store configuration for this table: `PostgresStoreConfiguration(usersTable: ...)`.
    public static let usersTable = PostgresStoreConfiguration.UsersTable.host(
        table: SQLTableName(table: "studio_accounts"), key: "user_id")

    private let client: PostgresClient
    private let logger: Logger

    /// Accounts over `client` (which the caller runs); call ``migrate()`` before the library's migrations.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates the accounts table when missing; returns the versions it applied. Safe to run from several
    /// processes at once.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('studio_server.migrations'))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS studio_migrations (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM studio_migrations", logger: logger)
                .decode(Int.self)
            {
                applied.insert(version)
            }
            var appliedNow: [Int] = []
            for migration in Self.migrations where !applied.contains(migration.version) {
                try await connection.query(PostgresQuery(unsafeSQL: migration.sql), logger: logger)
                try await connection.query(
                    "INSERT INTO studio_migrations (version) VALUES (\(migration.version))", logger: logger)
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
    }

    public func create(_ account: Account) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO studio_accounts (user_id, email, password_hash)
            VALUES (\(account.userID.rawValue), \(account.email), \(account.passwordHash))
            ON CONFLICT DO NOTHING
            RETURNING user_id
            """, logger: logger
        ).collect()
        return rows.count == 1
    }

    public func account(email: String) async throws -> Account? {
        try await first(
            client.query(
                "SELECT user_id, email, password_hash FROM studio_accounts WHERE email = \(email)", logger: logger))
    }

    public func account(userID: UserID) async throws -> Account? {
        try await first(
            client.query(
                "SELECT user_id, email, password_hash FROM studio_accounts WHERE user_id = \(userID.rawValue)",
                logger: logger))
    }

    /// Deletes the account; the library's rows that reference it cascade (the library's erasure has deleted
    /// them already, and its tombstone, which has no foreign key, stays).
    public func delete(userID: UserID) async throws {
        try await client.query("DELETE FROM studio_accounts WHERE user_id = \(userID.rawValue)", logger: logger)
    }

    private func first(_ rows: PostgresRowSequence) async throws -> Account? {
        guard let row = try await rows.collect().first else { return nil }
        let (userID, email, passwordHash) = try row.decode((String, String, String).self)
        return Account(userID: try UserID(userID), email: email, passwordHash: passwordHash)
    }
}
