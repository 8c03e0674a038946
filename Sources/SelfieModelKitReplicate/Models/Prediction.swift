import Foundation
import SelfieModelKit

/// A Replicate prediction, as `POST /predictions`, `GET /predictions/{id}` and webhooks return it.
///
/// Decoding is tolerant: unknown fields are ignored, optional ones may be missing or `null`, dates may
/// carry any number of fractional digits, and `error` may be a string or an object.
public struct Prediction: Sendable, Hashable, Codable {
    /// Replicate's id of the prediction.
    public var id: PredictionID
    /// The model, `owner/name`, as Replicate reports it.
    public var model: String?
    /// The version that ran: Replicate reports the bare 64-hex id.
    public var version: String?
    /// The input as Replicate stored it (unknown keys already dropped by Replicate).
    public var input: JSONValue?
    /// The output: for the FLUX LoRA predictor an array of image URLs.
    public var output: JSONValue?
    /// The model's log text.
    public var logs: String?
    /// The error text, when the prediction failed.
    public var error: JobError?
    /// The status.
    public var status: ReplicateStatus
    /// Whether Replicate has deleted the inputs, outputs and logs (one hour after an API prediction ends).
    public var dataRemoved: Bool
    /// `api` or `web`.
    public var source: String?
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

    /// Creates a prediction value (tests and the simulator use this).
    public init(
        id: PredictionID, model: String? = nil, version: String? = nil, input: JSONValue? = nil,
        output: JSONValue? = nil, logs: String? = nil, error: JobError? = nil, status: ReplicateStatus,
        dataRemoved: Bool = false, source: String? = nil, metrics: JobMetrics? = nil, createdAt: Date? = nil,
        startedAt: Date? = nil, completedAt: Date? = nil, urls: JobURLs? = nil
    ) {
        self.id = id
        self.model = model
        self.version = version
        self.input = input
        self.output = output
        self.logs = logs
        self.error = error
        self.status = status
        self.dataRemoved = dataRemoved
        self.source = source
        self.metrics = metrics
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.urls = urls
    }

    enum CodingKeys: String, CodingKey {
        case source
    }

    public init(from decoder: any Decoder) throws {
        try self.init(decodingJobFrom: decoder)
        source = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .source)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeJob(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(source, forKey: .source)
    }

    /// The version id that ran, when `version` is a bare id or `owner/name:id`.
    public var versionID: ModelVersionID? {
        guard let version else { return nil }
        if let id = try? ModelVersionID(version) { return id }
        return (try? ModelVersionReference(parsing: version))?.version
    }

    /// The output file URLs: the elements of an array output that are URLs, or a single URL output.
    /// Empty while there is no output, and after Replicate removed the data.
    public var outputURLs: [URL] {
        switch output {
        case .string(let text): URL(string: text).map { [$0] } ?? []
        case .array(let items): items.compactMap { $0.stringValue.flatMap(URL.init(string:)) }
        default: []
        }
    }
}

extension Prediction: ReplicateJobCoding {
    static func emptyJob(id: PredictionID, status: ReplicateStatus) -> Prediction {
        Prediction(id: id, status: status)
    }
}
