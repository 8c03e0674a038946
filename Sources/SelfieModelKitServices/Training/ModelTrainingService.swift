import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

/// One uploaded file: its bytes and the name the user gave it (the name is never trusted for the format).
public struct SelfieUpload: Sendable, Hashable {
    /// The file's bytes.
    public var data: Data
    /// The file's name, shown back in results.
    public var fileName: String

    /// Describes one upload.
    public init(data: Data, fileName: String) {
        self.data = data
        self.fileName = fileName
    }
}

/// What happened to one uploaded batch of selfies.
public struct SelfieIntakeResult: Sendable, Hashable {
    /// Per photo, in upload order: accepted (and stored) or refused with what to do.
    public let results: [PhotoInspection]
    /// The photos stored from this batch.
    public let stored: [PhotoRecord]
    /// How many selfies the user now has.
    public let totalKept: Int

    /// Whether the user has enough selfies to start training.
    public var canStartTraining: Bool { totalKept >= PhotoBatchPolicy.minimumToStartTraining }

    /// A short summary for the user.
    public var summary: String {
        let refused = results.filter { $0.refusal != nil }.count
        var text = "\(stored.count) photo\(stored.count == 1 ? "" : "s") added"
        if refused > 0 { text += ", \(refused) refused" }
        text += ". You have \(totalKept) selfie\(totalKept == 1 ? "" : "s")"
        if canStartTraining {
            text += " — enough to start training."
        } else {
            text += "; add \(PhotoBatchPolicy.minimumToStartTraining - totalKept) more to start training."
        }
        return text
    }
}

/// Where a user's model stands, for status screens.
public struct TrainingStatusReport: Sendable, Hashable {
    /// The user's model record, if any training was ever started.
    public let model: UserModelRecord?
    /// The newest training attempt.
    public let latestAttempt: TrainingAttempt?
    /// How many selfies the user has.
    public let selfieCount: Int

    /// Whether generations can run now.
    public var canGenerate: Bool { model?.trainingStatus == .completed && model?.replicateVersionID != nil }

    /// Progress of a running training, 0...1.
    public var progress: Double? {
        guard let latestAttempt, !latestAttempt.status.isTerminal else { return nil }
        return latestAttempt.progress ?? 0
    }

    /// A sentence for the user.
    public var message: String {
        if let attempt = latestAttempt, !attempt.status.isTerminal {
            let percent = Int(((attempt.progress ?? 0) * 100).rounded())
            return canGenerate
                ? "A new training is running (\(percent)%). Your current model keeps working until it finishes."
                : "Your personal model is training (\(percent)%). This usually takes 20 to 30 minutes."
        }
        if canGenerate { return "Your personal model is ready." }
        if let failure = latestAttempt?.failure ?? model?.failure { return failure.userMessage }
        if selfieCount < PhotoBatchPolicy.minimumToStartTraining {
            return "Upload at least \(PhotoBatchPolicy.minimumToStartTraining) selfies to train your personal model."
        }
        return "You have \(selfieCount) selfies. Start training to create your personal model."
    }
}

/// Training management: selfies in, validated and packaged, trained on Replicate, tracked to a
/// completed record (the specification's `model-training-service`).
public struct ModelTrainingService: Sendable {
    /// The shared context.
    public let context: StudioContext
    /// The trainer's hyperparameters for every training this service starts.
    public let hyperparameters: TrainingHyperparameters
    /// The selfie checks.
    public let inspector: PhotoInspector
    private let archiveDirectory: URL

    /// Creates the service.
    public init(
        context: StudioContext, hyperparameters: TrainingHyperparameters = .trainerDefaults,
        inspector: PhotoInspector = PhotoInspector(),
        archiveDirectory: URL = FileManager.default.temporaryDirectory
    ) {
        self.context = context
        self.hyperparameters = hyperparameters
        self.inspector = inspector
        self.archiveDirectory = archiveDirectory
    }

    // MARK: Selfies

