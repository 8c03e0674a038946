import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import SelfieModelKitServices
import SelfieModelKitTesting
import ServiceLifecycle

/// Builds the SSELFIE backend: the router with sessions and authentication, and, beside the HTTP server in
/// the application's `ServiceGroup`, the library's ``Reconciler`` (plus the simulator's clock when it runs
/// on wall time).
public enum StudioApplication {
    /// The router alone (what tests drive in process).
    public static func router(backend: StudioBackend, sessions: any PersistDriver) -> Router<StudioRequestContext> {
        let routes = StudioRoutes(
            backend: backend, accountService: AccountService(accounts: backend.accounts, bcryptCost: backend.bcryptCost)
        )
        let router = Router(context: StudioRequestContext.self)
        router.addMiddleware {
            APIErrorMiddleware<StudioRequestContext>()
            SessionMiddleware(storage: sessions, configuration: SessionMiddlewareConfiguration())
            SessionUserAuthenticator(accounts: backend.accounts)
        }
        routes.addPublicRoutes(to: router)
        routes.addUserRoutes(to: router.group().add(middleware: RequireAuthenticatedUser()))
        return router
    }

    /// The whole application: server, sessions and reconciler, in one `ServiceGroup`.
    public static func make(
        backend: StudioBackend, configuration: ApplicationConfiguration, logger: Logger
    ) -> some ApplicationProtocol {
        let sessions = MemoryPersistDriver()
        var services: [any Service] = [sessions, backend.services.reconciler]
        if let simulator = backend.simulator, !simulator.clock.isVirtual {
            services.append(SimulatorService(simulator: simulator))
        }
        return Application(
            router: router(backend: backend, sessions: sessions), configuration: configuration, services: services,
            logger: logger)
    }
}
