import Foundation

/// How long the user's data stays at Replicate beyond what a job needs.
///
/// The default deletes every training archive (the zip of the user's selfies uploaded to Replicate's Files
/// API) as soon as its training ends, and keeps every version of the user's model.
public struct RetentionPolicy: Sendable, Hashable {
    /// Whether a training's uploaded archive is deleted from Replicate once the training ends (succeeded,
    /// failed or canceled). On by default: Replicate would otherwise keep the selfies for 24 hours.
    public var deletesTrainingArchives: Bool
    /// How many versions of a user's model to keep at Replicate after a retrain, newest first (at least 1:
    /// the version that serves); `nil` keeps them all (the default). Generations already stored keep their
    /// photos and provenance either way; the compliance audit reads the version history from the store.
    public var keptVersions: Int?

    /// Describes a policy; `keptVersions` below 1 is treated as 1.
    public init(deletesTrainingArchives: Bool = true, keptVersions: Int? = nil) {
        self.deletesTrainingArchives = deletesTrainingArchives
        self.keptVersions = keptVersions.map { max(1, $0) }
    }
}
