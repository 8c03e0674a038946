import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate

extension StudioContext {
    /// Runs `body` (a job's create path) while the job stays held by ``startLease`` in the store: a child
    /// task renews the hold every third of the lease's duration (sleeping on ``startLeaseClock``) until
    /// `body` returns or throws, for at most ``maximumStartHold``. The job
    /// was recorded already leased (the intent's `startLease`); the caller releases the lease afterwards.
    ///
    /// A renewal that fails or finds the lease taken is logged and tried again at the next turn: the
    /// store's compare-and-set on attaching Replicate's id still catches a job another instance gave up.
    func holdingStart<Result: Sendable>(
        _ job: String, renew: @escaping @Sendable (Lease) async throws -> Bool,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let lease = startLease
        let clock = startLeaseClock
        let logger = logger
        let interval = lease.duration / 3
        let renewals = max(1, Int(maximumStartHold / interval))
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask {
                for _ in 0..<renewals {
                    do {
                        try await clock.sleep(interval)
                    } catch {
                        return  // cancelled: the create path is over
                    }
                    do {
                        if try await !renew(lease) {
                            logger.warning(
                                "a job being started lost its start lease",
                                metadata: ["job": "\(job)", "holder": "\(lease.holder)"])
                        }
                    } catch {
                        logger.warning(
                            "renewing a start lease failed", metadata: ["job": "\(job)", "error": "\(error)"])
                    }
                }
                logger.error(
                    "a start has run longer than the maximum start hold; its lease is no longer renewed",
                    metadata: ["job": "\(job)", "holder": "\(lease.holder)"])
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
