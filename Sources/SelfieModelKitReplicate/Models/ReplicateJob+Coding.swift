import Foundation
import SelfieModelKit

/// What a prediction and a training share on the wire: the fields Replicate sends for both kinds of job,
/// decoded and encoded one way. Each type adds its own fields (`source`, `destination`) on top.
protocol ReplicateJobCoding: Codable {
    /// The job's id type.
    associatedtype JobID: Codable

    /// A job with `id` and `status` and nothing else, for decoding to fill in.
    static func emptyJob(id: JobID, status: ReplicateStatus) -> Self

    var id: JobID { get }
    var status: ReplicateStatus { get set }
    var model: String? { get set }
    var version: String? { get set }
    var input: JSONValue? { get set }
    var output: JSONValue? { get set }
    var logs: String? { get set }
    var error: JobError? { get set }
    var dataRemoved: Bool { get set }
    var metrics: JobMetrics? { get set }
    var createdAt: Date? { get set }
    var startedAt: Date? { get set }
    var completedAt: Date? { get set }
    var urls: JobURLs? { get set }
}

/// The keys both kinds of job carry.
enum JobCodingKeys: String, CodingKey {
    case id, model, version, input, output, logs, error, status, metrics, urls
    case dataRemoved = "data_removed"
    case createdAt = "created_at"
    case startedAt = "started_at"
    case completedAt = "completed_at"
}

extension ReplicateJobCoding {
    /// Decodes the shared fields tolerantly: unknown fields are ignored, optional ones may be missing or
    /// `null` (or of another type), dates may carry any number of fractional digits, and `error` may be a
    /// string or an object. Only `id`, `status` and a malformed `input` or `output` fail the decoding.
    init(decodingJobFrom decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JobCodingKeys.self)
        self = .emptyJob(
            id: try container.decode(JobID.self, forKey: .id),
            status: try container.decode(ReplicateStatus.self, forKey: .status))
        model = try? container.decodeIfPresent(String.self, forKey: .model)
        version = try? container.decodeIfPresent(String.self, forKey: .version)
        input = try container.decodeIfPresent(JSONValue.self, forKey: .input)
        output = try Self.decodeOutput(container)
        logs = try? container.decodeIfPresent(String.self, forKey: .logs)
        error = container.decodeJobError(forKey: .error)
        dataRemoved = (try? container.decodeIfPresent(Bool.self, forKey: .dataRemoved)) ?? false
        metrics = try? container.decodeIfPresent(JobMetrics.self, forKey: .metrics)
        createdAt = container.decodeReplicateDate(forKey: .createdAt)
        startedAt = container.decodeReplicateDate(forKey: .startedAt)
        completedAt = container.decodeReplicateDate(forKey: .completedAt)
        urls = try? container.decodeIfPresent(JobURLs.self, forKey: .urls)
    }

    /// Encodes the shared fields as Replicate sends them (`output` always present, `null` when empty).
    func encodeJob(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JobCodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(version, forKey: .version)
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

    /// The common output, an array of URL strings, decodes directly; anything else as any JSON.
    private static func decodeOutput(_ container: KeyedDecodingContainer<JobCodingKeys>) throws -> JSONValue? {
        guard container.contains(.output), try !container.decodeNil(forKey: .output) else { return nil }
        if let strings = try? container.decode([String].self, forKey: .output) {
            return .array(strings.map(JSONValue.string))
        }
        return try container.decode(JSONValue.self, forKey: .output)
    }
}
