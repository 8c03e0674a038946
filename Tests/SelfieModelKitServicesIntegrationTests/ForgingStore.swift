import Foundation
import SelfieModelKit
import SelfieModelKitTesting

/// The user-model records a ``ForgingStore`` hands out instead of the real ones.
actor Forgeries {
    private var records: [UserID: UserModelRecord] = [:]

    func forge(_ record: UserModelRecord, for user: UserID) { records[user] = record }
    func record(for user: UserID) -> UserModelRecord? { records[user] }
}

/// A store that answers `userModel(for:)` with a forged record when one is set (as a tampered or buggy
/// database would) and passes everything else to the real store.
struct ForgingStore: ForwardingSelfieModelStore {
    let base: any SelfieModelStore
    let forgeries: Forgeries

    func userModel(for user: AuthenticatedUser) async throws -> UserModelRecord? {
        if let forged = await forgeries.record(for: user.id) { return forged }
        return try await base.userModel(for: user)
    }
}
