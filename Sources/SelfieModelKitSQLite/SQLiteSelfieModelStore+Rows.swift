import Foundation
import GRDB
import SelfieModelKit

// Reading rows into records and records into statement arguments. Values read back are validated by the
// core types' initializers, so a corrupted row fails loudly instead of serving a wrong model.

extension Row {
    func text(_ column: String) throws -> String { try decode(String.self, forColumn: column) }
    func optionalText(_ column: String) throws -> String? { try decode(String?.self, forColumn: column) }
    func integer(_ column: String) throws -> Int { try decode(Int.self, forColumn: column) }
    func time(_ column: String) throws -> Date { SQLiteTime.date(try decode(Int64.self, forColumn: column)) }
    func optionalTime(_ column: String) throws -> Date? {
        try decode(Int64?.self, forColumn: column).map(SQLiteTime.date)
    }
    func uuid(_ column: String) throws -> UUID {
        guard let uuid = try optionalUUID(column) else {
            throw SelfieModelKitError.storageFailure("column \(column) holds no UUID")
        }
        return uuid
    }
    func optionalUUID(_ column: String) throws -> UUID? {
        guard let text = try optionalText(column) else { return nil }
        guard let uuid = UUID(uuidString: text) else {
            throw SelfieModelKitError.storageFailure("column \(column) holds no UUID")
        }
        return uuid
    }

    func failure() throws -> JobFailure? {
        guard let provider = try optionalText("failure_provider_error"),
            let message = try optionalText("failure_user_message")
        else { return nil }
        return JobFailure(providerError: provider, userMessage: message)
    }

    func status(_ column: String = "status") throws -> JobStatus {
        let raw = try text(column)
        guard let status = JobStatus(rawValue: raw) else {
            throw SelfieModelKitError.storageFailure("unknown job status \(raw)")
        }
        return status
    }
}

extension UserModelRecord {
    init(row: Row) throws {
        let rawStatus = try row.text("training_status")
        guard let status = TrainingStatus(rawValue: rawStatus) else {
            throw SelfieModelKitError.storageFailure("unknown training status \(rawStatus)")
        }
        self.init(
            userID: try UserID(try row.text("user_id")),
            replicateModelID: try ReplicateModelID(parsing: try row.text("replicate_model_id")),
            replicateVersionID: try row.optionalText("replicate_version_id").map(ModelVersionID.init),
            triggerWord: try TriggerWord(parsing: try row.text("trigger_word")),
            trainingStatus: status,
            trainingProgress: try row.decode(Double?.self, forColumn: "training_progress"),
            failure: try row.failure(),
            versionSchemaJSON: try row.optionalText("version_schema_json"),
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at"),
            completedAt: try row.optionalTime("completed_at"))
    }

    /// Columns in the order of ``SQLiteSelfieModelStore/upsertModelSQL``.
    var arguments: StatementArguments {
        [
            userID.rawValue, replicateModelID.description, replicateVersionID?.rawValue, triggerWord.rawValue,
            trainingStatus.rawValue, trainingProgress, failure?.providerError, failure?.userMessage,
            versionSchemaJSON, SQLiteTime.micros(createdAt), SQLiteTime.micros(updatedAt),
            completedAt.map(SQLiteTime.micros),
        ]
    }
}

extension TrainingAttempt {
    init(row: Row) throws {
        self.init(
            id: TrainingAttemptID(try row.uuid("id")),
            userID: try UserID(try row.text("user_id")),
            trainingID: try row.optionalText("training_id").map(TrainingID.init),
            status: try row.status(),
            progress: try row.decode(Double?.self, forColumn: "progress"),
            photoCount: try row.integer("photo_count"),
            archiveSHA256: try row.text("archive_sha256"),
            inputImagesURL: try row.optionalText("input_images_url"),
            outputVersionID: try row.optionalText("output_version_id").map(ModelVersionID.init),
            failure: try row.failure(),
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at"),
            completedAt: try row.optionalTime("completed_at"))
    }
}

extension GenerationRecord {
    init(row: Row) throws {
        let rawSource = try row.text("source")
        guard let source = GenerationSource(rawValue: rawSource) else {
            throw SelfieModelKitError.storageFailure("unknown generation source \(rawSource)")
        }
        self.init(
            id: GenerationID(try row.uuid("id")),
            userID: try UserID(try row.text("user_id")),
            source: source,
            lookID: try row.optionalText("look_id"),
            prompt: try row.text("prompt"),
            seed: try row.integer("seed"),
            requestBody: try row.decode(Data.self, forColumn: "request_body"),
            predictionID: try row.optionalText("prediction_id").map(PredictionID.init),
            status: try row.status(),
            failure: try row.failure(),
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at"),
            completedAt: try row.optionalTime("completed_at"))
    }
}

extension PhotoRecord {
    init(row: Row) throws {
        let rawKind = try row.text("kind")
        guard let kind = PhotoKind(rawValue: rawKind) else {
            throw SelfieModelKitError.storageFailure("unknown photo kind \(rawKind)")
        }
        self.init(
            id: PhotoID(try row.uuid("id")),
            userID: try UserID(try row.text("user_id")),
            kind: kind,
            generationID: try row.optionalUUID("generation_id").map(GenerationID.init),
            outputIndex: try row.decode(Int?.self, forColumn: "output_index"),
            sha256: try row.text("sha256"),
            byteCount: try row.integer("byte_count"),
            width: try row.integer("width"),
            height: try row.integer("height"),
            contentType: try row.text("content_type"),
            isFavourite: try row.decode(Bool.self, forColumn: "is_favourite"),
            createdAt: try row.time("created_at"))
    }

    /// The record as the database keeps it (times at microsecond precision).
    var normalised: PhotoRecord {
        var copy = self
        copy.createdAt = SQLiteTime.date(SQLiteTime.micros(createdAt))
        return copy
    }
}

extension SQLiteSelfieModelStore {
    static let upsertModelSQL = """
        INSERT INTO user_models (
            user_id, replicate_model_id, replicate_version_id, trigger_word, training_status,
            training_progress, failure_provider_error, failure_user_message, version_schema_json,
            created_at, updated_at, completed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET
            replicate_model_id = excluded.replicate_model_id,
            replicate_version_id = excluded.replicate_version_id,
            trigger_word = excluded.trigger_word,
            training_status = excluded.training_status,
            training_progress = excluded.training_progress,
            failure_provider_error = excluded.failure_provider_error,
            failure_user_message = excluded.failure_user_message,
            version_schema_json = excluded.version_schema_json,
            updated_at = excluded.updated_at,
            completed_at = excluded.completed_at
        """

    static func fetchModel(_ user: UserID, in db: Database) throws -> UserModelRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM user_models WHERE user_id = ?"), arguments: [user.rawValue]
        )
        .map(UserModelRecord.init(row:))
    }

    static func saveModel(_ model: UserModelRecord, in db: Database) throws {
        try db.cachedStatement(sql: upsertModelSQL).execute(arguments: model.arguments)
    }

    static func uuidText(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }
}
