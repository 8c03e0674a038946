import Foundation
import Logging
import SelfieModelKit
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
    static func makePostgresStore(
        _ url: DatabaseURL, logger: Logger
    ) async throws
        -> (any SelfieModelStore, String, @Sendable () async -> Void)
    {
        throw SelfieModelKitError(
            .configuration, rule: "selfie-studio.postgres",
            userMessage: "This build of selfie-studio cannot use DATABASE_URL yet; unset it to use the SQLite store.")
    }
}
