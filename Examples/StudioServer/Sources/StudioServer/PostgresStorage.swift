import Foundation
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres

/// The PostgreSQL side of ``StudioBackend/Storage/postgres(_:dataFolder:)``: one running client shared by the
/// host's account store and the library's store.
struct PostgresStorage: Sendable {
    let store: PostgresSelfieModelStore
    let accounts: PostgresAccountStore
    /// Stops the client (after the server and the reconciler have stopped using it).
    let close: @Sendable () async -> Void

    /// Runs a client, applies the host's migrations (its accounts table first: the library's tables
    /// reference it) and then the library's, and checks that the role may serve.
    static func open(
        _ configuration: PostgresClient.Configuration, now: @escaping @Sendable () -> Date, logger: Logger
    ) async throws -> PostgresStorage {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        do {
            let accounts = PostgresAccountStore(client: client, logger: logger)
            try await accounts.migrate()
            let store = PostgresSelfieModelStore(
                client: client,
                configuration: PostgresStoreConfiguration(
                    usersTable: PostgresAccountStore.usersTable, now: now, logger: logger))
            try await store.migrate()
            try await store.verifyConnectionRole()
            return PostgresStorage(
                store: store, accounts: accounts,
                close: {
                    running.cancel()
                    await running.value
                })
        } catch {
            running.cancel()
            await running.value
            throw error
        }
    }
}
