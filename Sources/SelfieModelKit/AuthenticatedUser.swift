/// A user whom the host's authentication layer has verified.
///
/// Every training, generation and per-user storage entry point of SelfieModelKit takes an
/// `AuthenticatedUser`, never a bare ``UserID``. There is exactly one way to make one:
/// ``AuthenticatedUser/verifiedByHost(_:via:)``. Call it in one place of your host — right after your
/// session or token check succeeds — and nowhere else, so a review of authentication is a search for
/// that name.
///
/// `AuthenticatedUser` is deliberately not `Codable`: a user cannot be decoded from a request body.
public struct AuthenticatedUser: Sendable, Hashable, CustomStringConvertible {
    /// The verified user's id.
    public let id: UserID
    /// How the host verified the user (for example `"session"` or `"bearer-token"`), for audit logs.
    public let mechanism: String

    private init(id: UserID, mechanism: String) {
        self.id = id
        self.mechanism = mechanism
    }

    /// Declares that the host's authentication layer has verified `id`.
    ///
    /// - Parameters:
    ///   - id: the id of the user whose credentials the host has just checked.
    ///   - mechanism: how they were checked, such as `"session"`; recorded for audits.
    /// - Important: Only call this after a successful authentication check. It is the single door
    ///   between your authentication and this library.
    public static func verifiedByHost(_ id: UserID, via mechanism: String) -> AuthenticatedUser {
        AuthenticatedUser(id: id, mechanism: mechanism)
    }

    public var description: String { "AuthenticatedUser(\(id), via: \(mechanism))" }
}
