import Foundation
import HTTPTypes
import SelfieModelKit

extension ReplicateClient {
    /// Reads a training: `GET /trainings/{id}`.
    public func training(_ id: TrainingID, for user: UserID? = nil) async throws -> Training {
        try await send(endpoint(.get, "/trainings/\(id)"), for: user, as: Training.self)
    }

    /// Cancels a training: `POST /trainings/{id}/cancel`. Returns the training as Replicate reports it
    /// afterwards (usually `canceled`; a finished training stays as it was).
    public func cancelTraining(_ id: TrainingID, for user: UserID? = nil) async throws -> Training {
        try await send(endpoint(.post, "/trainings/\(id)/cancel"), for: user, as: Training.self)
    }

    /// Reads a prediction: `GET /predictions/{id}`.
    public func prediction(_ id: PredictionID, for user: UserID? = nil) async throws -> Prediction {
        try await send(endpoint(.get, "/predictions/\(id)"), for: user, as: Prediction.self)
    }

    /// Cancels a prediction: `POST /predictions/{id}/cancel`.
    public func cancelPrediction(_ id: PredictionID, for user: UserID? = nil) async throws -> Prediction {
        try await send(endpoint(.post, "/predictions/\(id)/cancel"), for: user, as: Prediction.self)
    }

    /// Sends an exact prediction body: `POST /predictions`, in the prediction-create bucket, with
    /// `Prefer: wait=N` when `wait` is given (clamped to 1...60 seconds). The public entry point takes a
    /// `GenerationRequest`, the one place that builds this body.
    func createPrediction(body: Data, wait: Duration?, for user: UserID?) async throws -> Prediction {
        var create = endpoint(.post, "/predictions", json: body, bucket: .predictionCreate)
        if let wait {
            let seconds = min(60, max(1, Int(wait.seconds.rounded(.up))))
            create.extraHeaders[.prefer] = "wait=\(seconds)"
        }
        return try await send(create, for: user, as: Prediction.self)
    }

    /// Sends an exact training body to `POST /models/{owner}/{name}/versions/{version}/trainings`. The
    /// public entry point takes a `TrainingRequest`, which builds the body and names the trainer.
    func createTraining(
        trainerOwner: String, trainerName: String, trainerVersion: ModelVersionID, body: Data, for user: UserID?
    ) async throws -> Training {
        try await send(
            endpoint(.post, "/models/\(trainerOwner)/\(trainerName)/versions/\(trainerVersion)/trainings", json: body),
            for: user, as: Training.self)
    }
}

extension HTTPField.Name {
    /// `Prefer` (RFC 7240), which Replicate reads as `wait=N`.
    static let prefer = HTTPField.Name("Prefer")!
}
