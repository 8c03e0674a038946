// Transitions per second for each store, against a raw single-row UPDATE baseline on the same database:
// the same SQLite file, and the same PostgreSQL server and table (see PostgresBenchmark.swift); then rate
// budget permits per second, PostgreSQL against in memory (see RateBudgetBenchmark.swift).
//
//     swift run -c release StoreBenchmark [tasks] [updates-per-task] [--budget-only]
//
// A "transition" is one compare-and-set progress refresh of a running training attempt through the store
// (read the row, decide, write the attempt and mirror onto the model record, in one transaction). The
// baseline is one plain `UPDATE … WHERE id = ?` transaction per update, at the same concurrency.

import Foundation
import GRDB
import SelfieModelKit
import SelfieModelKitPostgresTesting
import SelfieModelKitSQLite
import SelfieModelKitTesting

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let tasks = arguments.first ?? 32
let updatesPerTask = arguments.dropFirst().first ?? 200

/// Runs `body(task, index)` for every task and update, `tasks` at a time, and returns updates per second.
func measure(_ body: @escaping @Sendable (Int, Int) async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<tasks {
            group.addTask {
                for index in 0..<updatesPerTask { try await body(task, index) }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Double(tasks * updatesPerTask) / seconds
}

/// One running training attempt per task, so tasks don't contend on one row.
func runningAttempts(in store: any SelfieModelStore) async throws -> [TrainingAttemptID] {
    var attempts: [TrainingAttemptID] = []
    for task in 0..<tasks {
        let user = AuthenticatedUser.verifiedByHost(try UserID("bench\(task)"), via: "benchmark")
        let attempt = try await store.recordTrainingIntent(
            NewTrainingAttempt(
                modelID: .selfieModel(for: user.id, owner: .sandrasocial), photoCount: 10, archiveSHA256: "00"),
            for: user)
        _ = try await store.attachTrainingID(
            try TrainingID("bench\(task)t"), inputImagesURL: "https://x/a.zip", to: attempt.id, for: user)
        _ = try await store.systemUpdateTrainingAttempt(attempt.id, JobUpdate(from: .starting, to: .processing))
        attempts.append(attempt.id)
    }
    return attempts
}

func progress(_ index: Int) -> Double { Double(index + 1) / Double(updatesPerTask + 1) }

extension Optional {
    /// The wrapped value, or `fallback()`'s.
    func asyncOr(_ fallback: () async throws -> Wrapped) async throws -> Wrapped {
        if let value = self { return value }
        return try await fallback()
    }
}

func benchmarkStore(_ store: any SelfieModelStore, attempts: [TrainingAttemptID]? = nil) async throws -> Double {
    let attempts = try await attempts.asyncOr { try await runningAttempts(in: store) }
    return try await measure { task, index in
        let outcome = try await store.systemUpdateTrainingAttempt(
            attempts[task], JobUpdate(from: .processing, to: .processing, progress: progress(index)))
        precondition(outcome.didApply, "a progress refresh did not apply")
    }
}

/// Plain single-row UPDATE transactions on the same file, at the same concurrency.
func rawBaseline(path: String) async throws -> Double {
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    let pool = try DatabasePool(path: path, configuration: configuration)
    let ids = try await pool.read { db in
        try String.fetchAll(db, sql: "SELECT id FROM training_attempts ORDER BY user_id")
    }
    let rate = try await measure { task, index in
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE training_attempts SET progress = ? WHERE id = ?", arguments: [progress(index), ids[task]])
        }
    }
    try pool.close()
    return rate
}

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfie-store-benchmark-\(UUID())")
defer { try? FileManager.default.removeItem(at: folder) }
let budgetOnly = CommandLine.arguments.contains("--budget-only")

print("tasks: \(tasks), updates per task: \(updatesPerTask)")
if !budgetOnly {
    let memory = try await benchmarkStore(InMemorySelfieModelStore())
    print(String(format: "in-memory store:     %10.0f transitions/s", memory))

    let sqlite = try SQLiteSelfieModelStore(directory: folder)
    let sqliteRate = try await benchmarkStore(sqlite)
    try sqlite.close()

    let raw = try await rawBaseline(path: folder.appendingPathComponent(SQLiteSelfieModelStore.defaultFileName).path)
    print(String(format: "SQLite store:        %10.0f transitions/s", sqliteRate))
    print(String(format: "SQLite raw UPDATE:   %10.0f updates/s", raw))
    print(String(format: "SQLite store / raw:  %10.2f", sqliteRate / raw))
}

let server = try await PostgresTestServer.start(durable: true)
if !budgetOnly {
    PostgresBenchmark.report(try await PostgresBenchmark.run(on: server))
}
RateBudgetBenchmark.report(try await RateBudgetBenchmark.run(on: server))
