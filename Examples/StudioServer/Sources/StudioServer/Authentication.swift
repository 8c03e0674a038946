import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import NIOPosix
import SelfieModelKit

/// What the session cookie's server-side record holds: only the user's id.
public struct StudioSession: Codable, Sendable, Hashable {
    /// The signed-in user's id.
    public var userID: UserID
}

/// The request context: a session (from hummingbird-auth's `SessionMiddleware`) and, once the session
/// authenticator has run, the library's ``AuthenticatedUser``.
public struct StudioRequestContext: AuthRequestContext, SessionRequestContext, RequestContext {
    /// Hummingbird's core storage.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user, set only by ``SessionUserAuthenticator``.
    public var identity: AuthenticatedUser?
    /// The session.
    public let sessions: SessionContext<StudioSession>

    /// A context for one request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.sessions = .init()
    }

    /// The authenticated user, or a 401 that says to sign in.
    func requireUser() throws -> AuthenticatedUser {
        guard let identity else { throw APIError.unauthenticated }
        return identity
    }
}

/// The one door between this host's authentication and SelfieModelKit.
///
/// It reads the session that `SessionMiddleware` loaded, checks the account still exists, and only then
/// calls `AuthenticatedUser.verifiedByHost(_:via:)`: this is the only place in the server that does.
struct SessionUserAuthenticator: AuthenticatorMiddleware {
    typealias Context = StudioRequestContext
    let accounts: any AccountStore

    func authenticate(request: Request, context: Context) async throws -> AuthenticatedUser? {
        guard let session = context.sessions.session,
            let account = try await accounts.account(userID: session.userID)
        else { return nil }
        return AuthenticatedUser.verifiedByHost(account.userID, via: "session")
    }
}

/// Refuses requests that carry no authenticated user with 401, before any route runs.
struct RequireAuthenticatedUser: RouterMiddleware {
    typealias Context = StudioRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        _ = try context.requireUser()
        return try await next(request, context)
    }
}

/// Sign-up and sign-in over the host's account table, with bcrypt password hashes.
struct AccountService: Sendable {
    let accounts: any AccountStore
    let bcryptCost: UInt8
    /// Checked when the email is unknown, at the same cost, so timing does not tell which emails have accounts.
    private let unknownAccountHash: String

    init(accounts: any AccountStore, bcryptCost: UInt8) {
        self.accounts = accounts
        self.bcryptCost = bcryptCost
        self.unknownAccountHash = Bcrypt.hash(UUID().uuidString, cost: bcryptCost)
    }

    static let minimumPasswordLength = 8

    /// Creates an account and returns it; a taken email answers 409.
    func signUp(email: String, password: String) async throws -> Account {
        let email = Self.normalized(email)
        guard email.contains("@"), email.count <= 254 else {
            throw APIError(.badRequest, code: "invalid-email", message: "Enter a valid email address.")
        }
        guard password.count >= Self.minimumPasswordLength else {
            throw APIError(
                .badRequest, code: "weak-password",
                message: "Choose a password of at least \(Self.minimumPasswordLength) characters.")
        }
        let cost = bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        let account = Account(userID: Self.newUserID(), email: email, passwordHash: hash)
        guard try await accounts.create(account) else {
            throw APIError(.conflict, code: "email-taken", message: "An account with this email already exists.")
        }
        return account
    }

    /// The account whose password matches; a wrong email and a wrong password answer the same 401.
    func signIn(email: String, password: String) async throws -> Account {
        let account = try await accounts.account(email: Self.normalized(email))
        let hash = account?.passwordHash ?? unknownAccountHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let account, matches else {
            throw APIError(.unauthorized, code: "invalid-credentials", message: "The email or password is wrong.")
        }
        return account
    }

    /// Checks the signed-in user's password again (for deleting the account); a wrong one answers 401.
    func confirmPassword(_ password: String, of user: AuthenticatedUser) async throws {
        let account = try await accounts.account(userID: user.id)
        let hash = account?.passwordHash ?? unknownAccountHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard account != nil, matches else {
            throw APIError(.unauthorized, code: "invalid-credentials", message: "The password is wrong.")
        }
    }

    static func normalized(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A fresh id that meets `UserID`'s rules: `u` and 32 lowercase hex digits (one digit at least).
    static func newUserID() -> UserID {
        while true {
            let hex = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            if let id = try? UserID("u" + hex) { return id }
        }
    }
}
