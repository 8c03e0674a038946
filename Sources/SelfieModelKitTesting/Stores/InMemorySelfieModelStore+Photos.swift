import Foundation
import SelfieModelKit

extension InMemorySelfieModelStore: PhotoStore {
    public func addPhoto(_ photo: PhotoRecord, for user: AuthenticatedUser) throws {
        guard photo.userID == user.id else { throw SelfieModelKitError.storeOwnershipMismatch("photo") }
        try requireNotErased(user.id)
        if let generationID = photo.generationID {
            guard generations[generationID]?.value.userID == user.id else {
                throw SelfieModelKitError.storeItemNotFound("generation")
            }
        }
        if let existing = photoRows[photo.id] {
            guard existing.value == photo else { throw SelfieModelKitError.duplicateStoreID("photo") }
            return
        }
        photoRows[photo.id] = Stored(value: photo, sequence: nextSequence())
    }

    public func photos(of kind: PhotoKind, for user: AuthenticatedUser) -> [PhotoRecord] {
        photoRows.values
            .filter { $0.value.userID == user.id && $0.value.kind == kind }
            .sorted { ($0.value.createdAt, $0.sequence) < ($1.value.createdAt, $1.sequence) }
            .map(\.value)
    }

    public func photo(_ id: PhotoID, for user: AuthenticatedUser) -> PhotoRecord? {
        guard let stored = photoRows[id], stored.value.userID == user.id else { return nil }
        return stored.value
    }

    public func setFavourite(_ id: PhotoID, _ isFavourite: Bool, for user: AuthenticatedUser) -> PhotoRecord? {
        guard photoRows[id]?.value.userID == user.id else { return nil }
        photoRows[id]!.value.isFavourite = isFavourite
        return photoRows[id]!.value
    }

    public func deletePhoto(_ id: PhotoID, for user: AuthenticatedUser) -> PhotoRecord? {
        guard let stored = photoRows[id], stored.value.userID == user.id else { return nil }
        photoRows[id] = nil
        return stored.value
    }
}
