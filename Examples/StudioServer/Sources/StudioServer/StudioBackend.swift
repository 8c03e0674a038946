import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitReplicate
import SelfieModelKitSQLite
import SelfieModelKitServices
import SelfieModelKitTesting

/// The library, wired once per process: the three services, the webhook entry point and the reconciler,
/// over the store and the Replicate transport that the configuration chooses.
///
/// Records default to SQLite in the data folder; ``Storage/postgres(_:dataFolder:)`` keeps records and accounts
/// in PostgreSQL instead. Replicate is Replicate itself with `REPLICATE_API_TOKEN` (or `REPLICATE_API_BASE_URL`,
/// such as a `selfie-sim`), or the in-process simulator when `SELFIE_REPLICATE_BACKEND=simulator` chooses it;
/// with neither, `make` fails and says both ways forward.
public struct StudioBackend: Sendable {
    /// The validated configuration (read once).
    public let configuration: Configuration
    /// The in-process simulator, when `SELFIE_REPLICATE_BACKEND=simulator` chose it.
    public let simulator: ReplicateSimulator?
    /// The library's services, webhook entry point and reconciler (the reconciler runs beside the server;
    /// `webhooks` is `nil` when `PUBLIC_URL` is unset, and the route then answers 404).
    public let services: StudioServices
    /// Accounts and password hashes (the host's own table; the library keeps no passwords).
    public let accounts: any AccountStore
    /// The bcrypt cost for new password hashes.
    public let bcryptCost: UInt8
    /// Closes the stores.
    public let close: @Sendable () async -> Void

    /// Where the backend keeps its data.
    public enum Storage: Sendable {
        /// SQLite files (model records and accounts) and image files under this folder.
        case dataFolder(URL)
        /// PostgreSQL, as a real SSELFIE backend runs: the library's records in ``PostgresSelfieModelStore``
        /// and the host's accounts in its own `studio_accounts` table (``PostgresAccountStore``), both migrated
        /// at start; image files under `dataFolder/images`. The role must be a non-superuser, non-BYPASSRLS
        /// owner (the store refuses others and prints the SQL to create one).
        case postgres(PostgresClient.Configuration, dataFolder: URL)
        /// Everything in memory, for tests.
        case inMemory
    }

    /// The simulator's owner token, used when `SELFIE_REPLICATE_BACKEND=simulator` chooses the simulator.
    static let simulatorToken = "r8_studio_server_simulator"

    /// Builds the backend.
    /// - Parameters:
    ///   - environment: the variables `Configuration` reads (`REPLICATE_API_TOKEN`, `PUBLIC_URL`, ...).
    ///   - storage: where records, accounts and images live.
    ///   - simulatorClock: the simulator's clock: `.system()` for a running server, `.virtual()` for tests.
    ///   - simulatorTimeScale: multiplies simulated job durations (0.01 turns a 20-minute training into 12 s).
    ///   - bcryptCost: 12 in production; tests use the minimum, 4.
    ///   - reconcileInterval: the pause between reconciler passes.
    public static func make(
        environment: [String: String], storage: Storage, simulatorClock: SimulatorClock = .system(),
        simulatorTimeScale: Double = 0.01, bcryptCost: UInt8 = 12, reconcileInterval: Duration = .seconds(15),
        logger: Logger
    ) async throws -> StudioBackend {
        var effective = environment
        // The simulator serves only when chosen (SELFIE_REPLICATE_BACKEND=simulator); without a token and
        // that choice, Configuration fails and says both ways forward.
        let usesSimulator =
            environment["SELFIE_REPLICATE_BACKEND"]?.trimmingCharacters(in: .whitespaces).lowercased() == "simulator"
        if usesSimulator {
            effective["REPLICATE_API_TOKEN"] = simulatorToken
            // The simulator delivers webhooks in process; a public URL makes the services ask for them.
            effective["PUBLIC_URL"] = effective["PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        }
        let configuration = try Configuration(environment: effective)

        var simulator: ReplicateSimulator?
        let transport: any HTTPTransport
        if usesSimulator {
            try configuration.checkSimulatorAllowed()
            let sim = ReplicateSimulator(
                configuration: ReplicateSimulator.Configuration(
                    accounts: [
                        SimulatorAccount(owner: configuration.replicateOwner.rawValue, token: simulatorToken)
                    ],
                    timeScale: simulatorTimeScale, seed: UInt64.random(in: 1...UInt64.max)),
                clock: simulatorClock)
            simulator = sim
            transport = sim
        } else {
            transport = URLSessionTransport()
        }
        let now: @Sendable () -> Date
        if let clock = simulator?.clock {
            now = { clock.now }
        } else {
            now = { Date() }
        }

        let store: any SelfieModelStore
        let images: any ImageStore
        let accounts: any AccountStore
        let close: @Sendable () async -> Void
        switch storage {
        case .dataFolder(let folder):
            let sqlite = try SQLiteSelfieModelStore(directory: folder, now: now)
            let accountDatabase = try SQLiteAccountStore(directory: folder)
            store = sqlite
            accounts = accountDatabase
            images = try FileSystemImageStore(root: folder.appendingPathComponent("images"))
            close = {
                try? sqlite.close()
                try? accountDatabase.close()
            }
        case .postgres(let clientConfiguration, let folder):
            images = try FileSystemImageStore(root: folder.appendingPathComponent("images"))
            let postgres = try await PostgresStorage.open(clientConfiguration, now: now, logger: logger)
            store = postgres.store
            accounts = postgres.accounts
            close = postgres.close
        case .inMemory:
            store = InMemorySelfieModelStore(now: now)
            accounts = InMemoryAccountStore()
            images = InMemoryImageStore()
            close = {}
        }

        let services: StudioServices
        do {
            services = try await StudioServices.make(
                configuration: configuration, store: store, images: images, replicateTransport: transport,
                reconciler: StudioServices.ReconcilerSettings(interval: reconcileInterval), logger: logger, now: now)
        } catch {
            await close()
            throw error
        }
        if let simulator, let webhooks = services.webhooks {
            await simulator.setWebhookReceiver { delivery in
                await webhooks.handle(headers: delivery.headerFields, rawBody: delivery.body).httpStatus
            }
        }
        return StudioBackend(
            configuration: configuration, simulator: simulator, services: services, accounts: accounts,
            bcryptCost: bcryptCost, close: close)
    }
}
