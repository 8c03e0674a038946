import Crypto
import Foundation
import SelfieModelKit

/// Stateless session tokens shared by every fleet host: `userId.hmac`, signed with one secret.
///
/// A host that signs a user up hands out a token; any host verifies it and only then names the user to the
/// library (`AuthenticatedUser.verifiedByHost`). A token of one user never authenticates another.
struct FleetSessions: Sendable {
    private let keyBytes: Data

    init(secret: String) {
        keyBytes = Data(SHA256.hash(data: Data(secret.utf8)))
    }

    func token(for user: UserID) -> String {
        "\(user.rawValue).\(signature(user.rawValue))"
    }

    /// The user a bearer token names, or `nil` when it is missing, malformed or forged.
    func user(fromAuthorization header: String?) -> AuthenticatedUser? {
        guard let header, header.hasPrefix("Bearer ") else { return nil }
        let parts = header.dropFirst("Bearer ".count).split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let id = try? UserID(parts[0]) else { return nil }
        let expected = Array(signature(parts[0]).utf8)
        let given = Array(parts[1].utf8)
        guard expected.count == given.count else { return nil }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        guard difference == 0 else { return nil }
        return AuthenticatedUser.verifiedByHost(id, via: "fleet session")
    }

    private func signature(_ user: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(user.utf8), using: SymmetricKey(data: keyBytes)).map {
            String(format: "%02x", $0)
        }.joined()
    }
}
