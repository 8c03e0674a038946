import Foundation
import GRDB
import SelfieModelKit

/// The embedded `SelfieModelStore` for one machine: one SQLite file in a data folder, no server.
///
/// - The database runs in WAL mode (a GRDB `DatabasePool`: concurrent readers, one writer) with foreign
///   keys on, and is migrated to the current schema when opened (versioned migrations, recorded in
///   `grdb_migrations`; running them again does nothing).
/// - Every multi-row change, such as a training's completion and its model switch, is one transaction.
///   Writes are serialized, so compare-and-set transitions, the one-active-training rule and the monthly
///   quota check are atomic; a partial unique index also enforces one active training per user.
/// - SQLite has no row-level security: every per-user query is scoped by `user_id`, and another user's
///   row answers exactly like a missing one. The `StoreConformance` suite proves it.
/// - The `users` row is created on a user's first per-user write (`INSERT OR IGNORE`), since this is the
///   embedded default with no host users table.
/// - Times are stored as integer microseconds since 1970 (UTC), so records carry microsecond precision.
public final class SQLiteSelfieModelStore: Sendable {
    /// The database file.
    public let databaseURL: URL
    let pool: DatabasePool
    let now: @Sendable () -> Date

    /// The file name used when none is given.
    public static let defaultFileName = "selfie-models.sqlite"

    /// Opens (creating when missing) the database in `directory`, and migrates it.
    ///
    /// - Parameters:
    ///   - directory: the data folder; created when missing.
    ///   - fileName: the database file's name inside `directory`.
    ///   - now: the source of the current time (leases, timestamps, the monthly quota); tests inject one.
    /// - Throws: `SelfieModelKitError` with code `.storage` when the file cannot be opened or migrated.
    public init(
        directory: URL, fileName: String = defaultFileName, now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.databaseURL = directory.appendingPathComponent(fileName)
        self.now = now
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "SelfieModelKitSQLite"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.pool = try DatabasePool(path: databaseURL.path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw SelfieModelKitError.storageFailure("cannot open \(fileName): \(error)")
        }
    }

    /// Closes the database. Later calls on this store fail; open a new store to continue.
    public func close() throws {
        try pool.close()
    }

    /// The schema version names applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try Self.migrator.appliedMigrations(db) }
    }

    // MARK: - Access

    /// Runs `body` in one write transaction; store errors and cancellation pass through, database errors
    /// become `.storage`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as SelfieModelKitError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw SelfieModelKitError.storageFailure(String(describing: error))
        }
    }

    /// Runs `body` on a read snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as SelfieModelKitError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw SelfieModelKitError.storageFailure(String(describing: error))
        }
    }

    /// The current time, at the precision the database keeps.
    func currentTime() -> Date {
        SQLiteTime.date(SQLiteTime.micros(now()))
    }

    /// Creates the user's row on first use.
    static func ensureUser(_ user: UserID, at date: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO users (id, created_at) VALUES (?, ?)"
        ).execute(
            arguments: [user.rawValue, SQLiteTime.micros(date)])
    }
}

/// Times as integer microseconds since 1970, UTC.
enum SQLiteTime {
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}

extension SQLiteSelfieModelStore: WebhookReceiptStore {
    public func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO webhook_receipts (webhook_id, received_at) VALUES (?, ?)"
            ).execute(
                arguments: [webhookID, SQLiteTime.micros(receivedAt)])
            return db.changesCount == 1
        }
    }
}
