import Foundation
import SelfieModelKit

/// A PostgreSQL connection URL (`DATABASE_URL`), such as `postgres://app:secret@db.internal:5432/selfie`.
///
/// The URL usually carries a password, so it never prints whole: `description`, `debugDescription`,
/// `dump` and string interpolation show it with the password (and any `password` query parameter)
/// replaced by `redacted`. Read the full value only where a connection is opened, through
/// ``revealForConnection()``.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The schemes PostgreSQL clients accept.
    public static let schemes: Set<String> = ["postgres", "postgresql"]

    private let value: String
    /// `postgres` or `postgresql`.
    public let scheme: String
    /// The server's host name; empty when the host comes from a `host` query parameter (a socket path).
    public let host: String
    /// The server's port, when the URL names one.
    public let port: Int?
    /// The user name, when the URL names one.
    public let user: String?
    /// The database name, when the URL names one.
    public let database: String?
    private let redactedForm: String

    /// Parses a connection URL.
    /// - Throws: `SelfieModelKitError` with code `.configuration`; the message never quotes the value.
    public init(_ value: String) throws {
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            Self.schemes.contains(scheme)
        else {
            throw Self.invalid(
                "database-url.scheme", "DATABASE_URL must be a postgres:// or postgresql:// URL.")
        }
        let host = components.host ?? ""
        let hasSocketHost = components.queryItems?.contains { $0.name == "host" && $0.value?.isEmpty == false }
        guard !host.isEmpty || hasSocketHost == true else {
            throw Self.invalid("database-url.host", "DATABASE_URL must name a host, as in postgres://user@host/db.")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.value = value
        self.scheme = scheme
        self.host = host
        self.port = components.port
        self.user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        self.database = database.isEmpty ? nil : database
        self.redactedForm = components.redactedConnectionString(scheme: scheme)
    }

    /// The whole URL, password included, for the database driver only. The name makes every use easy to audit.
    public func revealForConnection() -> String { value }

    /// The URL with its password replaced by `redacted`.
    public var description: String { redactedForm }
    public var debugDescription: String { "DatabaseURL(\(redactedForm))" }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redactedForm]) }

    private static func invalid(_ rule: String, _ message: String) -> SelfieModelKitError {
        SelfieModelKitError(.configuration, rule: rule, userMessage: message)
    }
}