    /// Checks each upload (format by magic bytes, size, corruption, duplicates), strips metadata, and stores
    /// the good ones under the user's own keys. Good photos are kept even when others in the batch fail.
    public func addSelfies(_ uploads: [SelfieUpload], for user: AuthenticatedUser) async throws -> SelfieIntakeResult {
        let existing = try await context.store.photos(of: .selfie, for: user)
        let inspections = uploads.map { inspector.inspect($0.data, fileName: $0.fileName) }
        let batch = PhotoBatchPolicy.evaluate(inspections, alreadyKept: Set(existing.map(\.sha256))) {
            sha256Hex($0)
        }
        var stored: [PhotoRecord] = []
        for kept in batch.kept {
            // The bytes are written before the row. A host that dies between the two leaves bytes no row
            // names; their key comes from the user and the photo's content, so the app's retry of the same
            // selfie writes the same key again and its row then names them.
            let record = PhotoRecord(
                id: Self.selfieID(of: user.id, sha256: kept.sha256), userID: user.id, kind: .selfie,
                sha256: kept.sha256, byteCount: kept.photo.data.count, width: kept.photo.width,
                height: kept.photo.height, contentType: kept.photo.contentType, createdAt: context.now())
            try await context.images.put(kept.photo.data, at: record.storageKey)
            do {
                try await context.store.addPhoto(record, for: user)
            } catch {
                // The store refused the row (the user is being erased, say): unless a concurrent upload of
                // the same selfie stored its row first, no row names these bytes.
                if (try? await context.store.photo(record.id, for: user)) == nil {
                    try? await context.images.delete(record.storageKey)
                }
                throw error
            }
            stored.append(record)
        }
        context.logger.info(
            "selfies checked",
            metadata: ["user": "\(user.id)", "stored": "\(stored.count)", "uploaded": "\(uploads.count)"])
        return SelfieIntakeResult(results: batch.results, stored: stored, totalKept: existing.count + stored.count)
    }

    /// The id of `user`'s selfie with content `sha256`: the same for every upload of the same bytes by the
    /// same user (a user keeps one copy of a selfie), and unrelated to any other user's.
    static func selfieID(of user: UserID, sha256: String) -> PhotoID {
        PhotoID.named("selfie#\(user.rawValue)#\(sha256)")
    }

    /// The user's stored selfies, oldest first.
    public func selfies(for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        try await context.store.photos(of: .selfie, for: user)
    }

    /// Deletes one of the user's selfies and its bytes. Another user's photo answers like a missing one.
    public func deleteSelfie(_ id: PhotoID, for user: AuthenticatedUser) async throws {
        guard let record = try await context.store.photo(id, for: user), record.kind == .selfie,
            let deleted = try await context.store.deletePhoto(id, for: user)
        else { throw notFound("selfie") }
        try await context.images.delete(deleted.storageKey)
    }

    // MARK: Training

