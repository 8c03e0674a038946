import Foundation
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitReplicate

/// A `RateBudgetStore` in PostgreSQL, so that several host instances share one Replicate account's rate
/// limits instead of each spending them in full.
///
/// Give each instance's `RateBudget` this store over a `PostgresClient` to the same database: the
/// fairness queues stay in each process, and every permit is taken from one row per `RateBucket` in the
/// `rate_budget_buckets` table. Three instances together then send at most 600 prediction creates a minute,
/// not 1,800.
///
/// ## Semantics
/// The same generic cell rate algorithm as `InMemoryRateBudgetStore`, on the same integer nanoseconds: a
/// burst of `limit.burst` permits goes at once, the rest at the sustained rate, and a pause (after a 429)
/// extends and never shortens an earlier one. The same sequence of calls gets the same answers from both
/// stores. Each call is one statement (a function) that decides under the bucket's row lock, so concurrent
/// callers on any number of connections and processes never take more permits than one limit allows; a
/// bucket named for the first time is created by its first call.
///
/// ## Time
/// The store uses the `now` it is given, the `RateBudget`'s `SchedulingClock`, not the database's clock,
/// so the instances' clocks must be synchronized (NTP): an instance whose clock runs ahead by `d` can take
/// permits up to `d` early. To keep one badly wrong clock from pushing every instance's next permit away,
/// each permit's `now` is compared with the database's clock and refused (a `.configuration` error, rule
/// `postgres.clock-skew`) when further apart than ``maximumClockSkew``. Pass `nil` to drive the budget on a
/// virtual clock in tests. See `Docs/decisions/0404-shared-rate-budget.md`.
///
/// ## Roles
/// The table holds no user's data. Row-level security is FORCED on it with a policy for the NOLOGIN system
/// role only, so no login role reads or writes it directly; two SECURITY DEFINER functions owned by the
/// system role are the only way in. The migrating role may execute them, and
/// ``PostgresMigrator/grantRuntimeAccess(to:)`` lets a separate runtime role execute them too. Unlike
/// ``PostgresSelfieModelStore``, this store does not refuse a superuser connection: it touches no user's
/// rows.
///
/// The tables and functions come with migrations 9, 12 and 13: run ``PostgresSelfieModelStore/migrate()`` (or
/// ``PostgresMigrator/migrate(upTo:)``) before the first permit.
public final class PostgresRateBudgetStore: RateBudgetStore, Sendable {
    private let client: PostgresClient
    private let logger: Logger
    /// How far a permit's `now` may be from the database's clock; `nil` compares nothing.
    public let maximumClockSkew: Duration?

    /// A store over `client` (which the caller runs and shuts down).
    /// - Parameters:
    ///   - client: a client to the database the other instances use too.
    ///   - maximumClockSkew: how far the `now` of a permit may be from the database's clock before the
    ///     permit is refused; five seconds by default, `nil` for virtual clocks in tests.
    ///   - logger: where postgres-nio logs the queries' failures; nothing logged carries a secret.
    public init(
        client: PostgresClient, maximumClockSkew: Duration? = .seconds(5),
        logger: Logger = Logger(label: "SelfieModelKitPostgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        precondition(maximumClockSkew.map { $0 >= .zero } ?? true, "a clock skew allowance is not negative")
        self.client = client
        self.maximumClockSkew = maximumClockSkew
        self.logger = logger
    }

    /// Takes one permit from `bucket` under `limit` at `now`, or says how long to wait for one; atomic
    /// across every connection to the database.
    /// - Throws: `SelfieModelKitError` with code `.configuration` (rule `postgres.clock-skew`) when `now` is
    ///   further than ``maximumClockSkew`` from the database's clock, or `.storage` when the database fails
    ///   (or is not migrated).
    public func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) async throws -> PermitDecision {
        let skew = maximumClockSkew.map { RateBudgetTime.nanoseconds($0) }
        let query: PostgresQuery = """
            SELECT selfie_system_take_rate_permit(
                \(bucket.name), \(RateBudgetTime.nanoseconds(now)), \(limit.intervalNanoseconds),
                \(limit.toleranceNanoseconds), \(skew))
            """
        let wait = try await single(query)
        return wait == 0 ? .granted : .retry(after: .nanoseconds(wait))
    }

