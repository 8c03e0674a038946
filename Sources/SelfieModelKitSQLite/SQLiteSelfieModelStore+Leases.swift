import Foundation
import GRDB
import SelfieModelKit

extension SQLiteSelfieModelStore {
    /// The tables whose jobs are leased; the only values ``claim(table:lease:limit:at:in:)`` interpolates.
    private static let leasedTables: Set<String> = ["training_attempts", "generations"]

    /// In the caller's write transaction: claims up to `limit` non-terminal jobs of `table` whose lease is
    /// free, expired or already `lease.holder`'s, and returns their rows oldest first. Never-claimed jobs
    /// come first (`NULL` sorts first), then those claimed longest ago; each claimed job takes the next
    /// claim turn, so jobs whose refresh keeps failing cannot hold every claim.
    static func claim(table: String, lease: Lease, limit: Int, at date: Date, in db: Database) throws -> [Row] {
        precondition(leasedTables.contains(table), "not a leased table: \(table)")
        guard limit > 0 else { return [] }
        let now = SQLiteTime.micros(date)
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM \(table) WHERE id IN (
                        SELECT id FROM \(table)
                        WHERE status IN \(activeStatuses)
                          AND (lease_holder IS NULL OR lease_holder = ? OR lease_expires_at <= ?)
                        ORDER BY last_claim_turn, created_at, rowid
                        LIMIT ?)
                    ORDER BY created_at, rowid
                    """),
            arguments: [lease.holder, now, limit])
        let expires = SQLiteTime.micros(date.addingTimeInterval(seconds(lease.duration)))
        var turn =
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(last_claim_turn), 0) FROM \(table)")) ?? 0
        for row in rows {
            turn += 1
            try db.cachedStatement(
                sql: "UPDATE \(table) SET lease_holder = ?, lease_expires_at = ?, last_claim_turn = ? WHERE id = ?"
            ).execute(
                arguments: [lease.holder, expires, turn, try row.text("id")])
        }
        return rows
    }

    /// In the caller's write transaction: takes or renews the lease on the non-terminal job `id` for
    /// `lease.holder` when it is free, expired or already the holder's; returns whether the holder holds it.
    static func hold(table: String, id: UUID, lease: Lease, at date: Date, in db: Database) throws -> Bool {
        precondition(leasedTables.contains(table), "not a leased table: \(table)")
        try db.cachedStatement(
            sql: """
                UPDATE \(table) SET lease_holder = ?, lease_expires_at = ?
                WHERE id = ? AND status IN \(activeStatuses)
                  AND (lease_holder IS NULL OR lease_holder = ? OR lease_expires_at <= ?)
                """
        ).execute(
            arguments: [
                lease.holder, leaseExpiry(lease, from: date), uuidText(id), lease.holder, SQLiteTime.micros(date),
            ])
        return db.changesCount > 0
    }

    /// When a lease taken at `date` ends, as stored (`nil` without a lease).
    static func leaseExpiry(_ lease: Lease?, from date: Date) -> Int64? {
        lease.map { SQLiteTime.micros(date.addingTimeInterval(seconds($0.duration))) }
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
