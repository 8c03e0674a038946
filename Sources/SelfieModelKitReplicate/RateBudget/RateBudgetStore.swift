import Foundation

/// A class of Replicate calls that share one rate limit.
public struct RateBucket: Sendable, Hashable, CustomStringConvertible {
    /// A stable name, usable as a database key.
    public let name: String

    /// Names a bucket.
    public init(name: String) { self.name = name }

    /// `POST /predictions`: 600 per minute at Replicate.
    public static let predictionCreate = RateBucket(name: "predictions.create")
    /// Every other endpoint: 3000 per minute at Replicate.
    public static let general = RateBucket(name: "general")

    public var description: String { name }
}

/// A rate: so many requests per minute, with a burst allowance.
public struct RateLimit: Sendable, Hashable {
    /// Sustained requests per minute.
    public var requestsPerMinute: Int
    /// How many requests may go at once after a quiet period (at least 1).
    public var burst: Int

    /// Creates a limit. `burst` defaults to a tenth of a minute's requests.
    public init(requestsPerMinute: Int, burst: Int? = nil) {
        precondition(requestsPerMinute > 0, "a rate limit allows at least one request per minute")
        self.requestsPerMinute = requestsPerMinute
        self.burst = max(1, burst ?? requestsPerMinute / 10)
    }

    /// The time between two requests at the sustained rate.
    public var interval: Duration { .clampedSeconds(60.0 / Double(requestsPerMinute)) }
}

/// What a ``RateBudgetStore`` answers to a request for a permit.
public enum PermitDecision: Sendable, Hashable {
    /// A permit was taken: the request may go now.
    case granted
    /// No permit now; ask again after this long.
    case retry(after: Duration)
}

/// The shared state of a rate budget: how many requests went recently and whether Replicate asked to
/// pause.
///
/// ``RateBudget`` keeps its fairness queues in memory and asks the store for every permit, so one store
/// shared by several processes (a database row per bucket) enforces one limit across all of them.
/// ``InMemoryRateBudgetStore`` serves one process; `PostgresRateBudgetStore` (SelfieModelKitPostgres)
/// serves several. A store implements the generic cell rate algorithm or
/// anything equivalent; it must be atomic per call.
public protocol RateBudgetStore: Sendable {
    /// Takes one permit from `bucket` under `limit` at `now`, or says how long to wait for one.
    func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) async throws -> PermitDecision
    /// Takes one permit for `claimant`, one of several instances sharing the budget: a store shared by
    /// instances gives each a share in proportion to the users waiting in it, so users, not instances,
    /// share the limit. The default ignores `claimant` (right for a store that serves one process).
    func takePermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) async throws -> PermitDecision
    /// Takes one permit for `claimant` and says which of its waiting users (``PermitClaimant/waiting``)
    /// the permit serves, so that users share the limit in one fair order across every instance, even a
    /// user whose requests wait in several instances at once. A store that answers
    /// ``FairPermitDecision/granted(serving:)`` with `nil` leaves the choice to the instance's own
    /// round-robin; the default does that after ``takePermit(from:limit:now:claimant:)``.
    func takeFairPermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) async throws -> FairPermitDecision
    /// Grants nothing from `bucket` before `date`, because Replicate answered 429 (extends, never
    /// shortens, an existing pause).
    func pause(_ bucket: RateBucket, until date: Date) async throws
}

/// What a ``RateBudgetStore`` answers to a request for a permit that names the waiting users.
public enum FairPermitDecision: Sendable, Hashable {
    /// A permit was taken for the waiting user at this index of ``PermitClaimant/waiting``; `nil` lets the
    /// instance choose (its own round-robin).
    case granted(serving: Int?)
    /// No permit now; ask again after this long.
    case retry(after: Duration)
}

/// Who asks a shared ``RateBudgetStore`` for a permit: one host instance, and how many users wait in it.
public struct PermitClaimant: Sendable, Hashable {
    /// A name unique to the instance while it runs, such as `"host-a-1234-5f2c"`.
    public var instance: String
    /// How many users (the system counting as one) have a request waiting in the instance's queue for
    /// the bucket, at least 1 while it asks.
    public var waitingUsers: Int
    /// Keys of the users waiting in the instance, in the order its round-robin would serve them (at most
    /// ``maximumWaitingKeys``); empty when the instance does not name them. A user's key is the same in
    /// every instance (`user:` and the user's id), so a shared store can keep one place in line per user;
    /// the system's is the instance's own.
    public var waiting: [String]

