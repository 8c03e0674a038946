import Hummingbird
import Logging
import SelfieModelKitTesting
import ServiceLifecycle
import Testing

@testable import StudioServer

@Suite("Studio server lifecycle")
struct ShutdownTests {
    @Test(
        "server, reconciler and simulator all stop on graceful shutdown (SIGTERM)", .timeLimit(.minutes(1)))
    func gracefulShutdown() async throws {
        let quiet = Logger(label: "studio-server-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        // The reconciler would sleep an hour between passes: only a shutdown-aware loop lets the group finish.
        let backend = try await StudioBackend.make(
            environment: ["SELFIE_REPLICATE_BACKEND": "simulator"], storage: .inMemory, simulatorClock: .system(),
            bcryptCost: 4,
            reconcileInterval: .seconds(3600), logger: quiet)
        let application = StudioApplication.make(
            backend: backend, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [application], logger: quiet))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(500))  // let every service start its loop
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()  // throws, or never returns, if a service ignores the shutdown
        }
    }
}