    /// Starts training the user's personal model from their stored selfies.
    ///
    /// In order: refuses a second active training; checks there are enough selfies; builds the archive from
    /// this user's photos only and verifies every entry against the store; records the intent; makes sure
    /// `{owner}/{userId}-selfie-lora` exists (private); uploads the archive through the Files API; starts the
    /// locked trainer with the trigger word `user{userId}`; attaches Replicate's id. A crash anywhere after
    /// the intent leaves a recorded attempt that the ``Reconciler`` resolves, and blocks a second start.
    public func startTraining(for user: AuthenticatedUser) async throws -> TrainingAttempt {
        if let active = try await context.store.trainingAttempts(for: user).first(where: { !$0.status.isTerminal }) {
            throw Self.alreadyActive(active)
        }
        let photos = try await context.store.photos(of: .selfie, for: user)
        try PhotoBatchPolicy.requireEnoughToStartTraining(keptCount: photos.count)
        let builder = TrainingArchiveBuilder(images: context.images, directory: archiveDirectory)
        let archive: TrainingArchive
        do {
            archive = try await builder.build(photos: photos, for: user)
        } catch {
            throw FailureExplanation.surfaced(error, during: .trainingArchive)
        }
        defer { try? FileManager.default.removeItem(at: archive.fileURL) }
        do {
            try builder.verify(archive, against: try await context.store.photos(of: .selfie, for: user))
        } catch {
            throw FailureExplanation.surfaced(error, during: .trainingArchive)
        }

        let modelID = ReplicateModelID.selfieModel(for: user.id, owner: context.owner)
        // The attempt is recorded already held by this context's start lease, renewed while the create path
        // runs, so no reconciler (of this instance or another) takes it for an orphan meanwhile.
        let attempt = try await context.store.recordTrainingIntent(
            NewTrainingAttempt(
                modelID: modelID, photoCount: archive.photoCount, archiveSHA256: archive.sha256,
                startLease: context.startLease),
            for: user)
        context.logger.info("training intent recorded", metadata: ["user": "\(user.id)", "attempt": "\(attempt.id)"])
        // Only the create call itself can start a training: a failure before it (the model or the upload)
        // fails the attempt at once, so the user can try again without waiting for the reconciler.
        var createCallSent = false
        let store = context.store
        let holder = context.startLease.holder
        do {
            let started = try await context.holdingStart(
                "training attempt \(attempt.id)",
                renew: { try await store.systemHoldTrainingLease(attempt.id, lease: $0) }
            ) {
                try await createTraining(attempt, modelID: modelID, archive: archive, for: user) {
                    createCallSent = true
                }
            }
            try? await store.systemReleaseTrainingLease(attempt.id, holder: holder)
            StudioMetrics.trainingStarted()
            return started
        } catch {
            try? await store.systemReleaseTrainingLease(attempt.id, holder: holder)
            await removeModelIfErased(modelID, for: user)
            let step: StudioStep = createCallSent ? .trainingCreate : .trainingUpload
            let mayHaveStarted = createCallSent && FailureExplanation.mayHaveStarted(error)
            if !mayHaveStarted {
                _ = try? await context.store.updateTrainingAttempt(
                    attempt.id,
                    JobUpdate(
                        from: .recorded, to: .failed, failure: FailureExplanation.notStarted(error, during: step)),
                    for: user)
            }
            context.logger.error("training start failed", metadata: ["user": "\(user.id)", "error": "\(error)"])
            throw FailureExplanation.surfaced(error, during: step, mayHaveStarted: mayHaveStarted)
        }
    }

    /// The create path of ``startTraining(for:)`` after the intent: the model, the upload, the create call
    /// and attaching Replicate's id. `markSent` runs just before the create call.
    private func createTraining(
        _ attempt: TrainingAttempt, modelID: ReplicateModelID, archive: TrainingArchive, for user: AuthenticatedUser,
        markSent: () -> Void
    ) async throws -> TrainingAttempt {
        try await ensureModelExists(modelID, for: user)
        let file = try await context.client.uploadFile(
            contentsOf: archive.fileURL, filename: Self.archiveFileName(for: user.id),
            contentType: "application/zip", metadata: .object(["purpose": .string("selfie-training")]),
            for: user.id)
        guard let inputImagesURL = file.url else {
            throw ReplicateError(.decoding, detail: "the uploaded file has no urls.get")
        }
        let request = try TrainingRequest(
            for: user, owner: context.owner, inputImagesURL: inputImagesURL, hyperparameters: hyperparameters,
            webhook: try context.webhookTarget(events: [.start, .logs, .completed]))
        markSent()
        let training: Training
        do {
            training = try await context.client.createTraining(request)
        } catch {
            // No training will read the archive: it leaves Replicate now rather than in 24 hours.
            if !FailureExplanation.mayHaveStarted(error) { await deleteArchive(file.id, of: user.id) }
            throw error
        }
        do {
            return try await context.store.attachTrainingID(
                training.id, inputImagesURL: inputImagesURL.absoluteString, to: attempt.id, for: user
            ).record
        } catch let error as SelfieModelKitError
            where error.code == .transitionConflict || error.code == .notFound
        {
            // Another instance's reconciler gave this attempt up as never started (its start lease had
            // lapsed), or the user was erased meanwhile (the attempt is canceled or gone); cancel the
            // training nobody tracks any more rather than leave it running.
            _ = try? await context.client.cancelTraining(training.id, for: user.id)
            await deleteArchive(file.id, of: user.id)
            throw error
        }
    }

