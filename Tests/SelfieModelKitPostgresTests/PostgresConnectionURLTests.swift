import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import Testing

/// A password as a URL carries it (percent-encoded) and as the server gets it.
private let password = "s3cr%2Ft%3Ap%40ss"
private let decodedPassword = "s3cr/t:p@ss"

/// Parsing connection URLs into postgres-nio configurations (no server involved).
@Suite("PostgreSQL connection URLs")
struct PostgresConnectionURLTests {
    @Test("host, port, role, password and database reach the client configuration")
    func fullURL() throws {
        let url = try PostgresConnectionURL(
            "postgres://selfie_app:\(password)@db.internal:6543/selfie?sslmode=verify-full"
                + "&application_name=studio&connect_timeout=7")
        #expect(url.endpoint == .tcp(host: "db.internal", port: 6543))
        #expect(url.sslMode == .verifyFull)
        let configuration = try url.clientConfiguration()
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "selfie_app")
        #expect(configuration.password == decodedPassword)
        #expect(configuration.database == "selfie")
        #expect(configuration.options.connectTimeout == .seconds(7))
        #expect(configuration.options.additionalStartupParameters.contains { $0 == ("application_name", "studio") })
    }

    @Test("defaults: port 5432, the role's own database, and TLS verified when sslmode is absent")
    func defaults() throws {
        let url = try PostgresConnectionURL("postgresql://app@db.example.com")
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 5432))
        #expect(url.database == nil)
        #expect(url.sslMode == .verifyFull)
        #expect(url.verifiesServer())
        let tls = try #require(try url.tlsConfiguration())
        #expect(tls.certificateVerification == .fullVerification)
        #expect(tls.trustRoots == nil || tls.trustRoots == .default)
        #expect(try url.clientConfiguration().password == nil)
    }

    @Test("each sslmode's TLS settings; require verifies unless the code opts out")
    func sslModes() throws {
        let base = "postgres://app:pw@db.internal/selfie?sslmode="
        #expect(try PostgresConnectionURL(base + "disable").tlsConfiguration() == nil)
        #expect(try !PostgresConnectionURL(base + "disable").verifiesServer())

        let require = try PostgresConnectionURL(base + "require")
        #expect(require.sslMode == .require)
        #expect(try require.tlsConfiguration()?.certificateVerification == .fullVerification)
        #expect(require.verifiesServer())
        let unverified = try require.tlsConfiguration(require: .encryptWithoutVerification)
        #expect(unverified?.certificateVerification == CertificateVerification.none)
        #expect(!require.verifiesServer(require: .encryptWithoutVerification))

        let verifyCA = try PostgresConnectionURL(base + "verify-ca")
        #expect(try verifyCA.tlsConfiguration()?.certificateVerification == .noHostnameVerification)
        let verifyFull = try PostgresConnectionURL(base + "verify-full")
        #expect(
            try verifyFull.tlsConfiguration(require: .encryptWithoutVerification)?.certificateVerification
                == .fullVerification, "the opt-out concerns `require` only")
    }

    @Test("sslrootcert trusts that file instead of the system's roots")
    func rootCertificate() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let url = try PostgresConnectionURL(
            "postgres://app@db.internal/selfie?sslmode=verify-full&sslrootcert=\(file.path)")
        #expect(try url.tlsConfiguration()?.trustRoots == .file(file.path))

        let missing = try PostgresConnectionURL("postgres://app@db.internal/selfie?sslrootcert=/nonexistent/ca.pem")
        let error = #expect(throws: SelfieModelKitError.self) { try missing.clientConfiguration() }
        #expect(error?.rule == "database-url.sslrootcert")
        let system = try PostgresConnectionURL("postgres://app@db.internal/selfie?sslrootcert=system")
        #expect(system.rootCertificatePath == nil)
    }

    @Test("a socket folder in `host` connects over the unix socket, without TLS")
    func unixSocket() throws {
        let url = try PostgresConnectionURL("postgres://app@/selfie?host=/run/postgresql/")
        #expect(url.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(url.sslMode == .disable)
        #expect(try url.clientConfiguration().unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        let withPort = try PostgresConnectionURL("postgres://app@:5433/selfie?host=/tmp")
        #expect(withPort.endpoint == .unixSocket(path: "/tmp/.s.PGSQL.5433"))
        let contradiction = #expect(throws: SelfieModelKitError.self) {
            try PostgresConnectionURL("postgres://app@/selfie?host=/tmp&sslmode=verify-full")
        }
        #expect(contradiction?.rule == "database-url.sslmode")
    }

    @Test(
        "bad URLs are refused with a rule and a message that never quotes the password",
        arguments: [
            ("mysql://app:\(password)@db/selfie", "database-url.scheme"),
            ("postgres://:\(password)@db/selfie", "database-url.user"),
            ("postgres://app:\(password)@/selfie", "database-url.host"),
            ("postgres://app:\(password)@db:70000/selfie", "database-url.port"),
            ("postgres://app:\(password)@db/selfie/extra", "database-url.database"),
            ("postgres://app:\(password)@db/selfie?sslmode=prefer", "database-url.sslmode"),
            ("postgres://app:\(password)@db/selfie?sslmode=allow", "database-url.sslmode"),
            ("postgres://app:\(password)@db/selfie?sslmode=verify_full", "database-url.sslmode"),
            ("postgres://app:\(password)@db/selfie?sslmode=disable&sslmode=require", "database-url.parameter"),
            ("postgres://app:\(password)@db/selfie?options=-c%20search_path%3Dx", "database-url.parameter"),
            ("postgres://app:\(password)@db/selfie?channel_binding=require", "database-url.channel-binding"),
            ("postgres://app:\(password)@db/selfie?connect_timeout=soon", "database-url.connect-timeout"),
            ("postgres://app:\(password)@db/selfie?sslrootcert=ca.pem", "database-url.sslrootcert"),
            ("postgres://app:\(password)@db/selfie?host=relative", "database-url.host"),
            ("not a url at all \(password)", "database-url.syntax"),
        ])
    func refusals(url: String, rule: String) throws {
        let error = #expect(throws: SelfieModelKitError.self) { try PostgresConnectionURL(url) }
        #expect(error?.code == .configuration)
        #expect(error?.rule == rule)
        let shown = "\(String(describing: error)) \(error?.userMessage ?? "") \(error?.detail ?? "")"
        #expect(!shown.contains("s3cr"), "the message quotes the password: \(rule)")
    }

    @Test("the URL prints with its password redacted, however it is printed")
    func redaction() throws {
        let url = try PostgresConnectionURL("postgres://app:\(password)@db.internal:5432/selfie?sslmode=require")
        #expect(url.description == "postgres://app:redacted@db.internal:5432/selfie?sslmode=require")
        var dumped = ""
        dump(url, to: &dumped)
        for shown in ["\(url)", String(reflecting: url), dumped] {
            #expect(!shown.contains("s3cr"))
            #expect(shown.contains("redacted"))
        }
    }
}

