import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting

/// A migrated database of its own on the shared test server, with the store connected as the database's
/// owner (a non-superuser, non-BYPASSRLS role).
struct PostgresFixture: Sendable {
    let database: TestDatabase
    let client: PostgresClient
    let store: PostgresSelfieModelStore

    /// Makes a fresh database, migrates it as its owner, and runs `body` with a store over the owner's
    /// connection. Clients are shut down afterwards, also when `body` throws.
    static func with<Result: Sendable>(
        _ prefix: String, migrate: Bool = true,
        _ body: @Sendable (PostgresFixture) async throws -> Result
    ) async throws -> Result {
        let database = try await PostgresTestServer.shared().makeDatabase(prefix: prefix)
        return try await withRunningPostgresClient(database.ownerConfiguration) { client in
            let store = PostgresSelfieModelStore(client: client)
            if migrate { try await store.migrate() }
            return try await body(PostgresFixture(database: database, client: client, store: store))
        }
    }

    /// Runs `body` over a superuser connection to the same database (setup and inspection only).
    func asSuperuser<Result: Sendable>(
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws
        -> Result
    {
        try await withRunningPostgresClient(database.superuserConfiguration, body)
    }
}

/// Test values.
enum Sample {
    static func user(_ id: String) -> AuthenticatedUser {
        .verifiedByHost(try! UserID(id), via: "test")
    }

    static let owner = ReplicateOwner.sandrasocial
    static let version = try! ModelVersionID(String(repeating: "ab", count: 32))
    static let otherVersion = try! ModelVersionID(String(repeating: "cd", count: 32))

    static func trainingIntent(
        for user: AuthenticatedUser, id: TrainingAttemptID = TrainingAttemptID()
    )
        -> NewTrainingAttempt
    {
        NewTrainingAttempt(
            id: id, modelID: .selfieModel(for: user.id, owner: owner), photoCount: 12,
            archiveSHA256: String(repeating: "0", count: 64))
    }

    static func generationIntent(id: GenerationID = GenerationID(), prompt: String = "portrait") -> NewGeneration {
        NewGeneration(id: id, source: .maya, prompt: prompt, seed: 42, requestBody: Data("{}".utf8))
    }

    static func trainingID(_ n: Int) -> TrainingID { try! TrainingID("training\(n)") }
    static func predictionID(_ n: Int) -> PredictionID { try! PredictionID("prediction\(n)") }

    static func photo(for user: AuthenticatedUser, kind: PhotoKind = .selfie, index: Int? = nil) -> PhotoRecord {
        PhotoRecord(
            id: PhotoID(), userID: user.id, kind: kind, outputIndex: index, sha256: String(repeating: "1", count: 64),
            byteCount: 1000, width: 1024, height: 1024, contentType: "image/png",
            createdAt: Date(timeIntervalSince1970: 1_800_000_000.123456))
    }
}

extension PostgresClient {
    /// Runs `sql` and returns its first column as strings (test inspection only).
    func strings(_ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await self.query(query).decode(String.self) { values.append(value) }
        return values
    }
}

extension PostgresClient {
    /// ``strings(_:)``, with the server's message in the thrown error (PSQLError hides it by default).
    func stringsExplained(_ query: PostgresQuery) async throws -> [String] {
        do {
            return try await strings(query)
        } catch {
            throw PostgresTestServerError(String(reflecting: error))
        }
    }
}
