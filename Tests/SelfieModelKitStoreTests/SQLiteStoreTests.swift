import Foundation
import GRDB
import SelfieModelKit
import SelfieModelKitSQLite
import SelfieModelKitTesting
import Testing

/// A fresh data folder under the system's temporary directory.
func makeDataFolder() -> URL {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("selfie-model-kit-tests", isDirectory: true)
        .appendingPathComponent(UUID().uuidString, isDirectory: true)
}

@Suite("SQLite store conformance")
final class SQLiteStoreConformanceTests {
    let root = makeDataFolder()
    let suite: StoreConformance

    init() {
        let root = root
        suite = StoreConformance {
            let folder = root.appendingPathComponent(UUID().uuidString, isDirectory: true)
            let clock = AdjustableClock()
            let store = try SQLiteSelfieModelStore(directory: folder, now: clock.nowSource)
            return StoreConformanceSubject(
                store: store, clock: clock,
                reopen: {
                    try store.close()
                    return try SQLiteSelfieModelStore(directory: folder, now: clock.nowSource)
                })
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    @Test("conforms", arguments: StoreConformance.Check.allCases)
    func conforms(_ check: StoreConformance.Check) async throws {
        try await suite.run(check)
    }
}

@Suite("SQLite store schema")
final class SQLiteStoreSchemaTests {
    let folder = makeDataFolder()

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func open() throws -> SQLiteSelfieModelStore { try SQLiteSelfieModelStore(directory: folder) }

    func raw() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        return try DatabaseQueue(
            path: folder.appendingPathComponent(SQLiteSelfieModelStore.defaultFileName).path,
            configuration: configuration)
    }

    /// Runs raw SQL on the file, outside the store (synchronous GRDB API).
    func execute(_ sql: String) throws {
        try raw().write { db in try db.execute(sql: sql) }
    }

    /// Reads raw values from the file, outside the store (synchronous GRDB API).
    func fetch<T>(_ body: (Database) throws -> T) throws -> T {
        try raw().read(body)
    }

    func user(_ id: String) throws -> AuthenticatedUser {
        AuthenticatedUser.verifiedByHost(try UserID(id), via: "test")
    }

    @Test("the file lives in the data folder, in WAL mode, migrated once even when opened twice")
    func openTwice() async throws {
        let first = try open()
        try first.close()
        let second = try open()
        #expect(
            try await second.appliedMigrations() == ["v1-selfie-model-store", "v2-claim-turns", "v3-user-erasures"])
        #expect(FileManager.default.fileExists(atPath: second.databaseURL.path))
        #expect(second.databaseURL.deletingLastPathComponent() == folder)
        try second.close()
        let mode = try fetch { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test("the schema has the spec's tables and user_models columns")
    func tables() async throws {
        try open().close()
        let (tables, columns) = try fetch { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
                try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('user_models')")
            )
        }
        for table in ["users", "user_models", "training_attempts", "generations", "photos", "webhook_receipts"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        for column in ["user_id", "replicate_model_id", "replicate_version_id", "trigger_word", "training_status"] {
            #expect(columns.contains(column), "missing column \(column)")
        }
    }

    @Test("the database refuses a completed model without a version and unknown statuses")
    func checks() async throws {
        let store = try open()
        let alice = try user("alice1")
        _ = try await store.recordTrainingIntent(
            NewTrainingAttempt(
                modelID: .selfieModel(for: alice.id, owner: .sandrasocial), photoCount: 10, archiveSHA256: "00"),
            for: alice)
        try store.close()
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE user_models SET training_status = 'completed' WHERE user_id = 'alice1'")
        }
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE user_models SET training_status = 'trained' WHERE user_id = 'alice1'")
        }
        #expect(throws: DatabaseError.self) {
            try execute(
                "UPDATE user_models SET replicate_model_id = 'sandrasocial/bob2-selfie-lora' WHERE user_id = 'alice1'")
        }
        // A second active training for the same user violates the partial unique index.
        #expect(throws: DatabaseError.self) {
            try execute(
                """
                INSERT INTO training_attempts (id, user_id, status, photo_count, archive_sha256, created_at, updated_at)
                VALUES ('x', 'alice1', 'processing', 10, '00', 0, 0)
                """)
        }
        try execute("UPDATE user_models SET training_status = 'failed' WHERE user_id = 'alice1'")
    }

    @Test("rows need their user, and deleting a user deletes every row of theirs")
    func foreignKeys() async throws {
        let store = try open()
        let alice = try user("alice1")
        _ = try await store.recordTrainingIntent(
            NewTrainingAttempt(
                modelID: .selfieModel(for: alice.id, owner: .sandrasocial), photoCount: 10, archiveSHA256: "00"),
            for: alice)
        let generation = try await store.recordGenerationIntent(
            NewGeneration(source: .maya, prompt: "p", seed: 1, requestBody: Data()), monthlyLimit: nil, for: alice)
        try await store.addPhoto(
            PhotoRecord(
                id: PhotoID(), userID: alice.id, kind: .generated, generationID: generation.id, outputIndex: 0,
                sha256: "00", byteCount: 1, width: 1, height: 1, contentType: "image/png", createdAt: Date()),
            for: alice)
        try store.close()
        #expect(throws: DatabaseError.self) {
            try execute(
                """
                INSERT INTO generations (id, user_id, source, prompt, seed, request_body, status, created_at, updated_at)
                VALUES ('y', 'nobody1', 'maya', 'p', 1, x'', 'recorded', 0, 0)
                """)
        }
        let tables = ["user_models", "training_attempts", "generations", "photos"]
        let before = try fetch { db in try tables.map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") } }
        #expect(before == [1, 1, 1, 1])
        try execute("DELETE FROM users WHERE id = 'alice1'")
        let counts = try fetch { db in try tables.map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") } }
        #expect(counts == [0, 0, 0, 0])
    }
}

@Suite("SQLite store shared by several instances")
struct SQLiteSharedFileTests {
    @Test("two stores on one file never both apply a transition or claim the same job")
    func twoInstances() async throws {
        let folder = makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try SQLiteSelfieModelStore(directory: folder)
        let second = try SQLiteSelfieModelStore(directory: folder)
        let alice = AuthenticatedUser.verifiedByHost(try UserID("alice1"), via: "test")
        var ids: [GenerationID] = []
        for _ in 0..<20 {
            let record = try await first.recordGenerationIntent(
                NewGeneration(source: .maya, prompt: "p", seed: 1, requestBody: Data()), monthlyLimit: nil, for: alice)
            ids.append(record.id)
        }
        let target = ids[0]
        let applied = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    try await store.updateGeneration(target, JobUpdate(from: .recorded, to: .canceled), for: alice)
                        .didApply
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(applied == 1)

        let claims = try await withThrowingTaskGroup(of: [GenerationID].self) { group in
            for index in 0..<10 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    try await store.systemClaimInFlightGenerations(
                        lease: Lease(holder: "worker-\(index)", duration: .seconds(60)), limit: 3
                    ).map(\.id)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let claimed = claims.flatMap { $0 }
        #expect(claimed.count == 19)
        #expect(Set(claimed) == Set(ids.dropFirst()))
        try first.close()
        try second.close()
    }
}
