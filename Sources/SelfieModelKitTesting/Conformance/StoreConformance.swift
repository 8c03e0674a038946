import Foundation
import SelfieModelKit

/// A store handed to ``StoreConformance``, with the hooks its backend can offer.
///
/// The suite compares records a write returned with the same records read back, so a backend that
/// stores times at a lower precision (microseconds, say) must return them at that precision too.
public struct StoreConformanceSubject: Sendable {
    /// The store under test. It must start empty: the lease checks claim every in-flight job they see.
    public var store: any SelfieModelStore
    /// The clock the store reads "now" from, when the backend takes one. With it, lease expiry and month
    /// boundaries are checked by moving the clock; without it, lease expiry waits for a short lease and
    /// month boundaries are skipped.
    public var clock: AdjustableClock?
    /// Closes the store and opens it again on the same data, for backends that persist. `nil` for
    /// in-memory stores; ``StoreConformance/Check/persistenceAcrossReopening`` then fails.
    public var reopen: (@Sendable () async throws -> any SelfieModelStore)?
    /// Creates the user in the host's users table, for backends that don't create users on first use.
    public var prepareUser: (@Sendable (UserID) async throws -> Void)?

    /// Describes a store under test.
    public init(
        store: any SelfieModelStore, clock: AdjustableClock? = nil,
        reopen: (@Sendable () async throws -> any SelfieModelStore)? = nil,
        prepareUser: (@Sendable (UserID) async throws -> Void)? = nil
    ) {
        self.store = store
        self.clock = clock
        self.reopen = reopen
        self.prepareUser = prepareUser
    }
}

/// A check of ``StoreConformance`` that failed, with what was wrong.
public struct StoreConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// The check that failed, such as `"checkCompareAndSet()"`.
    public let check: String
    /// What the store did wrong.
    public let message: String
    /// Where in the suite the expectation is, for reading the suite's source.
    public let line: Int

    public var description: String { "StoreConformance.\(check) failed (line \(line)): \(message)" }
}

/// The behaviour every `SelfieModelStore` must have, as checks you run against your own store.
///
/// The in-memory, SQLite and PostgreSQL stores all pass it. To check a store of your own, give the suite
/// a way to make a fresh, empty store and run every check, for example with Swift Testing:
///
/// ```swift
/// let suite = StoreConformance {
///     let clock = AdjustableClock()
///     return StoreConformanceSubject(store: MyStore(now: clock.nowSource), clock: clock)
/// }
///
/// @Test(arguments: StoreConformance.Check.allCases)
/// func conformance(_ check: StoreConformance.Check) async throws {
///     try await suite.run(check)
/// }
/// ```
///
/// Each check is also a public method. A check throws ``StoreConformanceFailure`` describing the first
/// broken expectation, or rethrows an unexpected error of the store.
public struct StoreConformance: Sendable {
    /// The checks, one per behaviour.
    public enum Check: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Every move `JobStatus/canMove(to:)` allows is applied.
        case legalTransitions
        /// Every move it forbids is refused and changes nothing.
        case illegalTransitions
        /// A transition naming the wrong expected state is refused with `.transitionConflict`.
        case compareAndSet
        /// Applying the same event twice reports `.alreadyApplied` and changes nothing.
        case idempotentReapplication
        /// Intent first, then Replicate's id; one active training per user.
        case intentBeforeCallOutbox
        /// 1,000 concurrent tasks race one transition; exactly one applies it.
        case concurrentTransitionRace
        /// Two holders never claim the same job; an expired lease is reclaimed.
        case leases
        /// A job recorded with a start lease is not claimed while its starter holds it; it is once released
        /// or lapsed.
        case startLeases
        /// Claims go in turn (never claimed first, then claimed longest ago), so every job is reached.
        case claimOrder
        /// One user can never read or change another's rows through the per-user API.
        case isolation
        /// Photo rows, favourites, deletion, generation outputs, and listings in their documented order.
        case photosAndListings
        /// A training's completion switches the model's version in one step; a retraining keeps the old
        /// version serving until then.
        case trainingCompletionSwitchesVersion
        /// A webhook id is recorded once; a replay reports it was seen.
        case webhookReceipts
        /// The monthly count is exact under concurrent inserts and respects month boundaries.
        case monthlyCount
        /// The quota check and the insert are atomic: concurrent intents never exceed the limit.
        case atomicQuota
        /// Everything written is there after reopening the store.
        case persistenceAcrossReopening
        /// Erasing a user: the tombstone refuses new writes, the last step deletes every row of the user's
        /// and nothing of anyone else's, and repeating it changes nothing.
        case userErasure
        /// An erasure's beginning racing the user's intents: each intent is refused or seen by the erasure.
        case erasureRacesIntents

