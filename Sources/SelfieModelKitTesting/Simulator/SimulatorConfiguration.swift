import Foundation

/// One simulated Replicate account: a bearer token that maps to an owner, and the account's default
/// webhook signing secret. It never prints its token or secret.
public struct SimulatorAccount: Sendable, Hashable, CustomStringConvertible {
    /// The owner name, such as `sandrasocial`.
    public let owner: String
    /// The bearer token that authenticates as `owner`.
    public let token: String
    /// The default webhook signing secret, `whsec_<base64>`.
    public let webhookSecret: String

    /// An account. Without `webhookSecret`, a secret is derived from the owner and token (stable across runs).
    public init(owner: String, token: String, webhookSecret: String? = nil) {
        self.owner = owner
        self.token = token
        self.webhookSecret = webhookSecret ?? SimulatorAccount.derivedSecret(owner: owner, token: token)
    }

    private static func derivedSecret(owner: String, token: String) -> String {
        let digest = SimulatorHash.sha256(Array("selfie-sim webhook secret\n\(owner)\n\(token)".utf8))
        return "whsec_" + Data(digest).base64EncodedString()
    }

    public var description: String { "SimulatorAccount(owner: \(owner), token: redacted)" }
}

/// Replicate's published rate limits, which the simulator enforces per account.
public struct SimulatorRateLimits: Sendable, Hashable {
    /// Whether the limits are enforced at all.
    public var isEnabled: Bool
    /// Prediction creates per minute (Replicate: 600).
    public var predictionCreatesPerMinute: Int
    /// Every other request per minute (Replicate: 3000).
    public var otherRequestsPerMinute: Int
    /// Short bursts above the limit that are tolerated, as a fraction of the limit.
    public var burstAllowance: Double

    /// Limits with Replicate's published figures by default.
    public init(
        isEnabled: Bool = true, predictionCreatesPerMinute: Int = 600, otherRequestsPerMinute: Int = 3000,
        burstAllowance: Double = 0.1
    ) {
        self.isEnabled = isEnabled
        self.predictionCreatesPerMinute = predictionCreatesPerMinute
        self.otherRequestsPerMinute = otherRequestsPerMinute
        self.burstAllowance = burstAllowance
    }

    /// No limits (for benchmarks).
    public static let disabled = SimulatorRateLimits(isEnabled: false)
}

/// Faults the simulator injects, all changeable at run time with ``ReplicateSimulator/setFaults(_:)``.
/// Rates are probabilities in `[0, 1]`, drawn from the simulator's seeded generator.
public struct SimulatorFaults: Sendable, Hashable {
    /// Share of API requests refused with 429 and Replicate's throttling body, on top of the real limits.
    public var rateLimitRate: Double = 0
    /// Whether 429 responses carry `Retry-After` (Replicate's behaviour is unconfirmed; they always carry
    /// `ratelimit-remaining` and `ratelimit-reset`).
    public var includesRetryAfter: Bool = false
    /// Share of API requests answered with a 500, 502 or 503 before anything is done.
    public var serverErrorRate: Double = 0
    /// Extra wall-clock latency per request, in seconds (system clock only; ignored on a virtual clock).
    public var latency: ClosedRange<Double>? = nil
    /// Share of trainings that fail part-way through.
    public var trainingFailureRate: Double = 0
    /// Share of predictions that fail.
    public var predictionFailureRate: Double = 0
    /// Share of those prediction failures that are the NSFW failure; the rest fail with a CUDA error.
    public var nsfwShareOfPredictionFailures: Double = 1
    /// Share of webhook deliveries lost entirely (never sent, never retried).
    public var webhookDropRate: Double = 0
    /// Share of webhook deliveries sent twice (same `webhook-id`).
    public var webhookDuplicateRate: Double = 0
    /// Share of webhook deliveries delayed by up to ``webhookMaxDelay``.
    public var webhookDelayRate: Double = 0
    /// The longest extra delay of a delayed delivery, in simulated seconds.
    public var webhookMaxDelay: Double = 30
    /// Share of webhook deliveries held back so that later events of the same job overtake them.
    public var webhookReorderRate: Double = 0
    /// Share of API requests and downloads answered only after ``slowAnswerDelay`` (wall-clock seconds,
    /// drawn uniformly; system clock only): a client with a shorter timeout sees a timeout, though the
    /// request took effect.
    public var slowAnswerRate: Double = 0
    /// How long a slow answer is held back, in wall-clock seconds.
    public var slowAnswerDelay: ClosedRange<Double> = 1...10

