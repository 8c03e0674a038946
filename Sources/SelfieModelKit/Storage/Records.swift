import Foundation

/// What a store holds for one user's personal model: one row of `user_models`.
///
/// The fields mirror the specification's columns: `replicate_model_id`, `replicate_version_id`,
/// `training_status`, `trigger_word`, timestamps and the failure. A record is only data: it becomes
/// usable for generation only through `TrainedUserModel`, which checks it belongs to the user, is
/// completed, carries a version, and names the user's own model.
public struct UserModelRecord: Sendable, Hashable, Codable {
    /// The user the row belongs to (`user_id`, a foreign key to the users table).
    public var userID: UserID
    /// `replicate_model_id`: `owner/{userId}-selfie-lora`.
    public var replicateModelID: ReplicateModelID
    /// `replicate_version_id`: the version that serves generations; `nil` until a training completes.
    public var replicateVersionID: ModelVersionID?
    /// `trigger_word`: `user{userId}`.
    public var triggerWord: TriggerWord
    /// `training_status`.
    public var trainingStatus: TrainingStatus
    /// Progress of the running training, 0...1, from the trainer's logs.
    public var trainingProgress: Double?
    /// Why the last training failed, when it did.
    public var failure: JobFailure?
    /// The serving version's `openapi_schema`, as JSON text, kept for the compliance audit.
    public var versionSchemaJSON: String?
    /// When the row was created.
    public var createdAt: Date
    /// When the row last changed.
    public var updatedAt: Date
    /// When the serving version completed training.
    public var completedAt: Date?

    /// Creates a record. Stores use this when they read a row.
    public init(
        userID: UserID, replicateModelID: ReplicateModelID, replicateVersionID: ModelVersionID?,
        triggerWord: TriggerWord, trainingStatus: TrainingStatus, trainingProgress: Double? = nil,
        failure: JobFailure? = nil, versionSchemaJSON: String? = nil, createdAt: Date, updatedAt: Date,
        completedAt: Date? = nil
    ) {
        self.userID = userID
        self.replicateModelID = replicateModelID
        self.replicateVersionID = replicateVersionID
        self.triggerWord = triggerWord
        self.trainingStatus = trainingStatus
        self.trainingProgress = trainingProgress
        self.failure = failure
        self.versionSchemaJSON = versionSchemaJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }
}

/// The library's own id of a training attempt (the outbox row written before Replicate is called).
public struct TrainingAttemptID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID = UUID()) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// One training of a user's model: recorded first, then started at Replicate, then tracked to the end.
public struct TrainingAttempt: Sendable, Hashable, Codable {
    /// The attempt's id.
    public var id: TrainingAttemptID
    /// Whose training this is.
    public var userID: UserID
    /// Replicate's id, attached once the create call returned.
    public var trainingID: TrainingID?
    /// The attempt's status.
    public var status: JobStatus
    /// Progress 0...1 from the trainer's logs.
    public var progress: Double?
    /// How many photos the training archive holds.
    public var photoCount: Int
    /// sha256 (lowercase hex) of the training archive that was uploaded.
    public var archiveSHA256: String
    /// The `input_images` URL passed to the trainer.
    public var inputImagesURL: String?
    /// The version the training produced, once it succeeded.
    public var outputVersionID: ModelVersionID?
    /// Why it failed, when it did.
    public var failure: JobFailure?
    /// When the intent was recorded.
    public var createdAt: Date
    /// When the attempt last changed.
    public var updatedAt: Date
    /// When the attempt reached a terminal status.
    public var completedAt: Date?

    /// Creates an attempt value. Stores use this when they read a row.
    public init(
        id: TrainingAttemptID, userID: UserID, trainingID: TrainingID? = nil, status: JobStatus,
        progress: Double? = nil, photoCount: Int, archiveSHA256: String, inputImagesURL: String? = nil,
        outputVersionID: ModelVersionID? = nil, failure: JobFailure? = nil, createdAt: Date,
        updatedAt: Date, completedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.trainingID = trainingID
        self.status = status
        self.progress = progress
        self.photoCount = photoCount
        self.archiveSHA256 = archiveSHA256
        self.inputImagesURL = inputImagesURL
        self.outputVersionID = outputVersionID
        self.failure = failure
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }
}