        public var description: String { rawValue }
    }

    /// The owner of the models the suite's users train.
    public let owner: ReplicateOwner
    let makeSubject: @Sendable () async throws -> StoreConformanceSubject

    /// Creates the suite.
    /// - Parameters:
    ///   - owner: the Replicate owner of the users' models.
    ///   - makeSubject: makes a fresh, empty store each time it is called (each check calls it once).
    public init(
        owner: ReplicateOwner = .sandrasocial,
        makeSubject: @escaping @Sendable () async throws -> StoreConformanceSubject
    ) {
        self.owner = owner
        self.makeSubject = makeSubject
    }

    /// Runs one check.
    public func run(_ check: Check) async throws {
        switch check {
        case .legalTransitions: try await checkLegalTransitions()
        case .illegalTransitions: try await checkIllegalTransitions()
        case .compareAndSet: try await checkCompareAndSet()
        case .idempotentReapplication: try await checkIdempotentReapplication()
        case .intentBeforeCallOutbox: try await checkIntentBeforeCallOutbox()
        case .concurrentTransitionRace: try await checkConcurrentTransitionRace()
        case .leases: try await checkLeases()
        case .startLeases: try await checkStartLeases()
        case .claimOrder: try await checkClaimOrder()
        case .isolation: try await checkIsolation()
        case .photosAndListings: try await checkPhotosAndListings()
        case .trainingCompletionSwitchesVersion: try await checkTrainingCompletionSwitchesVersion()
        case .webhookReceipts: try await checkWebhookReceipts()
        case .monthlyCount: try await checkMonthlyCount()
        case .atomicQuota: try await checkAtomicQuota()
        case .persistenceAcrossReopening: try await checkPersistenceAcrossReopening()
        case .userErasure: try await checkUserErasure()
        case .erasureRacesIntents: try await checkErasureRacesIntents()
        }
    }

    /// Runs every check except `skipped`, in order, stopping at the first failure.
    public func runAll(skipping skipped: Set<Check> = []) async throws {
        for check in Check.allCases where !skipped.contains(check) {
            try await run(check)
        }
    }
}

// MARK: - Expectations

extension StoreConformance {
    func expect(
        _ condition: Bool, _ message: @autoclosure () -> String, check: String = #function, line: Int = #line
    ) throws {
        guard condition else { throw StoreConformanceFailure(check: check, message: message(), line: line) }
    }

    func unwrap<Value>(
        _ value: Value?, _ message: @autoclosure () -> String, check: String = #function, line: Int = #line
    ) throws -> Value {
        guard let value else { throw StoreConformanceFailure(check: check, message: message(), line: line) }
        return value
    }

    /// Runs `body`, expecting a `SelfieModelKitError` with `code` (and `rule`, when given).
    @discardableResult
    func expectError<Value>(
        _ code: SelfieModelKitError.Code, rule: String? = nil, _ what: String, check: String = #function,
        line: Int = #line, _ body: () async throws -> Value
    ) async throws -> SelfieModelKitError {
        let outcome: String
        do {
            let value = try await body()
            outcome = "it succeeded with \(value)"
        } catch let error as SelfieModelKitError {
            if error.code == code, rule == nil || error.rule == rule { return error }
            outcome = "it threw \(error.debugDescription)"
        } catch {
            outcome = "it threw \(error)"
        }
        let expected = rule.map { "\(code) [\($0)]" } ?? "\(code)"
        throw StoreConformanceFailure(
            check: check, message: "\(what): expected SelfieModelKitError \(expected), but \(outcome)", line: line)
    }
}
