import Foundation
import SelfieModelKit

/// A PostgreSQL connection URL, such as `DATABASE_URL`, parsed for postgres-nio:
/// `postgres://user:password@host:port/database?sslmode=verify-full`.
///
/// ```swift
/// let url = try PostgresConnectionURL(environment["DATABASE_URL"] ?? "")
/// let client = PostgresClient(configuration: try url.clientConfiguration())
/// ```
///
/// TLS follows `sslmode`, with safer meanings than libpq's where libpq's are unsafe (ADR 0405):
///
/// | `sslmode` | connection |
/// |---|---|
/// | absent | TLS, certificate chain and host name verified (as `verify-full`) |
/// | `disable` | no TLS: only for a server on this machine or a private network you trust |
/// | `require` | TLS, verified as `verify-full`; unverified only when the code asks (``RequireMode``) |
/// | `verify-ca` | TLS, certificate chain verified, host name not |
/// | `verify-full` | TLS, certificate chain and host name verified |
/// | `allow`, `prefer` | refused: both fall back to plaintext without saying so |
///
/// Certificates are verified against the system's roots, or against the PEM bundle named by
/// `sslrootcert=/path/to/ca.pem` (the CA file that RDS, Azure or DigitalOcean publish, for instance).
/// Other parameters understood: `host=/socket/folder` (a unix socket; TLS does not apply there),
/// `application_name`, `connect_timeout` (seconds) and `channel_binding` (`disable` or `prefer`; postgres-nio
/// has no channel binding, so `require` is refused). Any other parameter is refused rather than ignored.
///
/// The password never prints: `description`, `debugDescription`, `dump` and interpolation show the URL with
/// `redacted` in its place, and no error quotes the URL.
public struct PostgresConnectionURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// How the connection uses TLS, from the URL's `sslmode`.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS; the certificate is verified unless the code chooses ``RequireMode/encryptWithoutVerification``.
        case require
        /// TLS; the certificate chain is verified, the host name is not.
        case verifyCA = "verify-ca"
        /// TLS; the certificate chain and the host name are verified.
        case verifyFull = "verify-full"
    }

    /// What `sslmode=require` means. libpq encrypts without checking the certificate, which lets anyone on
    /// the network path impersonate the server; here that takes a decision in code, never the URL alone.
    public enum RequireMode: Sendable, Hashable {
        /// `require` verifies the certificate chain and host name, as `verify-full` does (the default).
        case verifyCertificate
        /// `require` encrypts without verifying the certificate, as libpq does. Choose it only for a provider
        /// whose certificate cannot be verified (no CA file to pass as `sslrootcert`), and log that you did.
        case encryptWithoutVerification
    }

    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        /// A TCP host name or address and port.
        case tcp(host: String, port: Int)
        /// A unix domain socket: the full path of the socket file (`<folder>/.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    /// Where the server listens.
    public let endpoint: Endpoint
    /// The role to connect as.
    public let username: String
    /// The database; `nil` means the role's name, as PostgreSQL does.
    public let database: String?
    /// The TLS mode: the URL's `sslmode`, or ``SSLMode/verifyFull`` when it names none (``SSLMode/disable`` for
    /// a unix socket).
    public let sslMode: SSLMode
    /// The PEM file of certificate authorities to trust instead of the system's (`sslrootcert`).
    public let rootCertificatePath: String?
    /// The `application_name` reported to the server.
    public let applicationName: String?
    /// The `connect_timeout`, when the URL gives one.
    public let connectTimeout: Duration?
    let password: String?
    private let redactedForm: String

    /// Parses a connection URL.
    /// - Throws: `SelfieModelKitError` with code `.configuration` and a `database-url.*` rule; the message
    ///   never quotes the URL or its password.
    public init(_ string: String) throws {
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased() else {
            throw Self.invalid(
                "database-url.syntax",
                "The database URL is not a URL; write it as postgres://user:password@host:5432/database "
                    + "(percent-encode special characters in the password).")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw Self.invalid("database-url.scheme", "The database URL must start with postgres:// or postgresql://.")
        }
        let parameters = try Self.parameters(components)
        guard let user = components.user, !user.isEmpty else {
            throw Self.invalid("database-url.user", "The database URL must name a role, as in postgres://app@host/db.")
        }
        let port = try Self.port(components)
        let socketFolder = try Self.socketFolder(components, parameters)
        let host = Self.unbracketed(components.host ?? "")
        if socketFolder == nil, host.isEmpty {
            throw Self.invalid(
                "database-url.host",
                "The database URL must name a host (postgres://app@db.internal/db) "
                    + "or a socket folder (?host=/run/postgresql).")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else {
            throw Self.invalid("database-url.database", "The database URL's path must be one database name.")
        }
        if let socketFolder {
            endpoint = .unixSocket(path: "\(socketFolder)/.s.PGSQL.\(port)")
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        username = user
        password = components.password
        database = path.isEmpty ? nil : path
        sslMode = try Self.sslMode(parameters["sslmode"], overSocket: socketFolder != nil)
        rootCertificatePath = try Self.rootCertificatePath(parameters["sslrootcert"])
        applicationName = parameters["application_name"].flatMap { $0.isEmpty ? nil : $0 }
        connectTimeout = try Self.connectTimeout(parameters["connect_timeout"])
        try Self.checkChannelBinding(parameters["channel_binding"])
        redactedForm = components.redactedConnectionString(scheme: scheme)
    }

    /// The URL with its password replaced by `redacted`.
    public var description: String { redactedForm }
    /// The redacted URL, named.
    public var debugDescription: String { "PostgresConnectionURL(\(redactedForm))" }
    /// Only the redacted URL, so `dump` never shows the password.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redactedForm]) }
}

extension PostgresConnectionURL {
    static let knownParameters: Set<String> = [
        "sslmode", "sslrootcert", "host", "application_name", "connect_timeout", "channel_binding",
    ]

    private static func parameters(_ components: URLComponents) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard knownParameters.contains(item.name) else {
                let isPlainName = item.name.count <= 40 && item.name.allSatisfy { $0.isLetter || $0 == "_" }
                let named = isPlainName ? "`\(item.name)`" : "a parameter"
                throw invalid(
                    "database-url.parameter",
                    "The database URL has \(named), which SelfieModelKit does not understand; it understands "
                        + knownParameters.sorted().joined(separator: ", ") + ".")
            }
            guard parameters[item.name] == nil else {
                throw invalid("database-url.parameter", "The database URL gives `\(item.name)` twice.")
            }
            parameters[item.name] = item.value ?? ""
        }
        return parameters
    }

    private static func port(_ components: URLComponents) throws -> Int {
        guard let port = components.port else { return 5432 }
        guard (1...65_535).contains(port) else {
            throw invalid("database-url.port", "The database URL's port must be between 1 and 65535.")
        }
        return port
    }

    private static func socketFolder(_ components: URLComponents, _ parameters: [String: String]) throws -> String? {
        let candidate = parameters["host"] ?? (components.host?.hasPrefix("/") == true ? components.host : nil)
        guard let folder = candidate else { return nil }
        guard folder.hasPrefix("/") else {
            throw invalid(
                "database-url.host",
                "The database URL's `host` parameter must be a socket folder, such as /run/postgresql.")
        }
        return folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
    }

    private static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    private static func sslMode(_ value: String?, overSocket: Bool) throws -> SSLMode {
        guard let value else { return overSocket ? .disable : .verifyFull }
        if value == "allow" || value == "prefer" {
            throw invalid(
                "database-url.sslmode",
                "sslmode=\(value) falls back to an unencrypted connection without saying so; use sslmode=verify-full "
                    + "(or require), or sslmode=disable for a server on this machine.")
        }
        guard let mode = SSLMode(rawValue: value) else {
            throw invalid(
                "database-url.sslmode",
                "The database URL's sslmode must be one of disable, require, verify-ca or verify-full.")
        }
        if overSocket, mode != .disable {
            throw invalid(
                "database-url.sslmode",
                "TLS does not apply over a unix socket; remove sslmode or write sslmode=disable.")
        }
        return mode
    }

    private static func rootCertificatePath(_ value: String?) throws -> String? {
        guard let value, value != "system" else { return nil }
        guard value.hasPrefix("/") else {
            throw invalid(
                "database-url.sslrootcert",
                "The database URL's sslrootcert must be an absolute path to a PEM file of certificate authorities.")
        }
        return value
    }

    private static func connectTimeout(_ value: String?) throws -> Duration? {
        guard let value else { return nil }
        guard let seconds = Int(value), seconds > 0 else {
            throw invalid(
                "database-url.connect-timeout", "The database URL's connect_timeout must be whole seconds, above 0.")
        }
        return .seconds(seconds)
    }

    private static func checkChannelBinding(_ value: String?) throws {
        guard let value, value != "disable", value != "prefer" else { return }
        throw invalid(
            "database-url.channel-binding",
            value == "require"
                ? "channel_binding=require cannot be honoured: postgres-nio does not support channel binding. "
                    + "Remove it and keep sslmode=verify-full, which authenticates the server."
                : "The database URL's channel_binding must be disable, prefer or require.")
    }

    static func invalid(_ rule: String, _ message: String) -> SelfieModelKitError {
        SelfieModelKitError(.configuration, rule: rule, userMessage: message)
    }
}
