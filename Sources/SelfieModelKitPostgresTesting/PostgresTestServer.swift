import Foundation
import Logging
import PostgresNIO
import SelfieModelKitPostgres

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server for tests: a throwaway one started from the machine's binaries, or the one
/// `DATABASE_URL` names.
///
/// With `DATABASE_URL` set, the server is that one (parsed by `PostgresConnectionURL`, so a local server
/// without TLS needs `?sslmode=disable`): its role must be able to create roles and databases (a superuser,
/// for instance), because each test gets its own database owned by its own non-superuser role. Without it, a
/// throwaway server is started from the machine's binaries (`/usr/lib/postgresql/*/bin`): `initdb` into a
/// temporary folder, `pg_ctl start` on a free port with the unix socket in that folder, run as the `postgres`
/// OS user (through `runuser`) when the process runs as root. The server is stopped when the process exits,
/// and a watchdog stops it if the process dies without exiting.
///
/// One server serves the whole test process: use ``shared()``, then ``makeDatabase(prefix:systemRole:)`` per
/// test.
public actor PostgresTestServer {
    /// How to reach the server as a role allowed to create roles and databases.
    public let superuserConfiguration: PostgresClient.Configuration
    /// The throwaway server's folder, or `nil` for a server from `DATABASE_URL`.
    public let temporaryFolder: URL?
    /// How another process reaches a throwaway server: its socket folder and port (`nil` for `DATABASE_URL`'s).
    private let socket: (folder: String, port: Int)?
    private let launched: ThrowawayPostgres.Launched?
    private var databaseCount = 0

    private init(
        superuserConfiguration: PostgresClient.Configuration, temporaryFolder: URL?,
        socket: (folder: String, port: Int)? = nil, launched: ThrowawayPostgres.Launched? = nil
    ) {
        self.superuserConfiguration = superuserConfiguration
        self.temporaryFolder = temporaryFolder
        self.socket = socket
        self.launched = launched
    }

    /// Crashes and restarts a throwaway server: stops it at once (`pg_ctl stop -m immediate`: every
    /// connection is cut, nothing is checkpointed), waits `downtime`, and starts it again on the same port,
    /// recovering from its write-ahead log. For chaos runs and tests of clients riding through.
    /// - Throws: `PostgresTestServerError` for a server from `DATABASE_URL` (not ours to restart), or when
    ///   `pg_ctl` fails.
    public func restartImmediately(downtime: Duration = .seconds(1)) async throws {
        guard let launched else {
            throw PostgresTestServerError("only a throwaway server can be restarted; this one is DATABASE_URL's")
        }
        try await ThrowawayPostgres.restart(launched, downtime: downtime)
    }

    /// The process-wide server, started on first use.
    public static func shared() async throws -> PostgresTestServer {
        try await PostgresTestServerRegistry.shared.server()
    }

    /// Starts a server of its own (not the shared one): the one from `DATABASE_URL` if set, otherwise a
    /// throwaway one; `durable` keeps fsync and synchronous commit on (for the benchmark).
    public static func start(durable: Bool) async throws -> PostgresTestServer {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            var configuration = try PostgresConnectionURL(url).clientConfiguration()
            configuration.options.maximumConnections = 4
            return PostgresTestServer(superuserConfiguration: configuration, temporaryFolder: nil)
        }
        let launched = try ThrowawayPostgres.launch(durable: durable)
        var configuration = PostgresClient.Configuration(
            unixSocketPath: launched.socketPath, username: "postgres", password: nil, database: "postgres")
        configuration.options.maximumConnections = 4
        return PostgresTestServer(
            superuserConfiguration: configuration, temporaryFolder: launched.folder,
            socket: ((launched.socketPath as NSString).deletingLastPathComponent, launched.port), launched: launched)
    }

    /// Creates a fresh database owned by a fresh non-superuser, non-BYPASSRLS login role (with a random
    /// password) and returns how to connect as that role.
    ///
    /// The role is `NOINHERIT` and a member of `systemRole` (created when missing), the NOLOGIN role that owns
    /// the store's SECURITY DEFINER functions: members may hand objects to it, but do not get its
    /// privileges or its row-level-security policies.
    public func makeDatabase(
        prefix: String, systemRole: String = "selfie_model_system"
    ) async throws
        -> TestDatabase
    {
        databaseCount += 1
        let suffix = "\(getpid())_\(databaseCount)_\(UInt32.random(in: 0...UInt32.max))"
        let name = "\(prefix)_\(suffix)"
        let owner = "owner_\(suffix)"
        let password = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
        try Self.requireSimpleName(name)
        try Self.requireSimpleName(systemRole)
        try await withRunningPostgresClient(superuserConfiguration) { client in
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE ROLE \(owner) LOGIN PASSWORD '\(password)' NOSUPERUSER NOBYPASSRLS NOINHERIT \
                        NOCREATEDB NOCREATEROLE
                        """
                ))
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        DO $$ BEGIN
                          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(systemRole)') THEN
                            CREATE ROLE \(systemRole) NOLOGIN NOSUPERUSER NOBYPASSRLS;
                          END IF;
                        EXCEPTION WHEN duplicate_object OR unique_violation THEN
                          NULL;  -- created meanwhile for another suite's database
                        END $$
                        """))
            try await client.query(PostgresQuery(unsafeSQL: "GRANT \(systemRole) TO \(owner)"))
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) OWNER \(owner)"))
        }
        var superuserHere = superuserConfiguration
        superuserHere.database = name
        // A NOINHERIT owner does not get the privileges of `pg_database_owner`, which owns `public` since
        // PostgreSQL 15; give it the schema directly.
        try await withRunningPostgresClient(superuserHere) { client in
            try await client.query(PostgresQuery(unsafeSQL: "ALTER SCHEMA public OWNER TO \(owner)"))
        }
        var ownerConfiguration = superuserConfiguration
        ownerConfiguration.username = owner
        ownerConfiguration.password = password
        ownerConfiguration.database = name
        var url: String?
        if let socket {
            // The password is hex and the names are simple, so nothing needs percent-encoding.
            url = "postgres://\(owner):\(password)@localhost:\(socket.port)/\(name)?host=\(socket.folder)"
        }
        return TestDatabase(
            name: name, ownerRole: owner, ownerPassword: password, ownerConfiguration: ownerConfiguration,
            superuserConfiguration: superuserHere, ownerConnectionURL: url)
    }

    private static func requireSimpleName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard allowed, !name.isEmpty, name.utf8.count <= 63 else {
            throw PostgresTestServerError("not a simple SQL name: \(name)")
        }
    }
}

