/// The id Replicate gives a training, such as `zz4ibbonubfz7carwiefibzgga`.
public struct TrainingID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as Replicate spells it.
    public let rawValue: String

    /// Validates a training id: 1 to 64 lowercase letters and digits.
    public init(_ rawValue: String) throws {
        try validateReplicateJobID(rawValue, kind: "training-id")
        self.rawValue = rawValue
    }
}

/// The id Replicate gives a prediction, such as `gm3qorzdhgbfurvjtvhg6dckhu`.
public struct PredictionID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as Replicate spells it.
    public let rawValue: String

    /// Validates a prediction id: 1 to 64 lowercase letters and digits.
    public init(_ rawValue: String) throws {
        try validateReplicateJobID(rawValue, kind: "prediction-id")
        self.rawValue = rawValue
    }
}

private func validateReplicateJobID(_ value: String, kind: String) throws {
    guard (1...64).contains(value.utf8.count),
        value.utf8.allSatisfy({ ASCII.isLowercaseLetter($0) || ASCII.isDigit($0) })
    else {
        throw SelfieModelKitError.invalidIdentifier(
            "\(kind).format", "A Replicate id is 1 to 64 lowercase letters and digits.", value: value)
    }
}

extension TrainingID: RawStringIdentifier {}

extension PredictionID: RawStringIdentifier {}
