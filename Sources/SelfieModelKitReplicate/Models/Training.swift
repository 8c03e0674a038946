import Foundation
import SelfieModelKit

/// A Replicate training, as `POST …/trainings`, `GET /trainings/{id}` and webhooks return it.
///
/// `model` and `version` name the *trainer* (for this project `ostris/flux-dev-lora-trainer` and its
/// locked version); the new version of the destination model is in ``output``.
public struct Training: Sendable, Hashable, Codable {
    /// Replicate's id of the training.
    public var id: TrainingID
    /// The trainer model, `owner/name`.
    public var model: String?
    /// The trainer version id.
    public var version: String?
    /// The destination model, `owner/name`, when Replicate reports it.
    public var destination: String?
    /// The trainer input as Replicate stored it.
    public var input: JSONValue?
    /// The raw output; see ``trainingOutput`` for the typed view.
    public var output: JSONValue?
    /// The trainer's log text; see ``progress``.
    public var logs: String?
    /// The error text, when the training failed.
    public var error: JobError?
    /// The status.
    public var status: ReplicateStatus
    /// Whether Replicate has deleted the inputs, outputs and logs.
    public var dataRemoved: Bool
    /// Timing metrics.
    public var metrics: JobMetrics?
    /// When it was created.
    public var createdAt: Date?
    /// When it started running.
    public var startedAt: Date?
    /// When it ended.
    public var completedAt: Date?
    /// Where to poll or cancel it.
    public var urls: JobURLs?

    /// Creates a training value (tests and the simulator use this).
    public init(
        id: TrainingID, model: String? = nil, version: String? = nil, destination: String? = nil,
        input: JSONValue? = nil, output: JSONValue? = nil, logs: String? = nil, error: JobError? = nil,
        status: ReplicateStatus, dataRemoved: Bool = false, metrics: JobMetrics? = nil, createdAt: Date? = nil,
        startedAt: Date? = nil, completedAt: Date? = nil, urls: JobURLs? = nil
    ) {
        self.id = id
        self.model = model
        self.version = version
        self.destination = destination
        self.input = input
        self.output = output
        self.logs = logs
        self.error = error
        self.status = status
        self.dataRemoved = dataRemoved
        self.metrics = metrics
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.urls = urls
    }

    enum CodingKeys: String, CodingKey {
        case destination
    }

    public init(from decoder: any Decoder) throws {
        try self.init(decodingJobFrom: decoder)
        destination = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
            String.self, forKey: .destination)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeJob(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(destination, forKey: .destination)
    }

    /// The typed output of a succeeded training, or `nil` while there is none or it has another shape.
    public var trainingOutput: TrainingOutput? {
        output.flatMap(TrainingOutput.init(json:))
    }

    /// Progress from the trainer's `logs` (the last `N/M` of its progress lines), when there is any.
    public var progress: TrainerProgress? {
        logs.flatMap { TrainerProgress(logs: $0) }
    }
}

extension Training: ReplicateJobCoding {
    static func emptyJob(id: TrainingID, status: ReplicateStatus) -> Training {
        Training(id: id, status: status)
    }
}

/// What a succeeded training produced: the new version of the destination model and the weights.
public struct TrainingOutput: Sendable, Hashable {
    /// The destination model, when `output.version` names it (`owner/name:hash`); `nil` for a bare hash.
    public var model: ReplicateModelID?
    /// The new version id.
    public var version: ModelVersionID
    /// The URL of the weights archive (a `.tar` holding `lora.safetensors`).
    public var weights: URL?

    /// Creates an output value.
    public init(model: ReplicateModelID?, version: ModelVersionID, weights: URL?) {
        self.model = model
        self.version = version
        self.weights = weights
    }

    /// Reads `{"version": "owner/name:hash" | "hash", "weights": url}`; `nil` for any other shape.
    public init?(json: JSONValue) {
        guard let text = json["version"]?.stringValue else { return nil }
        if let reference = try? ModelVersionReference(parsing: text) {
            self.init(model: reference.model, version: reference.version, weights: nil)
        } else if let version = try? ModelVersionID(text) {
            self.init(model: nil, version: version, weights: nil)
        } else {
            return nil
        }
        weights = json["weights"]?.stringValue.flatMap(URL.init(string:))
    }
}
