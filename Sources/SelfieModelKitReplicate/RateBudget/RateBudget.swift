import Foundation
import SelfieModelKit

/// Paces calls to Replicate under its rate limits, fairly across users.
///
/// Every call first asks for a permit in its ``RateBucket`` (prediction creates, or everything else).
/// Callers name the user they act for, or `nil` for system work (reconciliation, webhook secret);
/// each user, and the system, has its own FIFO queue, and the queues are served round-robin: one
/// permit for each waiting user in turn. A user who fires a hundred requests therefore delays another
/// user's single request by at most one permit per waiting user, never by the whole burst.
///
/// The counting itself lives in a ``RateBudgetStore`` (in memory by default; a database-backed store
/// makes the limit hold across host instances). Waiting is done by one caller at a time per bucket (the
/// "pump"), on the injected ``SchedulingClock``, so tests run on virtual time.
///
/// Across instances: each permit request names this budget's ``instance`` and how many users wait in it
/// and names the users waiting in it, in round-robin order (``PermitClaimant``). A shared store
/// (`PostgresRateBudgetStore`) keeps one place in line per user for the whole fleet and says which of them
/// each permit serves, so every waiting user of the fleet gets about the same share, whichever instances
/// hold the user's requests (ADR 0408). A store that leaves the choice open gets this process's
/// round-robin.
public actor RateBudget {
    /// The limits of the two buckets.
    public struct Limits: Sendable, Hashable {
        /// `POST /predictions`; Replicate allows 600 per minute.
        public var predictionCreate: RateLimit
        /// Every other call; Replicate allows 3000 per minute.
        public var general: RateLimit

        /// Creates limits; the defaults are Replicate's published ones.
        public init(
            predictionCreate: RateLimit = RateLimit(requestsPerMinute: 600),
            general: RateLimit = RateLimit(requestsPerMinute: 3000)
        ) {
            self.predictionCreate = predictionCreate
            self.general = general
        }

        func limit(for bucket: RateBucket) -> RateLimit {
            bucket == .predictionCreate ? predictionCreate : general
        }
    }

    private enum QueueKey: Hashable {
        case system
        case user(UserID)
    }

    private enum Role {
        case granted
        case pump
    }

    private struct Ticket {
        let id: UInt64
        var continuation: CheckedContinuation<Role, any Error>?
    }

    private struct Lane {
        var queues: [QueueKey: [Ticket]] = [:]
        var ring: [QueueKey] = []
        var cursor = 0
        var pumping = false

        var isEmpty: Bool { ring.isEmpty }

        mutating func enqueue(_ ticket: Ticket, for key: QueueKey) {
            if queues[key, default: []].isEmpty { ring.append(key) }
            queues[key, default: []].append(ticket)
        }

        /// Removes the ticket under the cursor and moves the cursor to the next user.
        mutating func popNext() -> Ticket? {
            guard !ring.isEmpty else { return nil }
            let position = cursor % ring.count
            let key = ring[position]
            guard var queue = queues[key], !queue.isEmpty else { return nil }
            let ticket = queue.removeFirst()
            if queue.isEmpty {
                queues[key] = nil
                ring.remove(at: position)
                cursor = ring.isEmpty ? 0 : position % ring.count
            } else {
                queues[key] = queue
                cursor = (position + 1) % ring.count
            }
            return ticket
        }

        /// The waiting keys in the order ``popNext()`` would serve them, at most `limit`.
        func serviceOrder(limit: Int) -> [QueueKey] {
            guard !ring.isEmpty else { return [] }
            return (0..<min(limit, ring.count)).map { ring[(cursor + $0) % ring.count] }
        }

        /// Removes the first ticket of `key` (chosen by a shared store), and moves the cursor on by one
        /// user, so that every waiting user comes into the first ``PermitClaimant/maximumWaitingKeys`` in
        /// turn.
        mutating func pop(_ key: QueueKey) -> Ticket? {
            guard let position = ring.firstIndex(of: key), var queue = queues[key], !queue.isEmpty else {
                return nil
            }
            let ticket = queue.removeFirst()
            var next = cursor + 1
            if queue.isEmpty {
                queues[key] = nil
                ring.remove(at: position)
                if position < next { next -= 1 }
            } else {
                queues[key] = queue
            }
            cursor = ring.isEmpty ? 0 : next % ring.count
            return ticket
        }

        /// Removes ticket `id` wherever it is; returns it when it was waiting.
        mutating func remove(_ id: UInt64) -> Ticket? {
            for (position, key) in ring.enumerated() {
                guard var queue = queues[key], let index = queue.firstIndex(where: { $0.id == id }) else { continue }
                let ticket = queue.remove(at: index)
                if queue.isEmpty {
                    queues[key] = nil
                    ring.remove(at: position)
                    if position < cursor { cursor -= 1 }
                    cursor = ring.isEmpty ? 0 : cursor % ring.count
                } else {
                    queues[key] = queue
                }
                return ticket
            }
            return nil
        }

        mutating func setContinuation(_ continuation: CheckedContinuation<Role, any Error>, for id: UInt64) -> Bool {
            for key in ring {
                if let index = queues[key]?.firstIndex(where: { $0.id == id }) {
                    queues[key]?[index].continuation = continuation
                    return true
                }
            }
            return false
        }

        /// Clears and returns the continuation of the first waiting ticket in round-robin order.
        mutating func takeNextWaiter() -> CheckedContinuation<Role, any Error>? {
            guard !ring.isEmpty else { return nil }
            for step in 0..<ring.count {
                let key = ring[(cursor + step) % ring.count]
                if let index = queues[key]?.firstIndex(where: { $0.continuation != nil }) {
                    let continuation = queues[key]?[index].continuation
                    queues[key]?[index].continuation = nil
                    return continuation
                }
            }
            return nil
        }

        func contains(_ id: UInt64) -> Bool {
            queues.values.contains { $0.contains { $0.id == id } }
        }

        var waitingCount: Int { queues.values.reduce(0) { $0 + $1.count } }
    }

    private let store: any RateBudgetStore
    private let limits: Limits
    private let clock: SchedulingClock
    /// This budget's name towards a shared store: unique per instance while it runs.
    public nonisolated let instance: String
    private var lanes: [RateBucket: Lane] = [:]
    private var nextTicketID: UInt64 = 0

    /// Creates a budget.
    /// - Parameters:
    ///   - limits: the per-bucket limits; Replicate's published ones by default.
    ///   - store: where the counts live; a fresh in-memory store by default.
    ///   - clock: time and sleep; the system clock by default.
    ///   - instance: this instance's name towards a shared store; by default the process id and a random
    ///     suffix.
    public init(
        limits: Limits = Limits(), store: any RateBudgetStore = InMemoryRateBudgetStore(),
        clock: SchedulingClock = .system,
        instance: String = "instance-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    ) {
        self.limits = limits
        self.store = store
        self.clock = clock
        self.instance = instance
    }

    /// Waits for a permit to send one request in `bucket` on behalf of `user` (`nil` for system calls).
    /// - Throws: `CancellationError` when the task is cancelled while waiting, or the store's error.
    public func acquire(_ bucket: RateBucket, for user: UserID?) async throws {
        try Task.checkCancellation()
        let id = nextTicketID
        nextTicketID += 1
        lanes[bucket, default: Lane()].enqueue(
            Ticket(id: id, continuation: nil), for: user.map(QueueKey.user) ?? .system)
        var role: Role
        if lanes[bucket]?.pumping == true {
            role = try await wait(for: id, in: bucket)
        } else {
            lanes[bucket]?.pumping = true
            role = .pump
        }
        while case .pump = role {
            role = try await pump(bucket, until: id)
        }
    }

    /// Tells the budget that Replicate answered 429 for `bucket`: no permit is granted before `date`,
    /// in this process or (through a shared store) any other.
    public func pause(_ bucket: RateBucket, until date: Date) async throws {
        try await store.pause(bucket, until: date)
    }

    /// How many requests wait in `bucket` (for tests and metrics).
    public func waitingCount(in bucket: RateBucket) -> Int {
        lanes[bucket]?.waitingCount ?? 0
    }

    private func wait(for id: UInt64, in bucket: RateBucket) async throws -> Role {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if lanes[bucket]?.setContinuation(continuation, for: id) != true {
                    continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            Task { await self.cancel(id, in: bucket) }
        }
    }

    private func cancel(_ id: UInt64, in bucket: RateBucket) {
        guard let ticket = lanes[bucket]?.remove(id) else { return }
        ticket.continuation?.resume(throwing: CancellationError())
    }

    /// Serves the queues of `bucket` until ticket `own` is granted, then hands the pump to another
    /// waiter. Returns `.granted` for `own`.
    private func pump(_ bucket: RateBucket, until own: UInt64) async throws -> Role {
        let limit = limits.limit(for: bucket)
        while true {
            guard lanes[bucket]?.contains(own) == true else {
                handOffPump(bucket)
                throw CancellationError()
            }
            let decision: FairPermitDecision
            let order = lanes[bucket]?.serviceOrder(limit: PermitClaimant.maximumWaitingKeys) ?? []
            do {
                let claimant = PermitClaimant(instance: instance, waiting: order.map(key(of:)))
                decision = try await store.takeFairPermit(
                    from: bucket, limit: limit, now: clock.now(), claimant: claimant)
            } catch {
                abandonPump(bucket, removing: own)
                throw error
            }
            switch decision {
            case .granted(let serving):
                let chosen = serving.flatMap { order.indices.contains($0) ? order[$0] : nil }
                guard let ticket = chosen.flatMap({ lanes[bucket]?.pop($0) }) ?? lanes[bucket]?.popNext() else {
                    continue
                }
                if ticket.id == own {
                    handOffPump(bucket)
                    return .granted
                }
                ticket.continuation?.resume(returning: .granted)
            case .retry(let delay):
                do {
                    try await clock.sleep(delay)
                } catch {
                    abandonPump(bucket, removing: own)
                    throw error
                }
            }
        }
    }

    /// A waiting user's key towards a shared store: the same for a user in every instance; the system's
    /// is this instance's own.
    private func key(of queue: QueueKey) -> String {
        switch queue {
        case .user(let user): "user:\(user.rawValue)"
        case .system: "system:\(instance)"
        }
    }

    private func abandonPump(_ bucket: RateBucket, removing own: UInt64) {
        _ = lanes[bucket]?.remove(own)
        handOffPump(bucket)
    }

    /// Passes the pump to a waiter, or stops pumping when nobody waits.
    private func handOffPump(_ bucket: RateBucket) {
        guard let continuation = lanes[bucket]?.takeNextWaiter() else {
            lanes[bucket]?.pumping = false
            return
        }
        continuation.resume(returning: .pump)
    }
}