    /// How many waiting users a claimant names at most: a bound on each request's size. Users further back
    /// in the instance's round-robin are named on later requests: ``RateBudget`` moves its round-robin on
    /// by one user with every permit, whoever the permit served.
    public static let maximumWaitingKeys = 128

    /// Describes a claimant that gives only a count of its waiting users.
    public init(instance: String, waitingUsers: Int) {
        self.instance = instance
        self.waitingUsers = waitingUsers
        self.waiting = []
    }

    /// Describes a claimant that names its waiting users, in its round-robin order (keeping the first
    /// ``maximumWaitingKeys``).
    public init(instance: String, waiting: [String]) {
        self.instance = instance
        self.waitingUsers = max(1, waiting.count)
        self.waiting = Array(waiting.prefix(Self.maximumWaitingKeys))
    }
}

extension RateBudgetStore {
    /// Ignores `claimant`: the limit alone decides (a store that serves one process).
    public func takePermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) async throws -> PermitDecision {
        try await takePermit(from: bucket, limit: limit, now: now)
    }

    /// Takes a permit with ``takePermit(from:limit:now:claimant:)`` and leaves the choice of the user it
    /// serves to the instance.
    public func takeFairPermit(
        from bucket: RateBucket, limit: RateLimit, now: Date, claimant: PermitClaimant
    ) async throws -> FairPermitDecision {
        switch try await takePermit(from: bucket, limit: limit, now: now, claimant: claimant) {
        case .granted: .granted(serving: nil)
        case .retry(let delay): .retry(after: delay)
        }
    }
}

/// A ``RateBudgetStore`` for one process, implementing the generic cell rate algorithm: one
/// "theoretical arrival time" per bucket, so a burst of `limit.burst` goes at once and the rest at the
/// sustained rate.
public actor InMemoryRateBudgetStore: RateBudgetStore {
    /// Times are integer nanoseconds since 1970, so thousands of permits add up without rounding drift.
    private struct BucketState {
        var theoreticalArrival: Int64
        var pausedUntil: Int64?
    }

    private var buckets: [RateBucket: BucketState] = [:]

    /// Creates an empty store.
    public init() {}

    public func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) -> PermitDecision {
        let now = RateBudgetTime.nanoseconds(now)
        var state = buckets[bucket] ?? BucketState(theoreticalArrival: now, pausedUntil: nil)
        if let paused = state.pausedUntil {
            if paused > now { return .retry(after: .nanoseconds(paused - now)) }
            state.pausedUntil = nil
        }
        let interval = limit.intervalNanoseconds
        let tolerance = limit.toleranceNanoseconds
        let arrival = max(state.theoreticalArrival, now)
        if arrival - now > tolerance {
            buckets[bucket] = state
            return .retry(after: .nanoseconds(arrival - now - tolerance))
        }
        state.theoreticalArrival = arrival + interval
        buckets[bucket] = state
        return .granted
    }

    public func pause(_ bucket: RateBucket, until date: Date) {
        var state = buckets[bucket] ?? BucketState(theoreticalArrival: .min, pausedUntil: nil)
        state.pausedUntil = max(state.pausedUntil ?? .min, RateBudgetTime.nanoseconds(date))
        buckets[bucket] = state
    }
}

/// The integer arithmetic of the generic cell rate algorithm, shared by the stores of this package so
/// that every store answers the same sequence of calls with the same decisions.
package enum RateBudgetTime {
    /// `date` as integer nanoseconds since 1970 (rounded to the nearest).
    package static func nanoseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1e9).rounded())
    }

    /// `duration` as integer nanoseconds (truncated).
    package static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension RateLimit {
    /// ``interval`` in integer nanoseconds: how far one permit moves the theoretical arrival time.
    package var intervalNanoseconds: Int64 { RateBudgetTime.nanoseconds(interval) }

    /// How far ahead of now the theoretical arrival time may be and a permit still be granted: the room
    /// for `burst - 1` more permits after the current one.
    package var toleranceNanoseconds: Int64 { intervalNanoseconds * Int64(burst - 1) }
}
