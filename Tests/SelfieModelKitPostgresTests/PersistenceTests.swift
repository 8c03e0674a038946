import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import Testing

@Suite("PostgreSQL persistence")
struct PersistenceTests {
    @Test("what one client wrote, a new client reads after the first one shut down")
    func newClientReadsBack() async throws {
        let database = try await PostgresTestServer.shared().makeDatabase(prefix: "persistence")
        let user = Sample.user("p1")
        let written = try await withRunningPostgresClient(database.ownerConfiguration) { client in
            let store = PostgresSelfieModelStore(client: client)
            try await store.migrate()
            let attempt = try await store.recordTrainingIntent(Sample.trainingIntent(for: user), for: user)
            _ = try await store.attachTrainingID(
                Sample.trainingID(7), inputImagesURL: "https://x/a.zip", to: attempt.id, for: user)
            _ = try await store.systemCompleteTraining(
                attempt.id, expected: .starting, version: Sample.version, versionSchemaJSON: #"{"a": 1}"#)
            let generation = try await store.recordGenerationIntent(
                Sample.generationIntent(), monthlyLimit: 5, for: user)
            return (try await store.userModel(for: user), try await store.trainingAttempts(for: user), generation)
        }
        try await withRunningPostgresClient(database.ownerConfiguration) { client in
            let store = PostgresSelfieModelStore(client: client)
            #expect(try await store.migrate() == [], "the schema is already there")
            let model = try await store.userModel(for: user)
            #expect(model == written.0)
            #expect(model?.trainingStatus == .completed && model?.replicateVersionID == Sample.version)
            #expect(model?.versionSchemaJSON == #"{"a": 1}"#, "the schema JSON is kept verbatim")
            #expect(try await store.trainingAttempts(for: user) == written.1)
            #expect(try await store.generation(written.2.id, for: user) == written.2)
            #expect(try await store.systemTrainingAttempt(trainingID: Sample.trainingID(7))?.id == written.1.first?.id)
        }
    }
}
