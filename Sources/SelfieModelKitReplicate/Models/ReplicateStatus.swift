import SelfieModelKit

/// The status of a Replicate prediction or training, as Replicate spells it.
///
/// A struct rather than an enum, so a status Replicate adds later decodes instead of failing; it is then
/// neither terminal nor mapped to a `SelfieModelKit/JobStatus`.
public struct ReplicateStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The status text, such as `"processing"`.
    public let rawValue: String

    /// Wraps a status text.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Created, waiting for hardware or booting.
    public static let starting = ReplicateStatus("starting")
    /// Running.
    public static let processing = ReplicateStatus("processing")
    /// Finished with output.
    public static let succeeded = ReplicateStatus("succeeded")
    /// Finished with an error.
    public static let failed = ReplicateStatus("failed")
    /// Canceled by a cancel call.
    public static let canceled = ReplicateStatus("canceled")
    /// Stopped by Replicate before it could run (for example a deadline passed). Terminal, although the
    /// official JavaScript client's `wait()` does not treat it so.
    public static let aborted = ReplicateStatus("aborted")

    /// Whether the job can change no more.
    public var isTerminal: Bool {
        self == .succeeded || self == .failed || self == .canceled || self == .aborted
    }

    /// The matching status of this library's records; `aborted` counts as `failed`; unknown statuses
    /// give `nil`.
    public var jobStatus: JobStatus? {
        switch rawValue {
        case "starting": .starting
        case "processing": .processing
        case "succeeded": .succeeded
        case "failed", "aborted": .failed
        case "canceled", "cancelled": .canceled
        default: nil
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}
