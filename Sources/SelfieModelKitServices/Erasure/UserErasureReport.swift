import Foundation
import SelfieModelKitReplicate
import SelfieModelKitValidation

/// The steps of an erasure, in the order they run.
public enum UserErasureStep: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The store records the erasure; from then on nothing new is recorded for the user.
    case begin
    /// The user's in-flight trainings and generations are canceled at Replicate and in the store.
    case cancelJobs = "cancel-jobs"
    /// Every version of the user's model is deleted at Replicate, then the model.
    case deleteModel = "delete-model"
    /// The user's uploaded training archives are deleted from Replicate's Files API.
    case deleteFiles = "delete-files"
    /// Every selfie and photo of the user's is deleted from the image store.
    case deleteImages = "delete-images"
    /// The user's rows are deleted from the store, and the erasure is marked complete.
    case deleteRows = "delete-rows"

    public var description: String { rawValue }
}

/// What an erasure removed, and what it could not.
public struct UserErasureReport: Sendable, Hashable, CustomStringConvertible {
    /// Whose erasure this is.
    public var user: UserID
    /// Why: `"self-service"` when the user asked, or the operator's stated reason.
    public var reason: String
    /// When the erasure began (the first call, for a resumed one).
    public var startedAt: Date
    /// When it completed; `nil` only in a report of an erasure that did not finish.
    public var completedAt: Date?
    /// Whether an earlier call had finished it already; then nothing was done this time.
    public var wasAlreadyComplete = false
    /// Trainings canceled at Replicate.
    public var canceledTrainings: [TrainingID] = []
    /// Predictions canceled at Replicate.
    public var canceledPredictions: [PredictionID] = []
    /// Versions of the user's model deleted at Replicate.
    public var deletedVersions: [ModelVersionID] = []
    /// Whether this call deleted the user's model at Replicate (`false` also when it was gone already).
    public var deletedModel = false
    /// Uploaded files (training archives) deleted from Replicate.
    public var deletedFiles: [String] = []
    /// Photo bytes deleted from the image store (selfies and generated photos, and any stray bytes).
    public var deletedImages = 0
    /// Rows deleted from the store.
    public var deletedRows = ErasedRows()

    /// Creates a report of an erasure begun at `startedAt`.
    public init(user: UserID, reason: String, startedAt: Date) {
        self.user = user
        self.reason = reason
        self.startedAt = startedAt
    }

    /// What no call of SelfieModelKit can delete, because Replicate keeps it on its own terms.
    public static let retainedByReplicate = [
        "Replicate deletes the inputs, outputs and logs of API predictions and trainings by itself one hour after "
            + "they finish; until then they cannot be deleted earlier through the API.",
        "The prediction and training records (ids, status, timings, the model and version names) stay in "
            + "Replicate's lists and billing for the account.",
        "Version deletions are processed by Replicate within minutes of being accepted.",
    ]

    public var description: String {
        var lines = [
            "Erasure of user \(user) (\(reason)): "
                + (wasAlreadyComplete ? "already complete" : completedAt == nil ? "NOT complete" : "complete")
        ]
        if !wasAlreadyComplete {
            lines += [
                "  canceled at Replicate: \(canceledTrainings.count) trainings, \(canceledPredictions.count) predictions",
                "  deleted at Replicate: \(deletedVersions.count) versions, model \(deletedModel ? "deleted" : "already gone"), "
                    + "\(deletedFiles.count) uploaded files",
                "  deleted here: \(deletedImages) images; rows: \(deletedRows.userModels) model records, "
                    + "\(deletedRows.trainingAttempts) trainings, \(deletedRows.generations) generations, "
                    + "\(deletedRows.photos) photos",
            ]
        }
        lines.append("  kept by Replicate on its own terms:")
        lines += Self.retainedByReplicate.map { "    - \($0)" }
        return lines.joined(separator: "\n")
    }
}
