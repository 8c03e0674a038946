import SelfieModelKit

/// One versioned step of the store's schema: SQL statements run in order, in one transaction, and recorded
/// in `selfie_model_migrations` with a checksum.
///
/// Statements are written so that running them again changes nothing (`IF NOT EXISTS`, `CREATE OR REPLACE`,
/// drop-then-create for policies and constraints), and the migrator skips versions already recorded, so
/// running migrations twice is safe. The only text placed into the SQL besides constants is validated
/// ``SQLIdentifier``s from the ``PostgresStoreConfiguration``.
public struct PostgresMigration: Sendable, Hashable {
    /// The version; versions are applied in ascending order.
    public let version: Int
    /// A short name, such as `user_models_and_training_attempts`.
    public let name: String
    /// The statements, one SQL command each (the extended protocol runs one command per query).
    let statements: [String]

    /// CRC32 of the statements, recorded so a changed migration is noticed rather than silently skipped.
    public var checksum: Int64 {
        var crc: UInt32 = 0
        for statement in statements {
            crc = CRC32.checksum(Array(statement.utf8) + [0], continuing: crc)
        }
        return Int64(crc)
    }

    init(_ version: Int, _ name: String, _ statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension PostgresMigration {
    /// The store's migrations for `configuration`, in order.
    public static func all(for configuration: PostgresStoreConfiguration) -> [PostgresMigration] {
        let schema = MigrationSQL(configuration: configuration)
        return [
            PostgresMigration(1, "users", schema.usersTable),
            PostgresMigration(2, "user_models_and_training_attempts", schema.userModelsAndTrainingAttempts),
            PostgresMigration(3, "generations_and_photos", schema.generationsAndPhotos),
            PostgresMigration(4, "webhook_receipts", schema.webhookReceipts),
            PostgresMigration(5, "leases", schema.leases),
            PostgresMigration(6, "row_level_security", schema.rowLevelSecurity),
            PostgresMigration(7, "transition_functions", schema.transitionFunctions),
            PostgresMigration(8, "system_functions", schema.systemFunctions),
            PostgresMigration(9, "rate_budget", schema.rateBudget),
            PostgresMigration(10, "start_leases", schema.startLeases),
            PostgresMigration(11, "claim_turns", schema.claimTurns),
            PostgresMigration(12, "rate_budget_fair_shares", schema.fairShares),
            PostgresMigration(13, "rate_budget_user_fairness", schema.userFairness),
            PostgresMigration(14, "user_erasures", schema.userErasures),
        ]
    }
}

/// The SQL text of the migrations, built from validated identifiers only.
struct MigrationSQL {
    let users: String
    let usersKey: String
    let usersTableLiteral: String
    let usersSchemaLiteral: String
    let usersKeyLiteral: String
    let managedUsers: Bool
    let system: String
    let systemLiteral: String

    init(configuration: PostgresStoreConfiguration) {
        users = configuration.usersTableName.quoted
        usersKey = configuration.usersKeyColumn.quoted
        usersTableLiteral = configuration.usersTableName.table.literal
        usersSchemaLiteral = configuration.usersTableName.schemaForLookup.literal
        usersKeyLiteral = configuration.usersKeyColumn.literal
        if case .managed = configuration.usersTable { managedUsers = true } else { managedUsers = false }
        system = configuration.systemRole.quoted
        systemLiteral = configuration.systemRole.literal
    }

    /// Statuses as SQL lists, from the Swift enums so the two can never drift apart.
    static let trainingStatuses = TrainingStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    static let jobStatuses = JobStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    static let activeJobStatuses = JobStatus.allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }
        .joined(separator: ", ")
    static let terminalJobStatuses = JobStatus.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }
        .joined(separator: ", ")
    static let photoKinds = PhotoKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    static let generationSources = GenerationSource.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// The tables whose rows belong to one user.
    static let userOwnedTables = ["user_models", "training_attempts", "generations", "photos"]
    /// Every table the store owns (beyond the users table).
    static let storeTables = userOwnedTables + ["webhook_receipts"]
}
