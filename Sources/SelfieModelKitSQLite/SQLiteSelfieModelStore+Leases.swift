import Foundation
import GRDB
import SelfieModelKit

extension SQLiteSelfieModelStore {
    /// The tables whose jobs are leased; the only values ``claim(table:lease:limit:at:in:)`` interpolates.
    private static let leasedTables: Set<String> = ["training_attempts", "generations"]

    /// In the caller's write transaction: claims up to `limit` non-terminal jobs of `table` whose lease is
    /// free, expired or already `lease.holder`'s, oldest first, and returns their rows.
    static func claim(table: String, lease: Lease, limit: Int, at date: Date, in db: Database) throws -> [Row] {
        precondition(leasedTables.contains(table), "not a leased table: \(table)")
        guard limit > 0 else { return [] }
        let now = SQLiteTime.micros(date)
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM \(table)
                    WHERE status IN \(activeStatuses)
                      AND (lease_holder IS NULL OR lease_holder = ? OR lease_expires_at <= ?)
                    ORDER BY created_at, rowid
                    LIMIT ?
                    """),
            arguments: [lease.holder, now, limit])
        let expires = SQLiteTime.micros(date.addingTimeInterval(seconds(lease.duration)))
        for row in rows {
            try db.cachedStatement(
                sql: "UPDATE \(table) SET lease_holder = ?, lease_expires_at = ? WHERE id = ?"
            ).execute(
                arguments: [lease.holder, expires, try row.text("id")])
        }
        return rows
    }

    /// In the caller's write transaction: clears the lease on job `id` when `holder` holds it.
    static func release(table: String, id: UUID, holder: String, in db: Database) throws {
        precondition(leasedTables.contains(table), "not a leased table: \(table)")
        try db.cachedStatement(
            sql: "UPDATE \(table) SET lease_holder = NULL, lease_expires_at = NULL WHERE id = ? AND lease_holder = ?"
        ).execute(
            arguments: [uuidText(id), holder])
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
