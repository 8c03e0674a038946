import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

/// Erases a user everywhere: Replicate (jobs, the model and its versions, uploaded archives), the image
/// store, and the store's rows.
///
/// The steps run in the order of ``UserErasureStep``. The first records the erasure in the store, so from
/// then on nothing new is recorded for the user: an intent, a photo, a late webhook's completion are all
/// refused or find nothing. Every later step is idempotent (a job already terminal, a version, model or
/// file already deleted, bytes already gone), so a crash at any point is finished by calling again, or by
/// the ``Reconciler``, which resumes every erasure begun and not completed. Only the last step, in one
/// store transaction, deletes the rows and marks the erasure complete.
///
/// Every call is scoped to one user: their own jobs, their own derived model
/// (`{owner}/{userId}-selfie-lora`), archives recorded for their trainings or named `selfies-{userId}.zip`,
/// image keys under `users/{userId}/`, and their rows.
public struct UserErasureService: Sendable {
    /// The shared context.
    public let context: StudioContext
    /// Runs after each step; tests throw from it to simulate a crash at that point.
    package let afterStep: (@Sendable (UserErasureStep, UserID) async throws -> Void)?

    /// Creates the service.
    public init(context: StudioContext) {
        self.context = context
        self.afterStep = nil
    }

    /// Creates the service with a hook that runs after each step (crash tests).
    package init(context: StudioContext, afterStep: @escaping @Sendable (UserErasureStep, UserID) async throws -> Void)
    {
        self.context = context
        self.afterStep = afterStep
    }

    /// The reason recorded when users erase themselves.
    public static let selfServiceReason = "self-service"

    /// Erases the signed-in user, on their own request; see the type's documentation for the steps.
    ///
    /// Calling it again after a failure continues where the erasure stopped; calling it after it completed
    /// does nothing and says so in the report.
    /// - Throws: ``SelfieModelKitError`` with code `.erasureIncomplete` when Replicate still processes the
    ///   deletion of the model's versions (call again later; the reconciler also retries), or the error of a
    ///   failed step (a Replicate or store error). The erasure stays recorded and the user stays unable to
    ///   start anything.
    public func eraseUser(_ user: AuthenticatedUser) async throws -> UserErasureReport {
        try await erase(user, reason: Self.selfServiceReason)
    }

