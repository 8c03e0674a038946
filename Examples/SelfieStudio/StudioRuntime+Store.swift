import Foundation
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitSQLite
import SelfieModelKitServices

extension StudioRuntime {
    /// The store: PostgreSQL when `DATABASE_URL` is set, otherwise SQLite in the data folder.
    static func makeStore(
        configuration: Configuration, dataDirectory: URL, logger: Logger
    ) async throws
        -> (any SelfieModelStore, String, @Sendable () async -> Void)
    {
        if let databaseURL = configuration.databaseURL {
            return try await makePostgresStore(databaseURL, logger: logger)
        }
        let store = try SQLiteSelfieModelStore(directory: dataDirectory)
        return (store, "SQLite at \(dataDirectory.path)", { try? store.close() })
    }
}

extension StudioRuntime {
    /// The PostgreSQL store for `DATABASE_URL`: runs the client, applies migrations, then serves. The URL is
    /// parsed by `PostgresConnectionURL` (TLS verified unless it says `sslmode=disable`; ADR 0405). The role in
    /// the URL must not be a superuser or BYPASSRLS (the store refuses it and says how to make a proper role).
    static func makePostgresStore(
        _ url: DatabaseURL, logger: Logger
    ) async throws
        -> (any SelfieModelStore, String, @Sendable () async -> Void)
    {
        let configuration = try PostgresConnectionURL(url.revealForConnection()).clientConfiguration()
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        let store = PostgresSelfieModelStore(client: client, configuration: PostgresStoreConfiguration(logger: logger))
        do {
            try await store.migrate()
            try await store.verifyConnectionRole()
        } catch {
            running.cancel()
            throw error
        }
        return (store, "PostgreSQL at \(url)", { running.cancel() })
    }
}
