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
        case id, model, version, destination, input, output, logs, error, status, metrics, urls
        case dataRemoved = "data_removed"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case completedAt = "completed_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(TrainingID.self, forKey: .id)
        model = try? container.decodeIfPresent(String.self, forKey: .model)
        version = try? container.decodeIfPresent(String.self, forKey: .version)
        destination = try? container.decodeIfPresent(String.self, forKey: .destination)
        input = try container.decodeIfPresent(JSONValue.self, forKey: .input)
        output = try container.decodeIfPresent(JSONValue.self, forKey: .output)
        logs = try? container.decodeIfPresent(String.self, forKey: .logs)
        error = container.decodeJobError(forKey: .error)
        status = try container.decode(ReplicateStatus.self, forKey: .status)
        dataRemoved = (try? container.decodeIfPresent(Bool.self, forKey: .dataRemoved)) ?? false
        metrics = try? container.decodeIfPresent(JobMetrics.self, forKey: .metrics)
        createdAt = container.decodeReplicateDate(forKey: .createdAt)
        startedAt = container.decodeReplicateDate(forKey: .startedAt)
        completedAt = container.decodeReplicateDate(forKey: .completedAt)
        urls = try? container.decodeIfPresent(JobURLs.self, forKey: .urls)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(destination, forKey: .destination)
        try container.encodeIfPresent(input, forKey: .input)
        try container.encode(output ?? .null, forKey: .output)
        try container.encodeIfPresent(logs, forKey: .logs)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(status, forKey: .status)
        try container.encode(dataRemoved, forKey: .dataRemoved)
        try container.encodeIfPresent(metrics, forKey: .metrics)
        try container.encodeIfPresent(createdAt.map(ReplicateDate.format), forKey: .createdAt)
        try container.encodeIfPresent(startedAt.map(ReplicateDate.format), forKey: .startedAt)
        try container.encodeIfPresent(completedAt.map(ReplicateDate.format), forKey: .completedAt)
        try container.encodeIfPresent(urls, forKey: .urls)
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
