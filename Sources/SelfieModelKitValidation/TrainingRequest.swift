import Foundation

/// A trainer on Replicate: `owner/name:version`.
public struct TrainerReference: Sendable, Hashable, CustomStringConvertible {
    /// The trainer's owner, `ostris`.
    public let owner: String
    /// The trainer's name, `flux-dev-lora-trainer`.
    public let name: String
    /// The locked trainer version.
    public let version: ModelVersionID

    /// `owner/name:version`.
    public var description: String { "\(owner)/\(name):\(version)" }

    /// The path of the training endpoint under the API base URL.
    public var trainingsPath: String { "/models/\(owner)/\(name)/versions/\(version)/trainings" }
}

/// Hyperparameters of `ostris/flux-dev-lora-trainer`, checked against the trainer's ranges.
///
/// Defaults are the trainer's own: 1000 steps, LoRA rank 16, learning rate 0.0004, batch size 1,
/// resolution "512,768,1024", autocaption on, caption dropout 0.05, optimizer "adamw8bit".
public struct TrainingHyperparameters: Sendable, Hashable, Codable {
    /// `steps`, 3...6000.
    public let steps: Int
    /// `lora_rank`, 1...128.
    public let loraRank: Int
    /// `learning_rate`, greater than 0 and at most 0.01.
    public let learningRate: Double
    /// `batch_size`, 1...8.
    public let batchSize: Int
    /// `resolution`, a comma-separated subset of 512, 768 and 1024.
    public let resolution: String
    /// `autocaption`.
    public let autocaption: Bool
    /// `caption_dropout_rate`, 0...1.
    public let captionDropoutRate: Double
    /// `optimizer`.
    public let optimizer: String

    /// The trainer's defaults.
    public static let trainerDefaults = try! TrainingHyperparameters()

    /// Validates hyperparameters against the trainer's ranges.
    /// - Throws: `SelfieModelKitError` with code `.invalidTrainingParameter` naming the parameter.
    public init(
        steps: Int = 1000, loraRank: Int = 16, learningRate: Double = 0.0004, batchSize: Int = 1,
        resolution: String = "512,768,1024", autocaption: Bool = true, captionDropoutRate: Double = 0.05,
        optimizer: String = "adamw8bit"
    ) throws {
        func check(_ ok: Bool, _ name: String, _ range: String) throws {
            guard ok else {
                throw SelfieModelKitError(
                    .invalidTrainingParameter, rule: "training.\(name)",
                    userMessage: "The training setting \(name) must be \(range).")
            }
        }
        try check((3...6000).contains(steps), "steps", "between 3 and 6000")
        try check((1...128).contains(loraRank), "lora_rank", "between 1 and 128")
        try check(learningRate > 0 && learningRate <= 0.01, "learning_rate", "above 0 and at most 0.01")
        try check((1...8).contains(batchSize), "batch_size", "between 1 and 8")
        let sizes = resolution.split(separator: ",", omittingEmptySubsequences: false)
        try check(
            !sizes.isEmpty && sizes.allSatisfy { ["512", "768", "1024"].contains($0) }
                && Set(sizes).count == sizes.count,
            "resolution", "a comma-separated list of 512, 768 and 1024")
        try check((0...1).contains(captionDropoutRate), "caption_dropout_rate", "between 0 and 1")
        try check(["adamw8bit", "adamw", "prodigy"].contains(optimizer), "optimizer", "adamw8bit, adamw or prodigy")
        self.steps = steps
        self.loraRank = loraRank
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.resolution = resolution
        self.autocaption = autocaption
        self.captionDropoutRate = captionDropoutRate
        self.optimizer = optimizer
    }
}

/// The body of a training call: the locked trainer, the user's own destination and trigger word.
public struct TrainingRequest: Sendable, Hashable {
    /// The locked trainer of the specification.
    public static let trainer = TrainerReference(
        owner: "ostris", name: "flux-dev-lora-trainer",
        version: try! ModelVersionID("26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2"))

    /// The user whose model is trained.
    public let user: AuthenticatedUser
    /// `destination`: `{owner}/{userId}-selfie-lora`, derived from the user.
    public let destination: ReplicateModelID
    /// `input.trigger_word`: `user{userId}`, derived from the user.
    public let triggerWord: TriggerWord
    /// `input.input_images`: the URL of the training archive (from the Files API).
    public let inputImagesURL: URL
    /// The trainer's hyperparameters.
    public let hyperparameters: TrainingHyperparameters
    /// Where webhooks go, if anywhere.
    public let webhook: WebhookTarget?

    /// Builds the training request for `user` under `owner`.
    /// - Throws: `SelfieModelKitError` with code `.invalidTrainingParameter` when the archive URL is not
    ///   absolute http(s).
    public init(
        for user: AuthenticatedUser, owner: ReplicateOwner, inputImagesURL: URL,
        hyperparameters: TrainingHyperparameters = .trainerDefaults, webhook: WebhookTarget? = nil
    ) throws {
        guard let scheme = inputImagesURL.scheme?.lowercased(), scheme == "https" || scheme == "http",
            inputImagesURL.host != nil
        else {
            throw SelfieModelKitError(
                .invalidTrainingParameter, rule: "training.input_images",
                userMessage: "Your selfies couldn't be prepared for training. Please try again.",
                detail: "input_images must be an absolute http(s) URL")
        }
        self.user = user
        self.destination = .selfieModel(for: user.id, owner: owner)
        self.triggerWord = TriggerWord(for: user.id)
        self.inputImagesURL = inputImagesURL
        self.hyperparameters = hyperparameters
        self.webhook = webhook
    }

    /// The exact bytes to send as the body of the training call.
    public func jsonBody() -> Data {
        let h = hyperparameters
        let input: [(String, JSONValue)] = [
            ("input_images", .string(inputImagesURL.absoluteString)),
            ("trigger_word", .string(triggerWord.rawValue)),
            ("steps", .integer(h.steps)),
            ("lora_rank", .integer(h.loraRank)),
            ("learning_rate", .number(h.learningRate)),
            ("batch_size", .integer(h.batchSize)),
            ("resolution", .string(h.resolution)),
            ("autocaption", .bool(h.autocaption)),
            ("caption_dropout_rate", .number(h.captionDropoutRate)),
            ("optimizer", .string(h.optimizer)),
        ]
        var members: [(String, JSONValue)] = [
            ("destination", .string(destination.description)), ("input", .object(input)),
        ]
        members += webhook?.jsonMembers ?? []
        return Data(JSONValue.object(members).serialized().utf8)
    }
}
