import Foundation
import Logging
import PostgresNIO
import SelfieModelKit

/// The production store: every `SelfieModelStore` operation on PostgreSQL, through a `PostgresClient`.
///
/// ## Isolation
/// Row-level security is ENABLED and FORCED on every table. Each per-user operation runs in a transaction
/// that first calls `set_config('app.user_id', <user>, true)`; the policies show and accept only that
/// user's rows, and with no user set nothing at all. System operations (webhooks, the reconciler, leases,
/// webhook receipts) call SECURITY DEFINER functions that each do one thing, owned by a NOLOGIN system role.
///
/// ## Roles
/// The store refuses per-user and system operations over a connection whose role is a superuser, has
/// BYPASSRLS, or inherits the system role, because row-level security would not isolate users there.
/// A deployment uses:
/// - a migrating role that owns the schema, is a `NOINHERIT` member of the system role, and runs
///   ``migrate()`` (it may also serve, since FORCE applies the policies to the owner);
/// - optionally a separate runtime role (`NOSUPERUSER NOBYPASSRLS`), given its privileges by
///   ``PostgresMigrator/grantRuntimeAccess(to:)``.
///
/// A store constructed with ``Purpose/migrationOnly`` runs migrations over any connection (a superuser's
/// included) and serves nothing.
public final class PostgresSelfieModelStore: Sendable {
    /// What the store is for.
    public enum Purpose: Sendable, Hashable {
        /// Serving users and the system path; unsafe connections are refused.
        case serving
        /// Only running migrations; every other operation is refused.
        case migrationOnly
    }

    let client: PostgresClient
    let configuration: PostgresStoreConfiguration
    /// What this store was constructed for.
    public let purpose: Purpose
    private let safety = ConnectionSafety()

    /// A store over `client` (which the caller runs and shuts down).
    public init(
        client: PostgresClient, configuration: PostgresStoreConfiguration = PostgresStoreConfiguration(),
        purpose: Purpose = .serving
    ) {
        self.client = client
        self.configuration = configuration
        self.purpose = purpose
    }

    /// The migrator for this store's configuration.
    public var migrator: PostgresMigrator { PostgresMigrator(client: client, configuration: configuration) }

    /// Applies pending migrations; see ``PostgresMigrator``.
    @discardableResult
    public func migrate() async throws -> [Int] { try await migrator.migrate() }

    var logger: Logger { configuration.logger }

    /// The current time, truncated to the microsecond PostgreSQL keeps, so values read back compare equal.
    var now: Date {
        let seconds = configuration.now().timeIntervalSince1970
        return Date(timeIntervalSince1970: (seconds * 1_000_000).rounded(.down) / 1_000_000)
    }

    /// Checks the connection's role (once per store) and throws when it may not serve; see the type's
    /// documentation.
    public func verifyConnectionRole() async throws {
        guard purpose == .serving else {
            throw SelfieModelKitError(
                .configuration, rule: "postgres.migration-only",
                userMessage: "This store was constructed for migrations only and serves no requests.")
        }
        try await safety.verify { try await self.inspectRole() }
    }

    /// Runs `body` in a transaction scoped to `user`: `app.user_id` is set for this transaction only.
    func withUser<Result: Sendable>(
        _ user: AuthenticatedUser, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await verifyConnectionRole()
        return try await PostgresErrors.mapping {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "SELECT set_config('app.user_id', \(user.id.rawValue), true)", logger: logger)
                return try await body(connection)
            }
        }
    }

    /// Runs one statement (a per-user transition function that sets `app.user_id` itself, or a system
    /// function) in its own implicit transaction, and returns its rows.
    func single(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await verifyConnectionRole()
        return try await PostgresErrors.mapping {
            try await client.withConnection { connection in
                try await connection.query(query, logger: logger).collect()
            }
        }
    }

    /// Adds the user's row to the managed users table when missing; hosts with their own table add it.
    func registerUser(_ user: AuthenticatedUser, on connection: PostgresConnection) async throws {
        guard case .managed = configuration.usersTable else { return }
        try await connection.query(
            "INSERT INTO users (id) VALUES (\(user.id.rawValue)) ON CONFLICT (id) DO NOTHING", logger: logger)
    }

    private func inspectRole() async throws {
        let system = configuration.systemRole.name
        let rows = try await PostgresErrors.mapping {
            try await client.query(
                """
                SELECT r.rolname::text, r.rolsuper, r.rolbypassrls,
                       CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(system))
                            THEN pg_has_role(current_user, \(system), 'USAGE') ELSE false END,
                       current_database()::text
                  FROM pg_roles AS r WHERE r.rolname = current_user
                """, logger: logger
            ).collect()
        }
        guard let row = rows.first else {
            throw SelfieModelKitError.storageFailure("current_user not found in pg_roles")
        }
        let (role, isSuperuser, bypassesRLS, inheritsSystem, database) = try row.decode(
            (String, Bool, Bool, Bool, String).self)
        var reasons: [String] = []
        if isSuperuser { reasons.append("is a superuser") }
        if bypassesRLS { reasons.append("has BYPASSRLS") }
        if inheritsSystem { reasons.append("inherits the privileges of the system role \(system)") }
        guard reasons.isEmpty else {
            throw Self.unsafeRoleError(role: role, reasons: reasons, database: database, system: system)
        }
    }

    static func unsafeRoleError(
        role: String, reasons: [String], database: String, system: String
    )
        -> SelfieModelKitError
    {
        SelfieModelKitError(
            .configuration, rule: "postgres.unsafe-role",
            userMessage: """
                The PostgreSQL store refuses to serve users over role "\(role)": it \
                \(reasons.joined(separator: " and ")), so row-level security would not keep users apart. \
                Connect as a dedicated role. As a superuser run:
                  CREATE ROLE selfie_app LOGIN PASSWORD 'choose-a-password' NOSUPERUSER NOBYPASSRLS NOINHERIT;
                  GRANT CONNECT ON DATABASE "\(database)" TO selfie_app;
                  GRANT USAGE ON SCHEMA public TO selfie_app;
                then, as the role that ran the migrations, call PostgresMigrator.grantRuntimeAccess(to: "selfie_app") \
                (or run: GRANT SELECT, INSERT, UPDATE, DELETE ON user_models, training_attempts, generations, \
                photos, webhook_receipts TO selfie_app; and SET ROLE \(system); GRANT EXECUTE ON ALL FUNCTIONS \
                IN SCHEMA public TO selfie_app;) and set DATABASE_URL to that role. \
                To run migrations over this connection, construct the store with purpose .migrationOnly.
                """)
    }
}

/// Remembers that the connection's role was verified, so the check runs once per store.
private actor ConnectionSafety {
    private var verified = false

    func verify(_ check: @Sendable () async throws -> Void) async throws {
        guard !verified else { return }
        try await check()
        verified = true
    }
}
