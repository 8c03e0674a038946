import Foundation
import SelfieModelKitValidation

enum Fixtures {
    static let owner = ReplicateOwner.sandrasocial
    static let versionHex = "5f0c3d1b2a4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"

    static func user(_ id: String) -> AuthenticatedUser {
        AuthenticatedUser.verifiedByHost(try! UserID(id), via: "test")
    }

    static func record(
        _ id: String, status: TrainingStatus = .completed, version: String? = versionHex,
        owner: ReplicateOwner = owner, modelUser: String? = nil
    ) -> UserModelRecord {
        let userID = try! UserID(id)
        let modelUserID = try! UserID(modelUser ?? id)
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        return UserModelRecord(
            userID: userID, replicateModelID: .selfieModel(for: modelUserID, owner: owner),
            replicateVersionID: version.map { try! ModelVersionID($0) }, triggerWord: TriggerWord(for: userID),
            trainingStatus: status, createdAt: date, updatedAt: date, completedAt: status == .completed ? date : nil)
    }

    static func trained(_ id: String) throws -> TrainedUserModel {
        try TrainedUserModel(record: record(id), for: user(id), owner: owner)
    }
}

/// A deterministic generator for seed tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
