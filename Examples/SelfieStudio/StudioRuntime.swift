import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitSQLite
import SelfieModelKitServices
import SelfieModelKitTesting

/// Everything one run of `selfie-studio` uses, built from the environment and the command's options.
///
/// Defaults are embedded: the SQLite store in the data folder and the in-process Replicate simulator.
/// `REPLICATE_API_TOKEN` switches to Replicate (or `REPLICATE_API_BASE_URL`, such as a `selfie-sim`),
/// `DATABASE_URL` to PostgreSQL.
struct StudioRuntime: Sendable {
    let configuration: Configuration
    let simulator: ReplicateSimulator?
    let recorder: RecordingTransport
    /// The library, wired once.
    let services: StudioServices
    let storeDescription: String
    let replicateDescription: String
    /// How long each step of the in-process simulator's clock is shown for, in milliseconds:
    /// `SELFIE_STUDIO_SIMULATOR_PACE_MS`, 40 by default (a simulated training then takes about 3 seconds).
    let simulatorPaceMilliseconds: Int
    /// Writes the in-process simulator's world to the data folder now (it is otherwise written at shutdown).
    let saveSimulatorState: @Sendable () async -> Void
    let shutdown: @Sendable () async -> Void

    static let simulatorOwner = "sandrasocial"
    static let simulatorToken = "r8_selfie_studio_demo_token"

    static func make(dataDirectory: URL, logger: Logger) async throws -> StudioRuntime {
        let environment = ProcessInfo.processInfo.environment
        var effective = environment
        let usesSimulator = (environment["REPLICATE_API_TOKEN"] ?? "").isEmpty
        if usesSimulator {
            effective["REPLICATE_API_TOKEN"] = simulatorToken
            effective["SELFIE_REPLICATE_BACKEND"] = "simulator"
            effective["PUBLIC_URL"] = effective["PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        }
        let configuration = try Configuration(environment: effective)
        let pace = try simulatorPace(environment["SELFIE_STUDIO_SIMULATOR_PACE_MS"])
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)

        var simulator: ReplicateSimulator?
        var simulatorLock: SimulatorStateLock?
        let base: any HTTPTransport
        let replicateDescription: String
        if usesSimulator {
            try configuration.checkSimulatorAllowed()
            // A fresh seed per run: ids must never repeat against a data folder kept from an earlier run,
            // even if that run ended before it could save the simulator's state.
            let sim = ReplicateSimulator(
                configuration: ReplicateSimulator.Configuration(
                    accounts: [SimulatorAccount(owner: configuration.replicateOwner.rawValue, token: simulatorToken)],
                    seed: UInt64.random(in: 1...UInt64.max)),
                clock: .virtual(start: Date()))
            // The simulator lives in this process only; its world (models trained by an earlier command,
            // their versions, predictions and outputs) comes back from the data folder, held by one
            // command at a time.
            let lock = try SimulatorStateLock(in: dataDirectory)
            do {
                try await restoreSimulator(sim, from: simulatorStateFile(in: dataDirectory))
            } catch {
                lock.release()
                throw error
            }
            simulatorLock = lock
            simulator = sim
            base = sim
            replicateDescription =
                "in-process Replicate simulator (virtual clock; photos are simulator renders, not AI output)"
        } else {
            base = URLSessionTransport()
            replicateDescription = "Replicate at \(configuration.replicateAPIBaseURL.absoluteString)"
        }
        let recorder = RecordingTransport(wrapping: base)
        let (store, storeDescription, closeStore) = try await makeStore(
            configuration: configuration, dataDirectory: dataDirectory, logger: logger)
        let images = try FileSystemImageStore(root: dataDirectory.appendingPathComponent("images"))
        let now: @Sendable () -> Date
        if let clock = simulator?.clock {
            now = { clock.now }
        } else {
            now = { Date() }
        }
        let services = try await StudioServices.make(
            configuration: configuration, store: store, images: images, replicateTransport: recorder,
            reconciler: StudioServices.ReconcilerSettings(orphanGracePeriod: 120), logger: logger, now: now)
        if let simulator, let webhooks = services.webhooks {
            await simulator.setWebhookReceiver { delivery in
                await webhooks.handle(headers: delivery.headerFields, rawBody: delivery.body).httpStatus
            }
        }
        return StudioRuntime(
            configuration: configuration, simulator: simulator, recorder: recorder, services: services,
            storeDescription: storeDescription, replicateDescription: replicateDescription,
            simulatorPaceMilliseconds: pace,
            saveSimulatorState: { [simulator] in
                if let simulator {
                    await saveSimulator(simulator, to: simulatorStateFile(in: dataDirectory))
                }
            },
            shutdown: { [simulator, simulatorLock] in
                if let simulator {
                    await saveSimulator(simulator, to: simulatorStateFile(in: dataDirectory))
                }
                simulatorLock?.release()
                await closeStore()
            })
    }

    /// Reads `SELFIE_STUDIO_SIMULATOR_PACE_MS`: whole milliseconds from 0 to 10 000.
    static func simulatorPace(_ value: String?) throws -> Int {
        guard let value, !value.isEmpty else { return 40 }
        guard let milliseconds = Int(value), (0...10_000).contains(milliseconds) else {
            throw SelfieModelKitError(
                .configuration, rule: "selfie-studio.simulator-pace",
                userMessage:
                    "SELFIE_STUDIO_SIMULATOR_PACE_MS must be whole milliseconds from 0 to 10000, not \"\(value)\".")
        }
        return milliseconds
    }

    /// Moves the job forward: on the simulator, advances its virtual clock (paced, so a progress bar can be
    /// watched); then runs one reconciler pass. Throws `CancellationError` once the command is interrupted.
    func tick(seconds: TimeInterval) async throws {
        try Task.checkCancellation()
        if let simulator {
            await simulator.advance(by: seconds)
            try await Task.sleep(for: .milliseconds(simulatorPaceMilliseconds))
        } else {
            try await Task.sleep(for: .seconds(min(seconds, 5)))
        }
        try await services.reconciler.reconcileOnce()
    }
}