/// The parsed URL against a real server: the throwaway one, which offers no TLS.
@Suite("PostgreSQL connection URLs on a server")
struct PostgresConnectionURLServerTests {
    @Test("without sslmode a server offering no TLS is refused, not used in plaintext; sslmode=disable connects")
    func noSilentPlaintext() async throws {
        let database = try await PostgresTestServer.shared().makeDatabase(prefix: "url_tls")
        let port = try await withRunningPostgresClient(database.superuserConfiguration) { client in
            try await client.query("SHOW port").collect().first?.decode(String.self) ?? "5432"
        }
        let url = "postgres://\(database.ownerRole):\(database.ownerPassword)@127.0.0.1:\(port)/\(database.name)"

        // One connection with the TLS settings the URL gives (a pool would keep retrying in the background).
        let tls = try #require(try PostgresConnectionURL(url).tlsConfiguration())
        let verified = PostgresConnection.Configuration(
            host: "127.0.0.1", port: Int(port) ?? 5432, username: database.ownerRole,
            password: database.ownerPassword, database: database.name,
            tls: .require(try NIOSSLContext(configuration: tls)))
        let refusal = await #expect(throws: PSQLError.self) {
            let connection = try await PostgresConnection.connect(
                configuration: verified, id: 1, logger: Logger(label: "url-tls-test"))
            try await connection.close()
        }
        #expect(refusal?.code == .sslUnsupported)

        let plain = try PostgresConnectionURL(url + "?sslmode=disable").clientConfiguration()
        let role = try await withRunningPostgresClient(plain) { client in
            try await client.query("SELECT current_user::text").collect().first?.decode(String.self)
        }
        #expect(role == database.ownerRole)
    }
}