/// A database made by ``PostgresTestServer/makeDatabase(prefix:systemRole:)``.
public struct TestDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// The non-superuser role that owns it.
    public let ownerRole: String
    /// The owner's password (random, for this database only), for building a connection URL.
    public let ownerPassword: String
    /// Connects to the database as its owner.
    public let ownerConfiguration: PostgresClient.Configuration
    /// Connects to the database as the superuser, for setup and for tests of refusal.
    public let superuserConfiguration: PostgresClient.Configuration
    /// A `DATABASE_URL` for the owner over the throwaway server's unix socket, for another process (a host
    /// started by a test or the fleet); `nil` when the server is `DATABASE_URL`'s own.
    public let ownerConnectionURL: String?
}

/// A failure to start or use the test server.
public struct PostgresTestServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
    /// Describes a failure.
    public init(_ description: String) { self.description = description }
}

/// Runs `body` with a running `PostgresClient` for `configuration`, and shuts the client down after (for
/// setup and checks in tests; the client runs only while `body` does).
@discardableResult
public func withRunningPostgresClient<Result: Sendable>(
    _ configuration: PostgresClient.Configuration,
    _ body: @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

private actor PostgresTestServerRegistry {
    static let shared = PostgresTestServerRegistry()
    private var starting: Task<PostgresTestServer, any Error>?

    func server() async throws -> PostgresTestServer {
        if let starting { return try await starting.value }
        let task = Task { try await PostgresTestServer.start(durable: false) }
        starting = task
        return try await task.value
    }
}
