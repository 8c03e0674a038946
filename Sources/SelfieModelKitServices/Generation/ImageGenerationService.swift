import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

/// AI Photoshoot: curated looks become generations on the user's own model (the specification's
/// `image-generation-service`). It also owns the single generation path that Maya uses, and the user's
/// photo library.
public struct ImageGenerationService: Sendable {
    /// The shared context.
    public let context: StudioContext
    /// The Photoshoot's curated looks.
    public let catalog: LookCatalog
    /// The per-user monthly generation limit; `nil` for none.
    public let monthlyQuota: Int?

    /// Creates the service.
    public init(context: StudioContext, catalog: LookCatalog, monthlyQuota: Int?) {
        self.context = context
        self.catalog = catalog
        self.monthlyQuota = monthlyQuota
    }

    /// Starts one generation of a curated look on the user's own model.
    public func generate(user: AuthenticatedUser, look: PhotoshootLookID) async throws -> GenerationRecord {
        let template = try catalog.look(look)
        return try await start(
            user: user, promptText: template.prompt(for: TriggerWord(for: user.id)), source: .photoshoot,
            lookID: look.rawValue)
    }

    /// The one path every generation takes (Photoshoot and Maya alike).
    ///
    /// Validations first, as the specification lists them: an authenticated user (the type), a completed
    /// model with a version that is the user's own (``TrainedUserModel``), architecture compliance (the
    /// audit of the record and of the exact body). Then the quota and the recorded intent, then the call
    /// with the webhook. Nothing is ever retried with other parameters or another model.
    func start(
        user: AuthenticatedUser, promptText: String, source: GenerationSource, lookID: String?
    )
        async throws -> GenerationRecord
    {
        guard let record = try await context.store.userModel(for: user) else {
            throw TrainedUserModel.notTrainedError()
        }
        let model = try TrainedUserModel(record: record, for: user, owner: context.owner)
        let prompt = try UserPrompt(promptText, for: model)
        let request = try GenerationRequest(
            model: model, prompt: prompt, seed: .random(),
            webhook: try context.webhookTarget(events: [.start, .completed]),
            guidanceKeyCompatibility: context.guidanceKeyCompatibility)
        let body = request.jsonBody()
        let report = context.auditor.audit(
            records: [record], requests: [RecordedPredictionRequest(user: user.id, body: body)])
        guard report.isCompliant else {
            context.logger.critical("compliance refused a generation", metadata: ["report": "\(report)"])
            throw SelfieModelKitError(
                .modelOwnershipMismatch, rule: "compliance.refused",
                userMessage: "Your photos couldn't be created right now. Our team has been notified.",
                detail: report.violations.map(\.description).joined(separator: "; "))
        }
        // Recorded already held by this context's start lease, renewed while the create call waits its turn
        // in the rate budget (for minutes, maybe) and runs, so no reconciler, on this instance or another,
        // takes it for an orphan meanwhile.
        let generation = try await context.store.recordGenerationIntent(
            NewGeneration(
                source: source, lookID: lookID, prompt: prompt.text, seed: request.seed.value, requestBody: body,
                startLease: context.startLease),
            monthlyLimit: monthlyQuota, for: user)
        let store = context.store
        let holder = context.startLease.holder
        do {
            let (prediction, attached) = try await context.holdingStart(
                "generation \(generation.id)",
                renew: { try await store.systemHoldGenerationLease(generation.id, lease: $0) }
            ) {
                let prediction = try await context.client.createPrediction(request)
                do {
                    return (
                        prediction,
                        try await context.store.attachPredictionID(prediction.id, to: generation.id, for: user).record
                    )
                } catch let error as SelfieModelKitError
                    where error.code == .transitionConflict || error.code == .notFound
                {
                    // Another instance's reconciler gave this generation up as never started (its start lease
                    // had lapsed), or the user was erased meanwhile (the row is canceled or gone); the
                    // prediction nobody tracks any more is canceled, not left running.
                    _ = try? await context.client.cancelPrediction(prediction.id, for: user.id)
                    throw error
                }
            }
            try? await store.systemReleaseGenerationLease(generation.id, holder: holder)
            StudioMetrics.generationStarted(source: source)
            if prediction.status.isTerminal {
                return try await apply(prediction) ?? attached
            }
            return attached
        } catch {
            try? await store.systemReleaseGenerationLease(generation.id, holder: holder)
            let mayHaveStarted = FailureExplanation.mayHaveStarted(error)
            if !mayHaveStarted {
                _ = try? await context.store.updateGeneration(
                    generation.id,
                    JobUpdate(
                        from: .recorded, to: .failed,
                        failure: FailureExplanation.notStarted(error, during: .generationCreate)),
                    for: user)
            }
            context.logger.error("generation start failed", metadata: ["user": "\(user.id)", "error": "\(error)"])
            throw FailureExplanation.surfaced(error, during: .generationCreate, mayHaveStarted: mayHaveStarted)
        }
    }

    // MARK: Photos

    /// One of the user's generations; another user's answers like a missing one.
    public func generation(_ id: GenerationID, for user: AuthenticatedUser) async throws -> GenerationRecord {
        guard let record = try await context.store.generation(id, for: user) else { throw notFound("generation") }
        return record
    }

    /// The user's generated photos, oldest first.
    public func photos(for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        try await context.store.photos(of: .generated, for: user)
    }

    /// The photos one generation produced, oldest first: empty while it runs, and for a failed or
    /// cancelled one. Another user's generation answers exactly like a missing one.
    public func photos(of generation: GenerationID, for user: AuthenticatedUser) async throws -> [PhotoRecord] {
        let record = try await self.generation(generation, for: user)
        return try await photos(for: user).filter { $0.generationID == record.id }
    }

    /// A photo and its bytes. Another user's photo answers exactly like a missing one.
    public func photo(_ id: PhotoID, for user: AuthenticatedUser) async throws -> (PhotoRecord, Data) {
        guard let record = try await context.store.photo(id, for: user),
            let data = try await context.images.get(record.storageKey)
        else { throw notFound("photo") }
        return (record, data)
    }

    /// Marks or unmarks a photo as a favourite.
    public func setFavourite(
        _ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser
    ) async throws
        -> PhotoRecord
    {
        guard let record = try await context.store.setFavourite(id, isFavourite, for: user) else {
            throw notFound("photo")
        }
        return record
    }

    /// Deletes a generated photo, bytes included.
    public func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) async throws {
        guard let record = try await context.store.photo(id, for: user), record.kind == .generated,
            let deleted = try await context.store.deletePhoto(id, for: user)
        else { throw notFound("photo") }
        try await context.images.delete(deleted.storageKey)
    }
}
