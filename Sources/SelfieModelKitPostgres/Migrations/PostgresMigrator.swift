import Logging
import PostgresNIO
import SelfieModelKit

/// Applies the store's ``PostgresMigration``s.
///
/// Each migration runs in its own transaction that first takes a transaction-level advisory lock, so
/// several instances starting at once apply each version exactly once; a version already recorded in
/// `selfie_model_migrations` is skipped (its checksum must match, or the run stops). Running the migrator
/// twice therefore changes nothing.
///
/// Run it over the connection of the role that owns the schema (it may be a superuser or have BYPASSRLS:
/// the migrator serves no user). That role must be a member of the configured system role; see
/// ``PostgresSelfieModelStore`` for the roles a deployment needs.
public struct PostgresMigrator: Sendable {
    /// The table that records applied migrations.
    public static let migrationsTable = "selfie_model_migrations"

    /// The advisory-lock key that serializes migrators (`'selfie-model-migrations'` as a 64-bit number).
    static let lockKey: Int64 = 0x5345_4C46_4945_4D47

    private let client: PostgresClient
    private let configuration: PostgresStoreConfiguration

    /// A migrator that runs over `client`, for a store configured with `configuration`.
    public init(client: PostgresClient, configuration: PostgresStoreConfiguration = PostgresStoreConfiguration()) {
        self.client = client
        self.configuration = configuration
    }

    /// The migrations this configuration ships, in order.
    public var migrations: [PostgresMigration] { PostgresMigration.all(for: configuration) }

    /// Applies every migration up to and including `version` (all when `nil`) that is not yet recorded.
    /// - Returns: the versions this call applied, in order.
    @discardableResult
    public func migrate(upTo version: Int? = nil) async throws -> [Int] {
        var applied: [Int] = []
        for migration in migrations where version.map({ migration.version <= $0 }) ?? true {
            if try await apply(migration) { applied.append(migration.version) }
        }
        return applied
    }

    /// The versions recorded as applied, in order.
    public func appliedVersions() async throws -> [Int] {
        try await PostgresErrors.mapping {
            try await client.withConnection { connection in
                let exists =
                    try await connection.query(
                        "SELECT to_regclass(\(Self.migrationsTable)) IS NOT NULL", logger: configuration.logger
                    ).collect().first?.decode(Bool.self) ?? false
                guard exists else { return [] }
                var versions: [Int] = []
                let rows = try await connection.query(
                    "SELECT version FROM selfie_model_migrations ORDER BY version", logger: configuration.logger)
                for try await version in rows.decode(Int.self) { versions.append(version) }
                return versions
            }
        }
    }

    /// Grants `role` what a runtime role needs: DML on the store's tables (and INSERT/SELECT on the managed
    /// users table) and EXECUTE on the system functions, the shared rate budget's included (its table
    /// itself gets no grant: ``PostgresRateBudgetStore`` reaches it only through those functions).
    /// Idempotent; run it after ``migrate(upTo:)`` has applied every version. `role` must not be a superuser,
    /// have BYPASSRLS, or inherit the system role, or the store will refuse it.
    public func grantRuntimeAccess(to role: SQLIdentifier) async throws {
        let tables = (MigrationSQL.storeTables + MigrationSQL.laterStoreTables).joined(separator: ", ")
        var statements = ["GRANT SELECT, INSERT, UPDATE, DELETE ON \(tables) TO \(role.quoted)"]
        if case .managed = configuration.usersTable {
            // DELETE: erasing a user removes their row of the library's own users table.
            statements.append(
                "GRANT SELECT, INSERT, DELETE ON \(configuration.usersTableName.quoted) TO \(role.quoted)")
        }
        statements.append("SET LOCAL ROLE \(configuration.systemRole.quoted)")
        for signature in MigrationSQL.systemFunctionSignatures + MigrationSQL.rateBudgetFunctionSignatures
            + MigrationSQL.fairShareFunctionSignatures + MigrationSQL.userFairnessFunctionSignatures
            + MigrationSQL.startLeaseFunctionSignatures + MigrationSQL.userErasureFunctionSignatures
        {
            statements.append("GRANT EXECUTE ON FUNCTION \(signature) TO \(role.quoted)")
        }
        statements.append("RESET ROLE")
        try await PostgresErrors.mapping {
            try await client.withTransaction(logger: configuration.logger) { connection in
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: configuration.logger)
                }
            }
        }
    }

    private static func failure(_ error: any Error, migration: PostgresMigration, statement: Int) -> any Error {
        guard let mapped = PostgresErrors.map(error) as? SelfieModelKitError, mapped.code == .storage else {
            return PostgresErrors.map(error)
        }
        return SelfieModelKitError(
            .storage, rule: "postgres.migration-failed",
            userMessage: "The database schema could not be brought up to date.",
            detail: "migration \(migration.version) \(migration.name), statement \(statement + 1): \(mapped.detail)")
    }

    private func apply(_ migration: PostgresMigration) async throws -> Bool {
        let logger = configuration.logger
        return try await PostgresErrors.mapping {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS selfie_model_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        checksum bigint NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                let recorded = try await connection.query(
                    "SELECT checksum FROM selfie_model_migrations WHERE version = \(migration.version)",
                    logger: logger
                ).collect().first?.decode(Int64.self)
                if let recorded {
                    guard recorded == migration.checksum else {
                        throw SelfieModelKitError(
                            .storage, rule: "postgres.migration-changed",
                            userMessage: "The database schema does not match this version of SelfieModelKit.",
                            detail:
                                "migration \(migration.version) \(migration.name) was applied with checksum "
                                + "\(recorded), the shipped one has \(migration.checksum)")
                    }
                    return false
                }
                for (index, statement) in migration.statements.enumerated() {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    } catch {
                        throw Self.failure(error, migration: migration, statement: index)
                    }
                }
                try await connection.query(
                    """
                    INSERT INTO selfie_model_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
                logger.info(
                    "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                return true
            }
        }
    }
}
