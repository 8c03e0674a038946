import Foundation
import Hummingbird
import Logging
import StudioServer

// studio-server: the SSELFIE backend example. Environment:
//   STUDIO_HOST / STUDIO_PORT   where to listen (127.0.0.1:8080)
//   STUDIO_DATA                 the data folder (./.studio-server): images, and the SQLite databases when
//                               DATABASE_URL is unset
//   DATABASE_URL                set: records and accounts in PostgreSQL, postgres://role:password@host/db
//                               (TLS verified unless ?sslmode=disable; the role must not be a superuser)
//   REPLICATE_API_TOKEN         Replicate itself (required unless the simulator is chosen)
//   SELFIE_REPLICATE_BACKEND    simulator: the in-process Replicate simulator (development only)
//   PUBLIC_URL                  with Replicate: where its webhooks reach {PUBLIC_URL}/webhooks/replicate;
//                               unset, the reconciler's polling alone completes jobs
//   REPLICATE_WEBHOOK_SECRET, REPLICATE_OWNER, ...  as SelfieModelKit's Configuration reads them
var logger = Logger(label: "studio-server")
logger.logLevel = .info
let environment = ProcessInfo.processInfo.environment
let host = environment["STUDIO_HOST"] ?? "127.0.0.1"
let port = Int(environment["STUDIO_PORT"] ?? "") ?? 8080
let data = URL(fileURLWithPath: environment["STUDIO_DATA"] ?? ".studio-server", isDirectory: true)

do {
    let storage = try StudioBackend.Storage.fromEnvironment(environment, dataFolder: data, logger: logger)
    let backend = try await StudioBackend.make(environment: environment, storage: storage, logger: logger)
    logger.info(
        "studio-server starting",
        metadata: [
            "replicate": "\(backend.simulator == nil ? "Replicate" : "in-process simulator (renders, not AI output)")",
            "storage": "\(storage.summary)",
        ])
    let app = StudioApplication.make(
        backend: backend, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
        logger: logger)
    try await app.runService()
    await backend.close()
} catch {
    logger.critical("studio-server stopped: \(error)")
    exit(1)
}
