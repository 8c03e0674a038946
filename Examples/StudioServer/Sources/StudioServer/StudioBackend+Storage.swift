import Foundation
import Logging
import PostgresNIO
import SelfieModelKitPostgres

extension StudioBackend.Storage {
    /// The storage `studio-server` runs on: ``postgres(_:dataFolder:)`` when `DATABASE_URL` is set (parsed by
    /// `PostgresConnectionURL`: TLS verified unless the URL says `sslmode=disable`), otherwise
    /// ``dataFolder(_:)``. Images go under `dataFolder` either way.
    /// - Throws: `SelfieModelKitError` (`database-url.*`) for a URL that cannot be used; the message never
    ///   quotes the URL.
    public static func fromEnvironment(
        _ environment: [String: String], dataFolder: URL, logger: Logger
    ) throws -> StudioBackend.Storage {
        guard let databaseURL = environment["DATABASE_URL"], !databaseURL.isEmpty else {
            return .dataFolder(dataFolder)
        }
        let url = try PostgresConnectionURL(databaseURL)
        if case .tcp = url.endpoint, !url.verifiesServer() {
            logger.warning("DATABASE_URL says sslmode=disable: the connection to PostgreSQL is not encrypted")
        }
        return .postgres(try url.clientConfiguration(), dataFolder: dataFolder)
    }

    /// What the storage is, for the start-up log line (no password).
    public var summary: String {
        switch self {
        case .dataFolder(let folder): "SQLite and images in \(folder.path)"
        case .postgres(let configuration, let folder):
            "PostgreSQL (\(configuration.username)@\(configuration.host ?? configuration.unixSocketPath ?? "")"
                + "/\(configuration.database ?? configuration.username)), images in \(folder.path)"
        case .inMemory: "memory"
        }
    }
}
