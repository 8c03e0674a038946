import Foundation
import PostgresNIO
import SelfieModelKit

/// Reads the store's rows back into the core's records, validating every identifier on the way (a value
/// that does not validate means the database was written by something else, and is refused).
enum PostgresRows {
    static func userModel(_ row: PostgresRow) throws -> UserModelRecord {
        let cells = row.makeRandomAccess()
        let userID = try UserID(cells["user_id"].decode(String.self))
        return UserModelRecord(
            userID: userID,
            replicateModelID: try ReplicateModelID(parsing: cells["replicate_model_id"].decode(String.self)),
            replicateVersionID: try cells["replicate_version_id"].decode(String?.self).map(ModelVersionID.init),
            triggerWord: try TriggerWord(parsing: cells["trigger_word"].decode(String.self)),
            trainingStatus: try status(cells["training_status"].decode(String.self), as: TrainingStatus.self),
            trainingProgress: try cells["training_progress"].decode(Double?.self),
            failure: try failure(cells),
            versionSchemaJSON: try cells["version_schema_json"].decode(String?.self),
            createdAt: try cells["created_at"].decode(Date.self),
            updatedAt: try cells["updated_at"].decode(Date.self),
            completedAt: try cells["completed_at"].decode(Date?.self))
    }

    static func trainingAttempt(_ row: PostgresRow) throws -> TrainingAttempt {
        let cells = row.makeRandomAccess()
        return TrainingAttempt(
            id: TrainingAttemptID(try cells["id"].decode(UUID.self)),
            userID: try UserID(cells["user_id"].decode(String.self)),
            trainingID: try cells["training_id"].decode(String?.self).map(TrainingID.init),
            status: try status(cells["status"].decode(String.self), as: JobStatus.self),
            progress: try cells["progress"].decode(Double?.self),
            photoCount: try cells["photo_count"].decode(Int.self),
            archiveSHA256: try cells["archive_sha256"].decode(String.self),
            inputImagesURL: try cells["input_images_url"].decode(String?.self),
            outputVersionID: try cells["output_version_id"].decode(String?.self).map(ModelVersionID.init),
            failure: try failure(cells),
            createdAt: try cells["created_at"].decode(Date.self),
            updatedAt: try cells["updated_at"].decode(Date.self),
            completedAt: try cells["completed_at"].decode(Date?.self))
    }

    static func generation(_ row: PostgresRow) throws -> GenerationRecord {
        let cells = row.makeRandomAccess()
        return GenerationRecord(
            id: GenerationID(try cells["id"].decode(UUID.self)),
            userID: try UserID(cells["user_id"].decode(String.self)),
            source: try status(cells["source"].decode(String.self), as: GenerationSource.self),
            lookID: try cells["look_id"].decode(String?.self),
            prompt: try cells["prompt"].decode(String.self),
            seed: try cells["seed"].decode(Int.self),
            requestBody: try cells["request_body"].decode(Data.self),
            predictionID: try cells["prediction_id"].decode(String?.self).map(PredictionID.init),
            status: try status(cells["status"].decode(String.self), as: JobStatus.self),
            failure: try failure(cells),
            createdAt: try cells["created_at"].decode(Date.self),
            updatedAt: try cells["updated_at"].decode(Date.self),
            completedAt: try cells["completed_at"].decode(Date?.self))
    }

    static func photo(_ row: PostgresRow) throws -> PhotoRecord {
        let cells = row.makeRandomAccess()
        return PhotoRecord(
            id: PhotoID(try cells["id"].decode(UUID.self)),
            userID: try UserID(cells["user_id"].decode(String.self)),
            kind: try status(cells["kind"].decode(String.self), as: PhotoKind.self),
            generationID: try cells["generation_id"].decode(UUID?.self).map(GenerationID.init),
            outputIndex: try cells["output_index"].decode(Int?.self),
            sha256: try cells["sha256"].decode(String.self),
            byteCount: try cells["byte_count"].decode(Int.self),
            width: try cells["width"].decode(Int.self),
            height: try cells["height"].decode(Int.self),
            contentType: try cells["content_type"].decode(String.self),
            isFavourite: try cells["is_favourite"].decode(Bool.self),
            createdAt: try cells["created_at"].decode(Date.self))
    }

    /// Whether a transition function's row reports that it applied the change (`'applied'`), rather than
    /// returning the row as it is (`'current'`).
    static func isApplied(_ row: PostgresRow) throws -> Bool {
        try row.makeRandomAccess()["outcome"].decode(String.self) == "applied"
    }

    private static func failure(_ cells: PostgresRandomAccessRow) throws -> JobFailure? {
        guard let provider = try cells["failure_provider_error"].decode(String?.self),
            let message = try cells["failure_user_message"].decode(String?.self)
        else { return nil }
        return JobFailure(providerError: provider, userMessage: message)
    }

    private static func status<Value: RawRepresentable<String>>(_ raw: String, as: Value.Type) throws -> Value {
        guard let value = Value(rawValue: raw) else {
            throw SelfieModelKitError.storageFailure("unknown \(Value.self) \(raw)")
        }
        return value
    }
}
