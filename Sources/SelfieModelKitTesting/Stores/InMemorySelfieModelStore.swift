import Foundation
import SelfieModelKit

/// A `SelfieModelStore` held in memory, for tests and test harnesses.
///
/// It has the same semantics as the SQLite and PostgreSQL stores, proven by the same
/// ``StoreConformance`` suite: compare-and-set transitions, the intent-before-call outbox, leases,
/// per-user isolation, the atomic monthly quota and webhook receipts. Being an actor, every call is one
/// atomic step. Nothing survives the process.
///
/// Time comes from `now`, so tests can expire leases and cross month boundaries with an
/// ``AdjustableClock`` instead of sleeping.
public actor InMemorySelfieModelStore: WebhookReceiptStore {
    /// A stored job plus what the records don't show: insertion order, the lease, and the claim turn.
    struct Stored<Value> {
        var value: Value
        var sequence: Int
        var leaseHolder: String?
        var leaseExpiresAt: Date?
        /// The value of the store's claim counter when a reconciler last claimed the job; `nil` if never.
        var lastClaimTurn: Int?

        func isClaimable(by holder: String, at date: Date) -> Bool {
            guard let leaseHolder, let leaseExpiresAt else { return true }
            return leaseHolder == holder || leaseExpiresAt <= date
        }
    }

    let now: @Sendable () -> Date
    var models: [UserID: UserModelRecord] = [:]
    var attempts: [TrainingAttemptID: Stored<TrainingAttempt>] = [:]
    var generations: [GenerationID: Stored<GenerationRecord>] = [:]
    var photoRows: [PhotoID: Stored<PhotoRecord>] = [:]
    var receipts: [String: Date] = [:]
    var erasures: [UserID: UserErasure] = [:]
    private var lastSequence = 0
    private var lastClaimTurn = 0

    /// Creates an empty store.
    /// - Parameter now: the source of the current time (leases, timestamps, the monthly quota).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    func nextSequence() -> Int {
        lastSequence += 1
        return lastSequence
    }

    func nextClaimTurn() -> Int {
        lastClaimTurn += 1
        return lastClaimTurn
    }

    // MARK: - Inspection

    /// Every user's model record, ordered by user id, for assertions and audits in test harnesses.
    public func allUserModels() -> [UserModelRecord] {
        models.values.sorted { $0.userID < $1.userID }
    }

    /// Every training attempt of every user, oldest first.
    public func allTrainingAttempts() -> [TrainingAttempt] {
        attempts.values.sorted { $0.sequence < $1.sequence }.map(\.value)
    }

    /// Every generation of every user, oldest first.
    public func allGenerations() -> [GenerationRecord] {
        generations.values.sorted { $0.sequence < $1.sequence }.map(\.value)
    }

    /// Every photo row of every user, oldest first.
    public func allPhotos() -> [PhotoRecord] {
        photoRows.values.sorted { $0.sequence < $1.sequence }.map(\.value)
    }

    // MARK: - Webhook receipts

    public func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) -> Bool {
        guard receipts[webhookID] == nil else { return false }
        receipts[webhookID] = receivedAt
        return true
    }
}

/// A job kind the in-memory store leases.
protocol InMemoryLeasable {
    var status: JobStatus { get }
    var createdAt: Date { get }
}

extension TrainingAttempt: InMemoryLeasable {}
extension GenerationRecord: InMemoryLeasable {}

extension InMemorySelfieModelStore {
    /// Claims up to `limit` non-terminal jobs whose lease is free, expired or already `lease.holder`'s:
    /// never-claimed jobs first, then those claimed longest ago, oldest first among equals. Each claimed
    /// job takes the next claim turn, so it goes to the back of the line. Returned oldest first.
    func claim<Key: Hashable, Value: InMemoryLeasable>(
        _ table: inout [Key: Stored<Value>], lease: Lease, limit: Int
    ) -> [Value] {
        guard limit > 0 else { return [] }
        let date = now()
        let keys =
            table
            .filter { !$0.value.value.status.isTerminal && $0.value.isClaimable(by: lease.holder, at: date) }
            .sorted {
                ($0.value.lastClaimTurn ?? 0, $0.value.value.createdAt, $0.value.sequence)
                    < ($1.value.lastClaimTurn ?? 0, $1.value.value.createdAt, $1.value.sequence)
            }
            .prefix(limit)
            .sorted { ($0.value.value.createdAt, $0.value.sequence) < ($1.value.value.createdAt, $1.value.sequence) }
            .map(\.key)
        return keys.map { key in
            table[key]!.leaseHolder = lease.holder
            table[key]!.leaseExpiresAt = date.addingTimeInterval(lease.duration.timeInterval)
            table[key]!.lastClaimTurn = nextClaimTurn()
            return table[key]!.value
        }
    }

    /// Takes or renews the lease on the non-terminal job `key` for `lease.holder` when it is free, expired or
    /// already the holder's; returns whether the holder holds it now.
    func hold<Key: Hashable, Value: InMemoryLeasable>(
        _ table: inout [Key: Stored<Value>], _ key: Key, lease: Lease
    ) -> Bool {
        let date = now()
        guard let stored = table[key], !stored.value.status.isTerminal, stored.isClaimable(by: lease.holder, at: date)
        else { return false }
        table[key]!.leaseHolder = lease.holder
        table[key]!.leaseExpiresAt = date.addingTimeInterval(lease.duration.timeInterval)
        return true
    }

    /// Clears the lease on `key` when `holder` holds it.
    func release<Key: Hashable, Value>(_ table: inout [Key: Stored<Value>], _ key: Key, holder: String) {
        guard table[key]?.leaseHolder == holder else { return }
        table[key]!.leaseHolder = nil
        table[key]!.leaseExpiresAt = nil
    }
}