/// The library's own id of a generation.
public struct GenerationID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID = UUID()) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// Which service started a generation.
public enum GenerationSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Maya, the AI stylist (`AIService`).
    case maya
    /// The AI Photoshoot's curated looks (`ImageGenerationService`).
    case photoshoot
}

/// One generation: recorded first, then created at Replicate, then tracked until its outputs are stored.
public struct GenerationRecord: Sendable, Hashable, Codable {
    /// The generation's id.
    public var id: GenerationID
    /// Whose generation this is.
    public var userID: UserID
    /// Which service started it.
    public var source: GenerationSource
    /// The Photoshoot look, when the source is the Photoshoot.
    public var lookID: String?
    /// The prompt that was sent (with the user's trigger word).
    public var prompt: String
    /// The seed that was sent.
    public var seed: Int
    /// The exact JSON body sent to `POST /predictions`, kept for the compliance audit.
    public var requestBody: Data
    /// Replicate's id, attached once the create call returned.
    public var predictionID: PredictionID?
    /// The generation's status; `succeeded` only once every output is stored.
    public var status: JobStatus
    /// Why it failed, when it did.
    public var failure: JobFailure?
    /// When the intent was recorded; the monthly quota counts by this date.
    public var createdAt: Date
    /// When the generation last changed.
    public var updatedAt: Date
    /// When it reached a terminal status.
    public var completedAt: Date?

    /// Creates a generation value. Stores use this when they read a row.
    public init(
        id: GenerationID, userID: UserID, source: GenerationSource, lookID: String? = nil, prompt: String,
        seed: Int, requestBody: Data, predictionID: PredictionID? = nil, status: JobStatus,
        failure: JobFailure? = nil, createdAt: Date, updatedAt: Date, completedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.source = source
        self.lookID = lookID
        self.prompt = prompt
        self.seed = seed
        self.requestBody = requestBody
        self.predictionID = predictionID
        self.status = status
        self.failure = failure
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }
}

/// The id of a stored photo (a selfie or a generated image).
public struct PhotoID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID = UUID()) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// What a stored photo is.
public enum PhotoKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A selfie the user uploaded for training.
    case selfie
    /// A photo generated by the user's model.
    case generated
}

/// The metadata row of a photo whose bytes live in an ``ImageStore``.
public struct PhotoRecord: Sendable, Hashable, Codable {
    /// The photo's id.
    public var id: PhotoID
    /// Whose photo this is.
    public var userID: UserID
    /// Selfie or generated.
    public var kind: PhotoKind
    /// The generation that produced it, for generated photos.
    public var generationID: GenerationID?
    /// The output index within its generation.
    public var outputIndex: Int?
    /// sha256 of the stored bytes, lowercase hex.
    public var sha256: String
    /// Stored size in bytes.
    public var byteCount: Int
    /// Pixel width.
    public var width: Int
    /// Pixel height.
    public var height: Int
    /// MIME type, such as `image/png`.
    public var contentType: String
    /// Whether the user marked it a favourite.
    public var isFavourite: Bool
    /// When it was stored.
    public var createdAt: Date

    /// The key of the bytes in the ``ImageStore``; derived from the owner and the id.
    public var storageKey: ImageKey { ImageKey(user: userID, kind: kind, photo: id) }

    /// Creates a photo value.
    public init(
        id: PhotoID, userID: UserID, kind: PhotoKind, generationID: GenerationID? = nil,
        outputIndex: Int? = nil, sha256: String, byteCount: Int, width: Int, height: Int,
        contentType: String, isFavourite: Bool = false, createdAt: Date
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.generationID = generationID
        self.outputIndex = outputIndex
        self.sha256 = sha256
        self.byteCount = byteCount
        self.width = width
        self.height = height
        self.contentType = contentType
        self.isFavourite = isFavourite
        self.createdAt = createdAt
    }
}