    /// No faults.
    public init() {}

    /// No faults.
    public static let none = SimulatorFaults()
}

/// How many faults a simulator has injected, by kind, since it started (``ReplicateSimulator/faultCounts()``).
public struct SimulatorFaultCounts: Sendable, Hashable, Codable {
    /// Requests answered 500, 502 or 503 by ``SimulatorFaults/serverErrorRate``.
    public var serverErrors = 0
    /// Requests answered 429 by ``SimulatorFaults/rateLimitRate`` (the real limits not counted).
    public var rateLimited = 0
    /// Answers held back by ``SimulatorFaults/slowAnswerRate``.
    public var slowAnswers = 0
    /// Trainings made to fail.
    public var trainingFailures = 0
    /// Predictions made to fail, NSFW ones included.
    public var predictionFailures = 0
    /// Of those, the NSFW failures.
    public var nsfwFailures = 0
    /// Webhook deliveries lost.
    public var webhooksDropped = 0
    /// Webhook deliveries sent twice.
    public var webhooksDuplicated = 0
    /// Webhook deliveries delayed.
    public var webhooksDelayed = 0
    /// Webhook deliveries held back behind later ones.
    public var webhooksReordered = 0

    /// No faults yet.
    public init() {}
}

extension ReplicateSimulator {
    /// How a simulator behaves. Every field has Replicate's documented value by default.
    public struct Configuration: Sendable {
        /// The accounts; requests with any other token get 401.
        public var accounts: [SimulatorAccount]
        /// The API base URL the simulator answers and writes into `urls` (`https://api.replicate.com/v1`).
        public var apiBaseURL: String
        /// The base URL of output files and training weights (`https://replicate.delivery/xezq`).
        public var deliveryBaseURL: String
        /// Multiplies every simulated job duration and webhook retry delay: `0.005` turns a 20-minute
        /// training into 6 seconds. Retention times are not scaled.
        public var timeScale: Double
        /// How long prediction outputs, inputs and logs are kept after completion (one hour).
        public var outputRetention: TimeInterval
        /// How long uploaded files are kept (24 hours).
        public var fileRetention: TimeInterval
        /// The seed of every random choice.
        public var seed: UInt64
        /// The injected faults.
        public var faults: SimulatorFaults
        /// The enforced rate limits.
        public var rateLimits: SimulatorRateLimits
        /// The long side of generated images in pixels, keeping the requested aspect ratio exactly
        /// (3:4 gives 384x512 at 512); `nil` renders FLUX's native sizes (3:4 gives 896x1152).
        public var imageLongSide: Int?
        /// Whether every request is recorded for ``ReplicateSimulator/recordedRequests()``.
        public var recordsRequests: Bool
        /// Trainer versions that `POST .../trainings` accepts, keyed `owner/name` to version ids.
        public var trainerVersions: [String: Set<String>]

        /// The locked trainer, `ostris/flux-dev-lora-trainer`.
        public static let lockedTrainerModel = "ostris/flux-dev-lora-trainer"
        /// The locked trainer version.
        public static let lockedTrainerVersion = "26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2"

        /// A configuration with Replicate's defaults.
        public init(
            accounts: [SimulatorAccount], apiBaseURL: String = "https://api.replicate.com/v1",
            deliveryBaseURL: String = "https://replicate.delivery/xezq", timeScale: Double = 1,
            outputRetention: TimeInterval = 3600, fileRetention: TimeInterval = 86_400, seed: UInt64 = 1,
            faults: SimulatorFaults = .none, rateLimits: SimulatorRateLimits = SimulatorRateLimits(),
            imageLongSide: Int? = 512, recordsRequests: Bool = true,
            trainerVersions: [String: Set<String>] = [lockedTrainerModel: [lockedTrainerVersion]]
        ) {
            self.accounts = accounts
            self.apiBaseURL = apiBaseURL
            self.deliveryBaseURL = deliveryBaseURL
            self.timeScale = timeScale
            self.outputRetention = outputRetention
            self.fileRetention = fileRetention
            self.seed = seed
            self.faults = faults
            self.rateLimits = rateLimits
            self.imageLongSide = imageLongSide
            self.recordsRequests = recordsRequests
            self.trainerVersions = trainerVersions
        }
    }
}
