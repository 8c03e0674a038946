import Foundation
import SelfieModelKit

extension InMemorySelfieModelStore: UserErasureStore {
    public func beginUserErasure(for user: AuthenticatedUser, reason: String) -> UserErasure {
        if let existing = erasures[user.id] { return existing }
        let erasure = UserErasure(userID: user.id, reason: reason, startedAt: now())
        erasures[user.id] = erasure
        return erasure
    }

    public func userErasure(for user: AuthenticatedUser) -> UserErasure? {
        erasures[user.id]
    }

    public func completeUserErasure(for user: AuthenticatedUser) throws -> ErasedRows {
        guard var erasure = erasures[user.id] else { throw SelfieModelKitError.userErasureNotBegun }
        var rows = ErasedRows()
        rows.photos = photoRows.values.filter { $0.value.userID == user.id }.count
        photoRows = photoRows.filter { $0.value.value.userID != user.id }
        rows.generations = generations.values.filter { $0.value.userID == user.id }.count
        generations = generations.filter { $0.value.value.userID != user.id }
        rows.trainingAttempts = attempts.values.filter { $0.value.userID == user.id }.count
        attempts = attempts.filter { $0.value.value.userID != user.id }
        rows.userModels = models.removeValue(forKey: user.id) == nil ? 0 : 1
        if erasure.completedAt == nil {
            erasure.completedAt = now()
            erasures[user.id] = erasure
        }
        return rows
    }

    public func systemPendingUserErasures(limit: Int) -> [UserErasure] {
        Array(
            erasures.values.filter { $0.completedAt == nil }
                .sorted { ($0.startedAt, $0.userID) < ($1.startedAt, $1.userID) }
                .prefix(max(0, limit)))
    }

    /// Throws ``SelfieModelKitError/userErased`` when an erasure of `user` was begun.
    func requireNotErased(_ user: UserID) throws {
        if erasures[user] != nil { throw SelfieModelKitError.userErased }
    }
}