    /// Erases a user on an operator's authority (a support request, a legal order, an account closed by the
    /// host), stating why; the reason is recorded with the erasure.
    /// - Throws: `.invalidIdentifier` when `operatorReason` is blank; otherwise as ``eraseUser(_:)``.
    public func eraseUser(_ id: UserID, operatorReason: String) async throws -> UserErasureReport {
        let reason = operatorReason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw SelfieModelKitError(
                .invalidIdentifier, rule: "erasure.operator-reason",
                userMessage: "State why this user is being erased.")
        }
        return try await erase(.verifiedByHost(id, via: "operator erasure: \(reason)"), reason: "operator: \(reason)")
    }

    /// Finishes up to `limit` erasures that were begun and not completed (a crash, Replicate still
    /// processing version deletions); the ``Reconciler`` calls it on every pass. Returns the reports of
    /// those it finished; one that fails again is logged and left for the next pass.
    @discardableResult
    public func resumePendingErasures(limit: Int = 10) async throws -> [UserErasureReport] {
        var reports: [UserErasureReport] = []
        for pending in try await context.store.systemPendingUserErasures(limit: limit) {
            // The store itself named this user as being erased; the erasure continues on that authority.
            let user = AuthenticatedUser.verifiedByHost(pending.userID, via: "resumed erasure: \(pending.reason)")
            do {
                reports.append(try await erase(user, reason: pending.reason))
            } catch {
                context.logger.warning(
                    "erasure not finished yet", metadata: ["user": "\(pending.userID)", "error": "\(error)"])
            }
        }
        return reports
    }

    /// The user's erasure as the store records it, or `nil` when none was begun.
    public func erasure(of user: AuthenticatedUser) async throws -> UserErasure? {
        try await context.store.userErasure(for: user)
    }

    // MARK: - The steps

    private func erase(_ user: AuthenticatedUser, reason: String) async throws -> UserErasureReport {
        let erasure = try await context.store.beginUserErasure(for: user, reason: reason)
        var report = UserErasureReport(user: user.id, reason: erasure.reason, startedAt: erasure.startedAt)
        if let completedAt = erasure.completedAt {
            report.completedAt = completedAt
            report.wasAlreadyComplete = true
            return report
        }
        context.logger.notice("erasure begun", metadata: ["user": "\(user.id)", "reason": "\(erasure.reason)"])
        try await afterStep?(.begin, user.id)
        try await cancelJobs(of: user, into: &report)
        try await afterStep?(.cancelJobs, user.id)
        try await deleteModel(of: user, into: &report)
        try await afterStep?(.deleteModel, user.id)
        try await deleteFiles(of: user, into: &report)
        try await afterStep?(.deleteFiles, user.id)
        try await deleteImages(of: user, into: &report)
        try await afterStep?(.deleteImages, user.id)
        report.deletedRows = try await context.store.completeUserErasure(for: user)
        report.completedAt = try await context.store.userErasure(for: user)?.completedAt ?? context.now()
        try await afterStep?(.deleteRows, user.id)
        StudioMetrics.userErased()
        context.logger.notice(
            "erasure complete",
            metadata: [
                "user": "\(user.id)", "versions": "\(report.deletedVersions.count)",
                "files": "\(report.deletedFiles.count)", "rows": "\(report.deletedRows.total)",
            ])
        return report
    }

    /// The most generations one read of the cancel step returns (newest first; in-flight ones are new).
    static let generationsPerRead = 100_000

    /// How many times the cancel step reads the jobs again when another path moved one meanwhile.
    static let cancelRounds = 5

    /// Cancels every non-terminal training and generation of the user's, at Replicate (when started there)
    /// and in the store, until none is left. A job that another path finished meanwhile is left as it is.
    private func cancelJobs(of user: AuthenticatedUser, into report: inout UserErasureReport) async throws {
        let store = context.store
        for _ in 0..<Self.cancelRounds {
            let attempts = try await store.trainingAttempts(for: user).filter { !$0.status.isTerminal }
            let generations = try await store.generations(for: user, limit: Self.generationsPerRead).filter {
                !$0.status.isTerminal
            }
            if attempts.isEmpty && generations.isEmpty { return }
            for attempt in attempts {
                if let id = attempt.trainingID {
                    try await ignoringGone { _ = try await context.client.cancelTraining(id, for: user.id) }
                    report.canceledTrainings.append(id)
                }
                try await ignoringConflict {
                    _ = try await store.updateTrainingAttempt(
                        attempt.id, JobUpdate(from: attempt.status, to: .canceled, failure: FailureExplanation.erased),
                        for: user)
                }
            }
            for generation in generations {
                if let id = generation.predictionID {
                    try await ignoringGone { _ = try await context.client.cancelPrediction(id, for: user.id) }
                    report.canceledPredictions.append(id)
                }
                try await ignoringConflict {
                    _ = try await store.updateGeneration(
                        generation.id,
                        JobUpdate(from: generation.status, to: .canceled, failure: FailureExplanation.erased),
                        for: user)
                }
            }
        }
        throw SelfieModelKitError(
            .erasureIncomplete, rule: "erasure.jobs-keep-moving",
            userMessage: "Your account is being deleted. This takes a few more minutes.",
            detail: "the user's jobs kept changing during \(Self.cancelRounds) rounds of canceling")
    }

    /// Deletes every version of the user's model (as Replicate lists them, so versions the store never
    /// heard of go too), then the model.
    private func deleteModel(of user: AuthenticatedUser, into report: inout UserErasureReport) async throws {
        let model = ReplicateModelID.selfieModel(for: user.id, owner: context.owner)
        let versions: [ModelVersion]
        do {
            versions = try await context.client.listVersions(of: model, for: user.id)
        } catch let error as ReplicateError where error.httpStatus == 404 {
            return  // the model is gone already
        }
        for version in versions {
            try await ignoringGone {
                try await context.client.deleteVersion(version.id, of: model, for: user.id)
            }
            report.deletedVersions.append(version.id)
        }
        do {
            try await context.client.deleteModel(model, for: user.id)
            report.deletedModel = true
        } catch let error as ReplicateError where error.httpStatus == 404 {
            return
        } catch let error as ReplicateError where error.httpStatus == 409 {
            throw SelfieModelKitError(
                .erasureIncomplete, rule: "erasure.versions-processing",
                userMessage: "Your account is being deleted. This takes a few more minutes.",
                detail: "Replicate still processes the deletion of \(model)'s versions: \(error.detail ?? "409")")
        }
    }

    /// Deletes the user's uploaded training archives: those recorded with their trainings, and any named
    /// for them (an upload whose training was never recorded, after a crash).
    private func deleteFiles(of user: AuthenticatedUser, into report: inout UserErasureReport) async throws {
        var ids = Set(
            try await context.store.trainingAttempts(for: user).compactMap {
                $0.inputImagesURL.flatMap(context.client.uploadedFileID(in:))
            })
        let name = ModelTrainingService.archiveFileName(for: user.id)
        for file in try await context.client.listFiles(for: user.id) where file.name == name {
            ids.insert(file.id)
        }
        for id in ids.sorted() {
            var deleted = true
            do {
                try await context.client.deleteFile(id, for: user.id)
            } catch let error as ReplicateError where error.httpStatus == 404 {
                deleted = false
            }
            if deleted { report.deletedFiles.append(id) }
        }
    }

    /// Deletes the bytes of every photo row of the user's, then anything else under their keys.
    private func deleteImages(of user: AuthenticatedUser, into report: inout UserErasureReport) async throws {
        var count = 0
        for kind in PhotoKind.allCases {
            for photo in try await context.store.photos(of: kind, for: user) where photo.userID == user.id {
                try await context.images.delete(photo.storageKey)
                count += 1
            }
        }
        count += try await context.images.deleteAll(of: user.id)
        report.deletedImages += count
    }

    /// Runs `body`, treating Replicate's 404 (already gone) as done.
    private func ignoringGone(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ReplicateError where error.httpStatus == 404 {
            return
        }
    }

    /// Runs `body`, treating a transition conflict (another path moved the job first) as done for this
    /// round; the next round reads the job again.
    private func ignoringConflict(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SelfieModelKitError where error.code == .transitionConflict {
            return
        }
    }
}
