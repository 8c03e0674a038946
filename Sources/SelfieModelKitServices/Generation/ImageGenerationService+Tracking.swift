import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

extension ImageGenerationService {
    /// Applies what Replicate reports about a prediction (from a verified webhook or the reconciler).
    ///
    /// On success every output is downloaded into the `ImageStore` and verified (a PNG, 3:4, its sha256
    /// recorded), and only then is the generation marked succeeded, together with its photo rows, in one
    /// store transaction. A URL is never stored alone. Idempotent: the same report twice changes nothing.
    ///
    /// Another path may move the generation between this call's read and its write (a webhook on another
    /// instance, the reconciler, a cancel); the store then refuses the write, the bytes this call stored
    /// for a completion that did not land are deleted, and the report is decided again on a fresh read (at
    /// most ``applyRounds`` times), so a report that was overtaken is not an error.
    @discardableResult
    public func apply(_ prediction: Prediction) async throws -> GenerationRecord? {
        var round = 1
        while true {
            do {
                return try await applyOnce(prediction)
            } catch let error as SelfieModelKitError where error.code == .transitionConflict && round < Self.applyRounds
            {
                round += 1
            }
        }
    }

    /// How many times ``apply(_:)`` reads and decides again after another path moved the job first.
    static let applyRounds = 3

    private func applyOnce(_ prediction: Prediction) async throws -> GenerationRecord? {
        guard let generation = try await context.store.systemGeneration(predictionID: prediction.id) else {
            context.logger.warning("prediction not ours", metadata: ["prediction": "\(prediction.id)"])
            return nil
        }
        guard !generation.status.isTerminal else { return generation }
        switch prediction.status {
        case .succeeded:
            if prediction.dataRemoved || prediction.outputURLs.isEmpty {
                return try await finish(generation, .failed, FailureExplanation.expiredOutputs)
            }
            let photos: [PhotoRecord]
            do {
                photos = try await persistOutputs(
                    prediction.outputURLs, of: generation, createdAt: prediction.completedAt)
            } catch let error as SelfieModelKitError where error.code == .jobFailed {
                return try await finish(
                    generation, .failed, JobFailure(providerError: error.detail, userMessage: error.userMessage))
            } catch let error as ReplicateError where error.httpStatus == 404 || error.httpStatus == 410 {
                return try await finish(generation, .failed, FailureExplanation.expiredOutputs)
            }
            let outcome: TransitionOutcome<GenerationRecord>
            do {
                outcome = try await context.store.systemCompleteGeneration(
                    generation.id, expected: generation.status, photos: photos)
            } catch let error as SelfieModelKitError
                where error.code == .transitionConflict || error.code == .notFound
            {
                // The generation moved on meanwhile, or its user was erased (the row is gone). Photo ids
                // derive from the generation, so when it succeeded elsewhere these bytes are its photos'
                // bytes; otherwise nothing names them.
                let current = try await context.store.systemGeneration(predictionID: prediction.id)
                if current?.status != .succeeded {
                    for photo in photos { try? await context.images.delete(photo.storageKey) }
                }
                throw error
            }
            if outcome.didApply {
                StudioMetrics.generationFinished(outcome: "succeeded")
                context.logger.info(
                    "generation stored", metadata: ["user": "\(generation.userID)", "photos": "\(photos.count)"])
            }
            return outcome.record
        case .failed, .aborted:
            return try await finish(
                generation, .failed, FailureExplanation.generation(providerError: prediction.error?.message))
        case .canceled:
            return try await finish(generation, .canceled, FailureExplanation.canceled)
        default:
            guard generation.status != .processing, prediction.status == .processing else { return generation }
            return try await context.store.systemUpdateGeneration(
                generation.id, JobUpdate(from: generation.status, to: .processing)
            ).record
        }
    }

    private func finish(
        _ generation: GenerationRecord, _ status: JobStatus, _ failure: JobFailure
    ) async throws
        -> GenerationRecord
    {
        let outcome = try await context.store.systemUpdateGeneration(
            generation.id, JobUpdate(from: generation.status, to: status, failure: failure))
        if outcome.didApply { StudioMetrics.generationFinished(outcome: status.rawValue) }
        return outcome.record
    }

    /// Downloads, verifies and stores each output; photo ids derive from the generation and index so a
    /// repeated attempt overwrites rather than duplicates.
    private func persistOutputs(
        _ urls: [URL], of generation: GenerationRecord, createdAt: Date?
    ) async throws
        -> [PhotoRecord]
    {
        if let createdAt { StudioMetrics.outputAgeAtPersist(context.now().timeIntervalSince(createdAt)) }
        var photos: [PhotoRecord] = []
        for (index, url) in urls.enumerated() {
            let data = try await context.client.download(url, for: generation.userID)
            // A full structural check (signature, every chunk's CRC, IEND, no truncation), not just the
            // header; the size limits are the output's own, not the selfie rules.
            let inspection = Self.outputInspector.inspect(data, fileName: "output-\(index).png")
            guard let header = inspection.photo else {
                throw Self.invalidOutput(
                    "output \(index) is not a valid image: \(inspection.refusal?.description ?? "-")")
            }
            guard header.format == .png else {
                throw Self.invalidOutput("output \(index) is \(header.format), not PNG")
            }
            guard header.width * 4 == header.height * 3 else {
                throw Self.invalidOutput("output \(index) is \(header.width)×\(header.height), not 3:4")
            }
            let photo = PhotoRecord(
                id: Self.photoID(generation: generation.id, index: index), userID: generation.userID, kind: .generated,
                generationID: generation.id, outputIndex: index, sha256: sha256Hex(data), byteCount: data.count,
                width: header.width, height: header.height, contentType: "image/png", createdAt: context.now())
            try await context.images.put(data, at: photo.storageKey)
            photos.append(photo)
        }
        return photos
    }

    /// A stable photo id per generation and output index (a name-based UUID from sha256).
    static func photoID(generation: GenerationID, index: Int) -> PhotoID {
        PhotoID.named("\(generation)#\(index)")
    }

    /// Checks generated outputs: any size FLUX produces, up to Replicate's largest, fully parsed.
    static let outputInspector = PhotoInspector(
        limits: PhotoLimits(minimumShortSide: 1, maximumPixelCount: 40_000_000, maximumByteCount: 100 * 1024 * 1024))

    static func invalidOutput(_ detail: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .jobFailed, rule: "generation.output",
            userMessage: "Your photos came back damaged. Please create them again.", detail: detail)
    }
}
