import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitValidation

extension ReplicateClient {
    /// Starts a generation: `POST /predictions` with exactly the bytes of `request.jsonBody()` (the one
    /// place that builds a prediction body), in the prediction-create bucket, on behalf of the request's
    /// user.
    ///
    /// - Parameters:
    ///   - request: the generation, built from the user's own trained model; its user is the one the
    ///     rate budget serves.
    ///   - wait: when given, sends `Prefer: wait=N` (N clamped to 1...60 seconds) so Replicate answers once
    ///     the prediction is done or the time is up; the prediction may still be running.
    /// - Throws: ``ReplicateError``; a 429 is retried (never surfaced while the retry budget lasts), a 5xx
    ///   or a possibly-sent network failure is not, because the prediction may exist already.
    public func createPrediction(_ request: GenerationRequest, wait: Duration? = nil) async throws -> Prediction {
        try await createPrediction(body: request.jsonBody(), wait: wait, for: request.user.id)
    }

    /// Starts a training of the request's user's model: `POST` to the locked trainer's
    /// `/models/{owner}/{name}/versions/{version}/trainings` with exactly `request.jsonBody()`.
    ///
    /// - Parameter request: the training of the user's own model with the locked trainer.
    /// - Throws: ``ReplicateError``; `.notFound` when the destination model does not exist yet
    ///   (create it with ``createModel(_:visibility:hardware:description:for:)`` first).
    public func createTraining(_ request: TrainingRequest) async throws -> Training {
        try await createTraining(
            path: TrainingRequest.trainer.trainingsPath, body: request.jsonBody(), for: request.user.id)
    }

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

    /// Sends an exact training body to a trainer's trainings path (under the base URL). The public entry
    /// point takes a `TrainingRequest`, which builds the body and names the trainer.
    func createTraining(path: String, body: Data, for user: UserID?) async throws -> Training {
        try await send(endpoint(.post, path, json: body), for: user, as: Training.self)
    }
}

extension HTTPField.Name {
    /// `Prefer` (RFC 7240), which Replicate reads as `wait=N`.
    static let prefer = HTTPField.Name("Prefer")!
}
