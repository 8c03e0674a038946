/// A user's completed personal model: the only thing a generation can be made from.
///
/// The one way in is ``init(record:for:owner:)``, which checks that the record
/// - belongs to the authenticated user,
/// - names the model derived from that user's id under the configured owner (`{owner}/{userId}-selfie-lora`),
/// - carries the trigger word derived from the user's id (`user{userId}`),
/// - is `completed`,
/// - and holds a version id.
///
/// There is no other public initializer and no `Decodable` conformance, so a `TrainedUserModel` cannot be
/// forged from a string, a request body or another user's record.
public struct TrainedUserModel: Sendable, Hashable, CustomStringConvertible {
    /// The user the model belongs to.
    public let user: AuthenticatedUser
    /// The exact model version generations use: `owner/{userId}-selfie-lora:{versionId}`.
    public let reference: ModelVersionReference
    /// The user's trigger word, `user{userId}`.
    public let triggerWord: TriggerWord
    /// The version's input schema as JSON text, when the store kept it.
    public let versionSchemaJSON: String?

    /// Checks `record` against `user` and `owner` and, when every rule holds, makes the model usable.
    ///
    /// - Throws: `SelfieModelKitError` with code `.modelOwnershipMismatch`, `.modelTrainingInProgress`,
    ///   `.modelTrainingFailed`, `.modelNotTrained` or `.modelVersionMissing`; its `userMessage` tells the
    ///   user what to do next.
    public init(record: UserModelRecord, for user: AuthenticatedUser, owner: ReplicateOwner) throws {
        guard record.userID == user.id else {
            throw Self.ownershipError(rule: "trained-model.user", detail: "record of another user")
        }
        let derivedModel = ReplicateModelID.selfieModel(for: user.id, owner: owner)
        guard record.replicateModelID == derivedModel else {
            throw Self.ownershipError(
                rule: "trained-model.model-id",
                detail: "record names \(record.replicateModelID), expected \(derivedModel)")
        }
        guard record.triggerWord == TriggerWord(for: user.id) else {
            throw Self.ownershipError(rule: "trained-model.trigger-word", detail: "trigger word not derived from user")
        }
        switch record.trainingStatus {
        case .completed:
            break
        case .pending, .training:
            throw SelfieModelKitError(
                .modelTrainingInProgress, rule: "trained-model.status",
                userMessage:
                    "Your personal model is still training. You can create photos as soon as it finishes "
                    + "(usually 20 to 30 minutes).",
                detail: "status \(record.trainingStatus)")
        case .failed:
            throw SelfieModelKitError(
                .modelTrainingFailed, rule: "trained-model.status",
                userMessage:
                    "Your last training didn't finish. Check your selfies (10 to 20 clear, well-lit photos "
                    + "of just you) and start training again.",
                detail: "status failed: \(record.failure?.providerError ?? "no provider error")")
        case .canceled:
            throw Self.notTrainedError(detail: "status canceled")
        }
        guard let version = record.replicateVersionID else {
            throw SelfieModelKitError(
                .modelVersionMissing, rule: "trained-model.version",
                userMessage:
                    "Your personal model isn't ready yet. Start training again, and we'll tell you when "
                    + "it's done.",
                detail: "completed record without replicate_version_id")
        }
        self.user = user
        self.reference = ModelVersionReference(model: derivedModel, version: version)
        self.triggerWord = TriggerWord(for: user.id)
        self.versionSchemaJSON = record.versionSchemaJSON
    }

    /// The error for a user who has no model record at all.
    public static func notTrainedError(detail: String = "no user_models row") -> SelfieModelKitError {
        SelfieModelKitError(
            .modelNotTrained, rule: "trained-model.exists",
            userMessage: "Your personal model isn't trained yet. Upload at least 10 selfies and start training.",
            detail: detail)
    }

    private static func ownershipError(rule: String, detail: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .modelOwnershipMismatch, rule: rule,
            userMessage:
                "We couldn't find your personal model. Upload at least 10 selfies and start training.",
            detail: detail)
    }

    public var description: String { "TrainedUserModel(\(reference))" }
}
