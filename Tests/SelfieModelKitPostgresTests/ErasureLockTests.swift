import Foundation
import Logging
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgresTesting
import Testing

@testable import SelfieModelKitPostgres

/// The per-user advisory lock that orders an erasure's beginning against the user's intents, checked
/// deterministically: a raw transaction holds the lock as the other side would, and the store's call must
/// wait for it.
@Suite("PostgreSQL: an erasure's beginning and the user's intents wait for each other")
struct ErasureLockTests {
    static let logger = Logger(label: "erasure-lock-tests") { _ in SwiftLogNoOpLogHandler() }

    @Test("an intent waits for an erasure being begun, then is refused")
    func intentWaitsForErasure() async throws {
        try await PostgresFixture.with("erasure_lock_intent") { fixture in
            let user = Sample.user("lock1")
            let lockClass = PostgresSelfieModelStore.erasureLockClass
            let intent = try await fixture.client.withTransaction(logger: Self.logger) { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(lockClass), hashtext(\(user.id.rawValue)))", logger: Self.logger)
                let intent = Task {
                    try await fixture.store.recordGenerationIntent(
                        Sample.generationIntent(), monthlyLimit: nil, for: user)
                }
                try await Task.sleep(for: .milliseconds(400))
                // The erasure's tombstone, committed with this transaction: an intent that did not wait for
                // the lock has been recorded by now, and the erasure's next read would miss it.
                try await connection.query(
                    "SELECT set_config('app.user_id', \(user.id.rawValue), true)", logger: Self.logger)
                try await connection.query(
                    "INSERT INTO user_erasures (user_id, reason, started_at) VALUES (\(user.id.rawValue), 'test', now())",
                    logger: Self.logger)
                return intent
            }
            let error = await #expect(throws: SelfieModelKitError.self) { _ = try await intent.value }
            #expect(error?.code == .userErased)
            #expect(try await fixture.store.generations(for: user, limit: 10).isEmpty)
        }
    }

    @Test("an erasure's beginning waits for an intent in flight")
    func erasureWaitsForIntent() async throws {
        try await PostgresFixture.with("erasure_lock_begin") { fixture in
            let user = Sample.user("lock2")
            let lockClass = PostgresSelfieModelStore.erasureLockClass
            let begin = try await fixture.client.withTransaction(logger: Self.logger) { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock_shared(\(lockClass), hashtext(\(user.id.rawValue)))",
                    logger: Self.logger)
                let begin = Task { try await fixture.store.beginUserErasure(for: user, reason: "self-service") }
                try await Task.sleep(for: .milliseconds(400))
                #expect(
                    try await fixture.store.userErasure(for: user) == nil,
                    "the erasure began while an intent held the lock")
                return begin
            }
            let erasure = try await begin.value
            #expect(try await fixture.store.userErasure(for: user) == erasure)
        }
    }
}
