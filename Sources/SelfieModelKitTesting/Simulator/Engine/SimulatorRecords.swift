import Foundation

/// The look a trained version inherits from its training images: what makes one user's outputs
/// recognisably theirs and different from everyone else's.
package struct TrainingLook: Sendable, Hashable {
    /// SHA-256 of every training image, in archive order.
    package var imageDigests: [[UInt8]]
    /// SHA-256 over all image digests: the identity the renderer draws.
    package var identity: [UInt8]
    /// The trigger word the training used.
    package var triggerWord: String
}

package struct ModelRecord: Sendable, Codable {
    var owner: String
    var name: String
    var description: String?
    var visibility: String
    var hardware: String
    var createdAt: Date
    var runCount = 0
    var versionIDs: [String] = []

    var key: String { "\(owner)/\(name)" }
}

package enum VersionKind: Sendable, Codable {
    case predictor(TrainingLook)
    case trainer
}

package struct VersionRecord: Sendable, Codable {
    var id: String
    var modelKey: String
    var createdAt: Date
    var kind: VersionKind
}

package struct FileRecord: Sendable, Codable {
    var id: String
    var owner: String
    var name: String
    var contentType: String
    var data: Data
    var metadata: JSONValue
    var createdAt: Date
    var expiresAt: Date
    var sha256: String
    var md5: String
}

/// The status of a training or prediction.
package enum SimulatedJobStatus: String, Sendable, Codable {
    case starting, processing, succeeded, failed, canceled

    var isTerminal: Bool { self == .succeeded || self == .failed || self == .canceled }
}

package struct WebhookTarget: Sendable {
    var url: String
    var events: Set<String>
    var lastSent: [String: Date] = [:]
}

/// What a job does at its next milestone.
package enum JobStep: Sendable, Codable {
    case boot
    case preprocess
    case train(step: Int)
    case upload
    case denoise(output: Int)
    case finish
    case removeData
}

package struct PendingStep: Sendable, Codable {
    var token: UInt64
    var at: Date
    var step: JobStep
}

/// What every simulated training and prediction has: who owns it, what it was asked, where it stands.
package struct SimulatedJob: Sendable, Codable {
    var id: String
    var owner: String
    var input: JSONObject
    var accepted: JSONObject
    var dropped: [String]
    var status: SimulatedJobStatus = .starting
    var logs = ""
    var error: String?
    var createdAt: Date
    var startedAt: Date?
    var completedAt: Date?
    var webhook: WebhookTarget?
    var pending: PendingStep?
}

/// A simulated job with what its kind adds (``TrainingDetails`` or ``PredictionDetails``). Both parts'
/// fields read and write as the record's own, and it encodes as one flat object, as snapshots keep it.
@dynamicMemberLookup
package struct JobRecord<Details: Sendable & Codable>: Sendable, Codable {
    var job: SimulatedJob
    var details: Details

    init(_ job: SimulatedJob, _ details: Details) {
        self.job = job
        self.details = details
    }

    package init(from decoder: any Decoder) throws {
        job = try SimulatedJob(from: decoder)
        details = try Details(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        try details.encode(to: encoder)
    }

    package subscript<Value>(dynamicMember keyPath: WritableKeyPath<SimulatedJob, Value>) -> Value {
        get { job[keyPath: keyPath] }
        set { job[keyPath: keyPath] = newValue }
    }

    package subscript<Value>(dynamicMember keyPath: WritableKeyPath<Details, Value>) -> Value {
        get { details[keyPath: keyPath] }
        set { details[keyPath: keyPath] = newValue }
    }
}

/// What a training adds to a ``SimulatedJob``.
package struct TrainingDetails: Sendable, Codable {
    var trainerModel: String
    var trainerVersion: String
    var destination: String
    var output: JSONValue = .null
    var steps: Int
    var secondsPerStep: Double
    var failAtStep: Int?
    var look: TrainingLook?
    var zipDigest: String?
}

/// What a prediction adds to a ``SimulatedJob``.
package struct PredictionDetails: Sendable, Codable {
    var modelKey: String
    var versionID: String
    var outputURLs: [String]?
    var dataRemoved = false
    var seed: Int
    var numOutputs: Int
    var secondsPerOutput: Double
    var failure: String?
}

package typealias TrainingRecord = JobRecord<TrainingDetails>
package typealias PredictionRecord = JobRecord<PredictionDetails>

/// A file served from the delivery base URL.
package enum DeliveryFile: Sendable, Codable {
    case image(ImageJob)
    case weights(Data)
}

/// Everything needed to render one output image on demand.
package struct ImageJob: Sendable, Codable {
    var look: TrainingLook
    var modelKey: String
    var versionID: String
    var predictionID: String
    var seed: Int
    var prompt: String
    var index: Int
    var width: Int
    var height: Int
    var format: String
    var quality: Int
}

package struct DeliveryEntry: Sendable, Codable {
    var file: DeliveryFile
    var predictionID: String?
    var contentType: String
}
