import Foundation

/// The `urls` of a prediction or training.
public struct JobURLs: Sendable, Hashable, Codable {
    /// Where to poll the job. For a just-created training this points at `/v1/predictions/{id}` (a
    /// Replicate quirk); GET on the training returns `/v1/trainings/{id}`.
    public var get: URL?
    /// Where to cancel it.
    public var cancel: URL?
    /// The job's page on the website.
    public var web: URL?
    /// The server-sent events stream, for models that stream.
    public var stream: URL?

    /// Creates a set of URLs.
    public init(get: URL? = nil, cancel: URL? = nil, web: URL? = nil, stream: URL? = nil) {
        self.get = get
        self.cancel = cancel
        self.web = web
        self.stream = stream
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func url(_ key: CodingKeys) -> URL? {
            (try? container.decodeIfPresent(String.self, forKey: key)).flatMap { $0 }.flatMap(URL.init(string:))
        }
        self.init(get: url(.get), cancel: url(.cancel), web: url(.web), stream: url(.stream))
    }
}

/// The `metrics` of a prediction or training. Replicate adds fields over time; the known ones are typed
/// and every numeric one is in ``values``.
public struct JobMetrics: Sendable, Hashable, Codable {
    /// Seconds spent running the model.
    public var predictTime: Double?
    /// Seconds from creation to completion.
    public var totalTime: Double?
    /// Every numeric metric by its JSON name.
    public var values: [String: Double]

    /// Creates metrics.
    public init(predictTime: Double? = nil, totalTime: Double? = nil, values: [String: Double] = [:]) {
        self.predictTime = predictTime
        self.totalTime = totalTime
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        var values: [String: Double] = [:]
        if let numbers = try? container.decode([String: Double].self) {
            values = numbers
        } else {
            for (key, value) in (try? container.decode([String: JSONValue].self)) ?? [:] {
                if let number = value.doubleValue { values[key] = number }
            }
        }
        self.init(predictTime: values["predict_time"], totalTime: values["total_time"], values: values)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}

/// A job's `error`: Replicate sends a string, but an object (`{"message": …}` or `{"detail": …}`) is
/// accepted too; anything else is kept as its JSON text.
public struct JobError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The error text, verbatim.
    public var message: String

    /// Wraps an error text.
    public init(message: String) { self.message = message }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(JSONValue.self)
        switch value {
        case .string(let text):
            message = text
        case .object(let members):
            message =
                members["message"]?.stringValue ?? members["detail"]?.stringValue ?? members["error"]?.stringValue
                ?? value.canonicalJSON()
        default:
            message = value.canonicalJSON()
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(message)
    }

    public var description: String { message }
}

extension KeyedDecodingContainer {
    /// Decodes a job's `error`, treating `null`, a missing key and an empty string as no error.
    func decodeJobError(forKey key: Key) -> JobError? {
        guard let error = try? decodeIfPresent(JobError.self, forKey: key), !error.message.isEmpty else {
            return nil
        }
        return error
    }
}
