/// The errors every store backend throws, built in one place so that all backends throw identical
/// values for the same situation (the conformance suite compares them).
extension SelfieModelKitError {
    /// No item of `kind` with the requested id exists for this user.
    ///
    /// The value carries no id and no owner: another user's item answers exactly like a missing one.
    public static func storeItemNotFound(_ kind: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .notFound, rule: "store.\(kind).not-found",
            userMessage: "We couldn't find that item. It may have been deleted.",
            detail: "no \(kind) with this id for this user")
    }

    /// A compare-and-set transition found the job in another state than the one it named.
    public static func transitionConflict(
        kind: String, expected: JobStatus, actual: JobStatus
    )
        -> SelfieModelKitError
    {
        SelfieModelKitError(
            .transitionConflict, rule: "store.transition.unexpected-state",
            userMessage: "This item changed in the meantime. Refresh and try again.",
            detail: "\(kind) expected in \(expected), found in \(actual)")
    }

    /// A transition that ``JobStatus/canMove(to:)`` forbids, or that must go through a dedicated call.
    public static func illegalTransition(
        kind: String, from: JobStatus, to: JobStatus, reason: String = ""
    )
        -> SelfieModelKitError
    {
        SelfieModelKitError(
            .transitionConflict, rule: "store.transition.illegal",
            userMessage: "This item can't change that way anymore. Refresh to see its current state.",
            detail: "\(kind) cannot move from \(from) to \(to)" + (reason.isEmpty ? "" : ": \(reason)"))
    }

    /// A Replicate id attached to a job differs from the one already attached.
    public static func replicateIDConflict(kind: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .transitionConflict, rule: "store.replicate-id.conflict",
            userMessage: "This item changed in the meantime. Refresh and try again.",
            detail: "\(kind) already carries another Replicate id")
    }

    /// The user already has a training that has not reached a terminal status.
    public static let trainingAlreadyActive = SelfieModelKitError(
        .trainingAlreadyActive, rule: "store.training.already-active",
        userMessage: "Your model is already training. Wait for it to finish before starting another training.")

    /// The user's monthly generation quota is used up.
    public static func quotaExceeded(limit: Int) -> SelfieModelKitError {
        SelfieModelKitError(
            .quotaExceeded, rule: "store.generation.monthly-quota",
            userMessage: "You've used all \(limit) generations for this month. Your quota renews on the first "
                + "day of next month.",
            detail: "monthly limit \(limit) reached")
    }

    /// A row handed to a per-user call belongs to another user or names another user's model.
    public static func storeOwnershipMismatch(_ kind: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .modelOwnershipMismatch, rule: "store.\(kind).owner",
            userMessage: "That item doesn't belong to your account.",
            detail: "\(kind) names another user or another user's model")
    }

    /// An insert reused the id of an existing item that it does not match.
    public static func duplicateStoreID(_ kind: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .storage, rule: "store.\(kind).duplicate-id",
            userMessage: "Something went wrong saving your data. Please try again.",
            detail: "a \(kind) with this id already exists")
    }

    /// The backend failed; `detail` says how (never a secret).
    public static func storageFailure(_ detail: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .storage, rule: "store.backend",
            userMessage: "Something went wrong saving your data. Please try again.",
            detail: detail)
    }
}
