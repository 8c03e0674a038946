import Foundation

/// The store's record that a user is being, or has been, erased: a tombstone that holds nothing but the
/// user's id, why, and when.
///
/// Once a store holds it, the user's per-user writes that would create something new (a training intent, a
/// generation intent, a photo row) throw ``SelfieModelKitError/userErased``, so a user half-way through
/// erasure never looks alive: nothing can start for them, and a late webhook or reconciler pass finds
/// either a canceled job or no row at all. The tombstone stays after the erasure completes, so an
/// erased id is never silently reused.
public struct UserErasure: Sendable, Hashable, Codable {
    /// Whose erasure this is.
    public var userID: UserID
    /// Why: `"self-service"` when the user asked, or the operator's stated reason.
    public var reason: String
    /// When the erasure began.
    public var startedAt: Date
    /// When the user's rows were deleted, the last step; `nil` while the erasure is still pending.
    public var completedAt: Date?

    /// Whether every step finished.
    public var isComplete: Bool { completedAt != nil }

    /// Creates a value. Stores use this when they read a row.
    public init(userID: UserID, reason: String, startedAt: Date, completedAt: Date? = nil) {
        self.userID = userID
        self.reason = reason
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

/// How many of a user's rows a store deleted in the last step of an erasure.
public struct ErasedRows: Sendable, Hashable, Codable {
    /// Rows of `user_models` (0 or 1).
    public var userModels: Int
    /// Rows of `training_attempts`.
    public var trainingAttempts: Int
    /// Rows of `generations`.
    public var generations: Int
    /// Rows of `photos`.
    public var photos: Int

    /// Creates a value.
    public init(userModels: Int = 0, trainingAttempts: Int = 0, generations: Int = 0, photos: Int = 0) {
        self.userModels = userModels
        self.trainingAttempts = trainingAttempts
        self.generations = generations
        self.photos = photos
    }

    /// The sum of every count.
    public var total: Int { userModels + trainingAttempts + generations + photos }
}

/// Erasure of a user: the tombstone and the deletion of every row the library keeps for them.
///
/// The per-user calls take the ``AuthenticatedUser`` (an operator erasing a user on their own authority
/// makes one with ``AuthenticatedUser/verifiedByHost(_:via:)``, naming the reason). Only
/// ``systemPendingUserErasures(limit:)`` has no user: it serves the reconciler, which resumes erasures a
/// crash interrupted.
public protocol UserErasureStore: Sendable {
    /// Records that `user` is being erased, or returns the erasure already recorded (a resumed one keeps
    /// its first reason and start). From the moment this returns, ``UserModelStore/recordTrainingIntent(_:for:)``,
    /// ``GenerationStore/recordGenerationIntent(_:monthlyLimit:for:)`` and ``PhotoStore/addPhoto(_:for:)``
    /// for the user throw ``SelfieModelKitError/userErased``; an intent being recorded concurrently either
    /// committed before (and is visible to the erasure's next read) or is refused.
    func beginUserErasure(for user: AuthenticatedUser, reason: String) async throws -> UserErasure

    /// The user's erasure, or `nil` when none was ever begun.
    func userErasure(for user: AuthenticatedUser) async throws -> UserErasure?

    /// In one transaction: deletes every row of the user's (model record, training attempts, generations,
    /// photos) and marks the erasure completed. Throws `.notFound` when no erasure was begun. Calling it
    /// again deletes nothing and reports zeros. A host's own users row is the host's to delete.
    func completeUserErasure(for user: AuthenticatedUser) async throws -> ErasedRows

    /// Up to `limit` erasures that were begun and not completed, oldest first (system path: the reconciler).
    func systemPendingUserErasures(limit: Int) async throws -> [UserErasure]
}

extension SelfieModelKitError {
    /// The user is being erased or was erased: nothing new is recorded for them.
    public static let userErased = SelfieModelKitError(
        .userErased, rule: "store.user.erased",
        userMessage: "This account has been deleted.")

    /// `completeUserErasure` was called for a user whose erasure was never begun.
    public static let userErasureNotBegun = SelfieModelKitError(
        .notFound, rule: "store.user-erasure.not-begun",
        userMessage: "We couldn't find that item. It may have been deleted.",
        detail: "no erasure was begun for this user")
}