    /// The user's model and newest attempt.
    public func status(for user: AuthenticatedUser) async throws -> TrainingStatusReport {
        TrainingStatusReport(
            model: try await context.store.userModel(for: user),
            latestAttempt: try await context.store.trainingAttempts(for: user).first,
            selfieCount: try await context.store.photos(of: .selfie, for: user).count)
    }

    /// Cancels the user's running training at Replicate and in the store.
    public func cancelTraining(for user: AuthenticatedUser) async throws -> TrainingAttempt {
        guard let active = try await context.store.trainingAttempts(for: user).first(where: { !$0.status.isTerminal })
        else { throw notFound("running training") }
        if let trainingID = active.trainingID {
            do {
                _ = try await context.client.cancelTraining(trainingID, for: user.id)
            } catch {
                throw FailureExplanation.surfaced(error, during: .trainingCancel)
            }
        }
        let outcome = try await context.store.updateTrainingAttempt(
            active.id, JobUpdate(from: active.status, to: .canceled, failure: FailureExplanation.canceled), for: user)
        StudioMetrics.trainingFinished(outcome: "canceled")
        if outcome.didApply { await applyRetention(afterEnding: outcome.record) }
        return outcome.record
    }

    /// After a start failed: when the user was erased meanwhile, the model this start may have created after
    /// the erasure deleted the user's (`ensureModelExists` creates a missing one) is deleted too, so nothing of
    /// the user is left at Replicate. Its training, if any, was cancelled; a model with a version left is
    /// refused by Replicate and stays for the operator (logged).
    private func removeModelIfErased(_ modelID: ReplicateModelID, for user: AuthenticatedUser) async {
        guard (try? await context.store.userErasure(for: user)) != nil else { return }
        do {
            try await context.client.deleteModel(modelID, for: user.id)
        } catch let error as ReplicateError where error.httpStatus == 404 {
            return
        } catch {
            context.logger.error(
                "the model of an erased user could not be deleted",
                metadata: ["user": "\(user.id)", "model": "\(modelID)", "error": "\(error)"])
        }
    }

    private func ensureModelExists(_ modelID: ReplicateModelID, for user: AuthenticatedUser) async throws {
        do {
            _ = try await context.client.model(modelID, for: user.id)
        } catch let error as ReplicateError where error.httpStatus == 404 {
            do {
                _ = try await context.client.createModel(
                    modelID, visibility: .private, description: "Personal FLUX model of SSELFIE user \(user.id)",
                    for: user.id)
            } catch let error as ReplicateError where error.httpStatus == 409 {
                return  // created concurrently: an existing model is fine
            }
        }
    }

    /// The name a user's training archive is uploaded under, `selfies-{userId}.zip`; erasure finds uploads
    /// by it even when no training recorded them.
    public static func archiveFileName(for user: UserID) -> String { "selfies-\(user).zip" }

    static func alreadyActive(_ attempt: TrainingAttempt) -> SelfieModelKitError {
        SelfieModelKitError(
            .trainingAlreadyActive, rule: "training.one-active",
            userMessage: "Your model is already training. You'll be able to start another training when it finishes.",
            detail: "active attempt \(attempt.id) (\(attempt.status))")
    }
}

func notFound(_ what: String) -> SelfieModelKitError {
    SelfieModelKitError(
        .notFound, rule: "not-found", userMessage: "We couldn't find that \(what). It may have been deleted.")
}
