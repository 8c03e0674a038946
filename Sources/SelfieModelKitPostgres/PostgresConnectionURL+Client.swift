import Foundation
import NIOSSL
import PostgresNIO
import SelfieModelKit

extension PostgresConnectionURL {
    /// The postgres-nio configuration for this URL: endpoint, role, password, database, TLS per ``sslMode``,
    /// `application_name` and `connect_timeout`. Set pool options (such as `options.maximumConnections`) on the
    /// result.
    /// - Parameter require: what `sslmode=require` means; ``RequireMode/verifyCertificate`` unless you have
    ///   decided otherwise (ADR 0405).
    /// - Throws: `SelfieModelKitError` (`database-url.sslrootcert`) when `sslrootcert` names no readable file.
    public func clientConfiguration(require: RequireMode = .verifyCertificate) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: try tlsConfiguration(require: require).map { .require($0) } ?? .disable)
        case .unixSocket(let path):
            configuration = PostgresClient.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        }
        if let applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        }
        if let connectTimeout {
            configuration.options.connectTimeout = connectTimeout
        }
        return configuration
    }

    /// Whether connections made with `require` verify the server's certificate.
    /// - Parameter require: what `sslmode=require` means.
    /// - Returns: `false` only for `sslmode=disable`, and for `sslmode=require` with
    ///   ``RequireMode/encryptWithoutVerification``; hosts can log a warning when it is `false`.
    public func verifiesServer(require: RequireMode = .verifyCertificate) -> Bool {
        switch sslMode {
        case .disable: false
        case .require: require == .verifyCertificate
        case .verifyCA, .verifyFull: true
        }
    }

    /// The TLS settings ``clientConfiguration(require:)`` uses, or `nil` for `sslmode=disable` and unix sockets.
    /// Start from these to add what a URL cannot say (a client certificate, for instance), then set
    /// `configuration.tls = .require(tls)`.
    /// - Parameter require: what `sslmode=require` means.
    /// - Throws: `SelfieModelKitError` (`database-url.sslrootcert`) when `sslrootcert` names no readable file.
    public func tlsConfiguration(require: RequireMode = .verifyCertificate) throws -> TLSConfiguration? {
        let verification: CertificateVerification
        switch (sslMode, require) {
        case (.disable, _): return nil
        case (.require, .encryptWithoutVerification): verification = .none
        case (.require, .verifyCertificate), (.verifyFull, _): verification = .fullVerification
        case (.verifyCA, _): verification = .noHostnameVerification
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = verification
        if let rootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: rootCertificatePath) else {
                throw Self.invalid(
                    "database-url.sslrootcert",
                    "The database URL's sslrootcert names a file this process cannot read; "
                        + "give the path of a PEM file of certificate authorities.")
            }
            tls.trustRoots = .file(rootCertificatePath)
        }
        return tls
    }
}