    /// Takes one permit for `claimant`, sharing the bucket between instances in proportion to their waiting
    /// users (start-time fair queuing; ADR 0407): an instance more than one round ahead of the slowest
    /// instance that asked within ``fairShareWindow(for:)`` waits one interval, so users, not instances,
    /// share the limit. An instance that stops asking (its queue emptied, or it crashed) drops out of the
    /// comparison after that window.
    /// - Throws: as ``takePermit(from:limit:now:)``.
    public func takePermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) async throws -> PermitDecision {
        let skew = maximumClockSkew.map { RateBudgetTime.nanoseconds($0) }
        let window = RateBudgetTime.nanoseconds(Self.fairShareWindow(for: limit))
        let query: PostgresQuery = """
            SELECT selfie_system_take_fair_rate_permit(
                \(bucket.name), \(claimant.instance), \(Int32(clamping: claimant.waitingUsers)),
                \(RateBudgetTime.nanoseconds(now)), \(limit.intervalNanoseconds), \(limit.toleranceNanoseconds),
                \(skew), \(window))
            """
        let wait = try await single(query)
        return wait == 0 ? .granted : .retry(after: .nanoseconds(wait))
    }

    /// Takes one permit for `claimant` and chooses which of its waiting users it serves, in one fair order
    /// of users across every instance (start-time fair queuing per user, ADR 0408): each user has one place
    /// in line for the whole fleet, kept in `rate_budget_user_tags` under the SHA-256 of the user's key, so
    /// a user whose requests wait in several instances gets one user's share, not one in each. An instance
    /// whose first user in line is more than one round behind the first of another instance that asked
    /// within ``fairShareWindow(for:)`` waits one interval. A claimant that names no users gets
    /// ``takePermit(from:limit:now:claimant:)`` and chooses for itself.
    /// - Throws: as ``takePermit(from:limit:now:)``; `.storage` when the database is not migrated to
    ///   version 13 or later.
    public func takeFairPermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) async throws -> FairPermitDecision {
        guard !claimant.waiting.isEmpty else {
            return switch try await takePermit(from: bucket, limit: limit, now: now, claimant: claimant) {
            case .granted: .granted(serving: nil)
            case .retry(let delay): .retry(after: delay)
            }
        }
        let skew = maximumClockSkew.map { RateBudgetTime.nanoseconds($0) }
        let window = RateBudgetTime.nanoseconds(Self.fairShareWindow(for: limit))
        let query: PostgresQuery = """
            SELECT wait_ns, serve FROM selfie_system_take_user_fair_rate_permit(
                \(bucket.name), \(claimant.instance), \(claimant.waiting), \(RateBudgetTime.nanoseconds(now)),
                \(limit.intervalNanoseconds), \(limit.toleranceNanoseconds), \(skew), \(window))
            """
        let (wait, serve) = try await PostgresErrors.mapping {
            let rows = try await client.query(query, logger: logger).collect()
            guard let row = try rows.first?.decode((Int64, Int32?).self) else {
                throw SelfieModelKitError.storageFailure("the rate budget function returned no row")
            }
            return row
        }
        guard wait == 0 else { return .retry(after: .nanoseconds(wait)) }
        return .granted(serving: serve.map(Int.init).flatMap { claimant.waiting.indices.contains($0) ? $0 : nil })
    }

    /// How long an instance counts as asking after its last request: two seconds, or four of `limit`'s
    /// intervals when that is longer (a waiting instance asks at least once an interval).
    public static func fairShareWindow(for limit: RateLimit) -> Duration {
        max(.seconds(2), limit.interval * 4)
    }

    /// Grants nothing from `bucket` before `date`, in every instance; extends, never shortens, an existing
    /// pause.
    /// - Throws: `SelfieModelKitError` with code `.storage` when the database fails (or is not migrated).
    public func pause(_ bucket: RateBucket, until date: Date) async throws {
        let query: PostgresQuery = """
            SELECT 0::bigint FROM selfie_system_pause_rate_bucket(\(bucket.name), \(RateBudgetTime.nanoseconds(date)))
            """
        _ = try await single(query)
    }

    /// Runs `query`, one statement in its own implicit transaction, and decodes its one `bigint`.
    private func single(_ query: PostgresQuery) async throws -> Int64 {
        try await PostgresErrors.mapping {
            let rows = try await client.query(query, logger: logger).collect()
            guard let value = try rows.first?.decode(Int64.self) else {
                throw SelfieModelKitError.storageFailure("the rate budget function returned no row")
            }
            return value
        }
    }
}
