import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

/// A test failure of the harness itself (a job that never finished, say).
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension StudioHarness {
    /// A user the host has authenticated.
    func user(_ id: String) throws -> AuthenticatedUser {
        AuthenticatedUser.verifiedByHost(try UserID(id), via: "integration test")
    }

    /// Lets `seconds` of simulated time pass (jobs move, webhooks are delivered), then runs one reconciler
    /// pass when `reconcile` is set.
    func advance(by seconds: TimeInterval, reconcile: Bool = false) async throws {
        await simulator.advance(by: seconds)
        if reconcile { try await reconciler.reconcileOnce() }
    }

    /// Uploads `count` synthetic selfies for `user`.
    @discardableResult
    func addSyntheticSelfies(
        for user: AuthenticatedUser, count: Int = 12, seed: UInt64 = 7
    ) async throws
        -> SelfieIntakeResult
    {
        let selfies = SelfieCache.shared.selfies(count: count, seed: seed)
        return try await training.addSelfies(
            selfies.map { SelfieUpload(data: $0.png, fileName: $0.filename) }, for: user)
    }

    /// Moves time on until `user`'s newest training attempt is terminal, and returns it.
    func finishTraining(for user: AuthenticatedUser, reconcile: Bool = false) async throws -> TrainingAttempt {
        for _ in 0..<240 {
            if let attempt = try await training.status(for: user).latestAttempt, attempt.status.isTerminal {
                return attempt
            }
            try await advance(by: 30, reconcile: reconcile)
        }
        throw HarnessFailure("the training of \(user.id) did not finish within two simulated hours")
    }

    /// Selfies in, training started and carried to its end; returns the user's completed record.
    @discardableResult
    func trainedUser(_ id: String, seed: UInt64 = 7, reconcile: Bool = false) async throws -> AuthenticatedUser {
        let user = try user(id)
        try await addSyntheticSelfies(for: user, seed: seed)
        _ = try await training.startTraining(for: user)
        let attempt = try await finishTraining(for: user, reconcile: reconcile)
        guard attempt.status == .succeeded else {
            throw HarnessFailure("training of \(id) ended \(attempt.status): \(attempt.failure?.providerError ?? "-")")
        }
        return user
    }

    /// Moves time on until `generation` is terminal, and returns it.
    func finish(
        _ generation: GenerationRecord, for user: AuthenticatedUser, reconcile: Bool = false
    ) async throws
        -> GenerationRecord
    {
        for _ in 0..<120 {
            let current = try await self.generation.generation(generation.id, for: user)
            if current.status.isTerminal { return current }
            try await advance(by: 5, reconcile: reconcile)
        }
        throw HarnessFailure("generation \(generation.id) did not finish within ten simulated minutes")
    }

    /// The first look of the Photoshoot catalog.
    var firstLook: PhotoshootLookID { generation.catalog.looks[0].id }

    /// Every request the simulator received that matches `method` and `path` (without the `/v1` prefix).
    func requests(_ method: String, _ path: String) async -> [RecordedRequest] {
        await simulator.recordedRequests().filter { $0.method == method && $0.path == "/v1" + path }
    }

    /// Every `POST /predictions` the simulator received.
    func predictionCreates() async -> [RecordedRequest] { await requests("POST", "/predictions") }

    /// Every training create the simulator received.
    func trainingCreates() async -> [RecordedRequest] {
        await simulator.recordedRequests().filter { $0.method == "POST" && $0.path.hasSuffix("/trainings") }
    }
}

/// Synthetic selfies are rendered once per (count, seed) for the whole test run.
final class SelfieCache: @unchecked Sendable {
    // `@unchecked` because the one mutable field is only touched under `lock`.
    static let shared = SelfieCache()
    private let lock = NSLock()
    private var rendered: [String: [SyntheticSelfies.Selfie]] = [:]

    func selfies(count: Int, seed: UInt64) -> [SyntheticSelfies.Selfie] {
        let key = "\(count)/\(seed)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = rendered[key] { return cached }
        let made = SyntheticSelfies.make(count: count, seed: seed)
        rendered[key] = made
        return made
    }
}
