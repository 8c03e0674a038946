import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// A crash simulated by the erasure's step hook.
struct SimulatedCrash: Error {}

/// Everything of one user: the store's rows through the per-user API, the image store's keys, and what the
/// simulator holds of their model and archives.
struct UserFootprint: Equatable, CustomStringConvertible {
    var model: UserModelRecord?
    var attempts: [TrainingAttempt]
    var generations: [GenerationRecord]
    var photos: [PhotoRecord]
    var imageKeys: [ImageKey]
    var replicateModel: SimulatorInventory.Model?
    var replicateFiles: [SimulatorInventory.File]

    var isEmpty: Bool {
        model == nil && attempts.isEmpty && generations.isEmpty && photos.isEmpty && imageKeys.isEmpty
            && replicateModel == nil && replicateFiles.isEmpty
    }

    var description: String {
        "model \(model.map { "\($0.trainingStatus)" } ?? "-"), \(attempts.count) attempts, \(generations.count) "
            + "generations, \(photos.count) photos, \(imageKeys.count) images, Replicate model "
            + "\(replicateModel.map { "\($0.name) (\($0.versionIDs.count) versions)" } ?? "-"), "
            + "\(replicateFiles.count) files"
    }
}

extension StudioHarness {
    func footprint(of user: AuthenticatedUser) async throws -> UserFootprint {
        let inventory = await simulator.inventory(of: Self.owner.rawValue)
        let modelName = ReplicateModelID.selfieModel(for: user.id, owner: Self.owner).description
        return UserFootprint(
            model: try await store.userModel(for: user), attempts: try await store.trainingAttempts(for: user),
            generations: try await store.generations(for: user, limit: 1000),
            photos: try await store.photos(of: .selfie, for: user) + store.photos(of: .generated, for: user),
            imageKeys: await images.keys(of: user.id),
            replicateModel: inventory.models.first { $0.name == modelName },
            replicateFiles: inventory.files.filter { $0.name == ModelTrainingService.archiveFileName(for: user.id) })
    }

    /// A trained user with a stored generation.
    func userWithPhotos(_ id: String, seed: UInt64) async throws -> AuthenticatedUser {
        let user = try await trainedUser(id, seed: seed)
        _ = try await finish(try await generation.generate(user: user, look: firstLook), for: user)
        return user
    }

    /// Starts a retraining (its archive stays at Replicate while it runs) and a generation, and leaves both in
    /// flight. Call it after every user of the test is trained: training another user moves time on.
    func startJobs(for user: AuthenticatedUser) async throws {
        _ = try await training.startTraining(for: user)
        _ = try await generation.generate(user: user, look: firstLook)
    }

    /// Lets two simulated hours pass with reconciler passes, so every late webhook and poll arrives.
    func letEverythingArrive() async throws {
        for _ in 0..<24 { try await advance(by: 300, reconcile: true) }
    }
}

@Suite("Erasing a user everywhere")
struct ErasureTests {
    @Test(
        "nothing of the user remains in the store, the image store or at Replicate; another user is untouched",
        arguments: StoreFactory.everyBackend)
    func erasesEverything(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let userA = try await studio.userWithPhotos("erase1", seed: 7)
        let userB = try await studio.userWithPhotos("keep2", seed: 8)
        try await studio.startJobs(for: userA)
        try await studio.startJobs(for: userB)
        let before = try await studio.footprint(of: userA)
        #expect(
            before.replicateModel != nil && before.replicateFiles.count == 1 && !before.imageKeys.isEmpty, "\(before)")
        let beforeB = try await studio.footprint(of: userB)

        let report = try await studio.erasure.eraseUser(userA)
        #expect(report.completedAt != nil && !report.wasAlreadyComplete)
        #expect(report.reason == UserErasureService.selfServiceReason)
        #expect(report.canceledTrainings.count == 1 && report.canceledPredictions.count == 1, "\(report)")
        #expect(report.deletedVersions.count == before.replicateModel?.versionIDs.count)
        #expect(report.deletedModel)
        #expect(report.deletedFiles == before.replicateFiles.map(\.id))
        #expect(report.deletedImages == before.imageKeys.count)
        #expect(report.deletedRows.photos == before.photos.count)
        #expect(report.deletedRows.generations == 2 && report.deletedRows.trainingAttempts == 2)
        let after = try await studio.footprint(of: userA)
        #expect(after.isEmpty, "left: \(after)")
        #expect(try await studio.footprint(of: userB) == beforeB)

        // Late webhooks and reconciler passes for A's canceled jobs create and store nothing.
        try await studio.letEverythingArrive()
        let late = try await studio.footprint(of: userA)
        #expect(late.isEmpty, "recreated: \(late)")
        // Nothing can start for A any more, and nothing of theirs is stored on the way; B goes on.
        let refused = await #expect(throws: SelfieModelKitError.self) {
            try await studio.addSyntheticSelfies(for: userA)
        }
        #expect(refused?.code == .userErased)
        #expect(await studio.images.keys(of: userA.id).isEmpty, "a refused selfie's bytes stayed")
        await #expect(throws: SelfieModelKitError.self) {
            _ = try await studio.generation.generate(user: userA, look: studio.firstLook)
        }
        let again = try await studio.erasure.eraseUser(userA)
        #expect(again.wasAlreadyComplete)
        #expect(try await studio.finishTraining(for: userB).status == .succeeded)
    }

    /// A crash at every step, resumed by calling again (even steps) or by the reconciler (odd steps).
    static let crashes = UserErasureStep.allCases.enumerated().flatMap { index, step in
        StoreFactory.everyBackend.map { (step, index % 2 == 0, $0) }
    }

    @Test(
        "a crash after any step leaves a user who cannot start anything, and resuming finishes the erasure",
        arguments: crashes)
    func crashAndResume(_ step: UserErasureStep, _ byCallingAgain: Bool, _ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let userB = try await studio.trainedUser("keep2", seed: 8)
        let userA = try await studio.userWithPhotos("crash1", seed: 7)
        try await studio.startJobs(for: userA)
        let beforeB = try await studio.footprint(of: userB)
        let crashing = UserErasureService(context: studio.context) { reached, _ in
            if reached == step { throw SimulatedCrash() }
        }
        await #expect(throws: SimulatedCrash.self) { _ = try await crashing.eraseUser(userA) }

        // Half-erased never looks alive: nothing new starts for A.
        // New selfies (not duplicates of the stored ones, so the intake reaches the store) are refused.
        let refused = await #expect(throws: SelfieModelKitError.self) {
            try await studio.addSyntheticSelfies(for: userA, count: 2, seed: 99)
        }
        #expect(refused?.code == .userErased)
        let generating = await #expect(throws: SelfieModelKitError.self) {
            _ = try await studio.generation.generate(user: userA, look: studio.firstLook)
        }
        #expect(generating?.code == (step == .deleteRows ? .modelNotTrained : .userErased))
        let erasure = try #require(try await studio.erasure.erasure(of: userA))
        #expect((erasure.completedAt != nil) == (step == .deleteRows))

        if byCallingAgain {
            let report = try await studio.erasure.eraseUser(userA)
            #expect(report.completedAt != nil)
            #expect(report.wasAlreadyComplete == (step == .deleteRows))
        } else {
            let pass = try await studio.reconciler.reconcileOnce()
            #expect(pass.erasures == (step == .deleteRows ? 0 : 1))
        }
        #expect(try await studio.erasure.erasure(of: userA)?.completedAt != nil)
        try await studio.letEverythingArrive()
        let after = try await studio.footprint(of: userA)
        #expect(after.isEmpty, "left after a crash at \(step): \(after)")
        #expect(try await studio.footprint(of: userB) == beforeB)
    }

    @Test("concurrent erasures and generations: each erasure takes its own user only", arguments: StoreFactory.all)
    func concurrentErasures(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let erased = [
            try await studio.userWithPhotos("gone1", seed: 7), try await studio.userWithPhotos("gone2", seed: 9),
        ]
        let kept = try await studio.trainedUser("kept3", seed: 8)
        for user in erased { try await studio.startJobs(for: user) }
        let keptBefore = try await studio.footprint(of: kept)
        let started = try await withThrowingTaskGroup(of: GenerationRecord?.self) { group in
            for user in erased {
                group.addTask {
                    _ = try await studio.erasure.eraseUser(user)
                    return nil
                }
            }
            for _ in 0..<3 {
                group.addTask { try await studio.generation.generate(user: kept, look: studio.firstLook) }
            }
            var started: [GenerationRecord] = []
            for try await generation in group { if let generation { started.append(generation) } }
            return started
        }
        for user in erased {
            let left = try await studio.footprint(of: user)
            #expect(left.isEmpty, "left of \(user.id): \(left)")
        }
        for generation in started {
            #expect(try await studio.finish(generation, for: kept).status == .succeeded)
        }
        let keptAfter = try await studio.footprint(of: kept)
        #expect(keptAfter.model == keptBefore.model && keptAfter.attempts == keptBefore.attempts)
        #expect(keptAfter.replicateModel == keptBefore.replicateModel)
        #expect(keptAfter.generations.count == 3 && keptAfter.photos.count == keptBefore.photos.count + 9)
    }

    @Test("an operator erasure states why; a blank reason is refused")
    func operatorErasure() async throws {
        let studio = try await StudioHarness.make(.inMemory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("op1", seed: 7)
        await #expect(throws: SelfieModelKitError.self) {
            _ = try await studio.erasure.eraseUser(user.id, operatorReason: "  ")
        }
        #expect(try await studio.erasure.erasure(of: user) == nil)
        let report = try await studio.erasure.eraseUser(user.id, operatorReason: "support ticket 118")
        #expect(report.reason == "operator: support ticket 118")
        #expect(try await studio.footprint(of: user).isEmpty)
    }
}

@Suite("An erasure racing the user's own training start")
struct ErasureStartRaceTests {
    @Test(
        "a start recorded before the erasure and resumed after it leaves no model of the user at Replicate",
        .timeLimit(.minutes(2)), arguments: StoreFactory.everyBackend)
    func erasureDuringStart(_ factory: StoreFactory) async throws {
        let owner = StudioHarness.owner
        let holding = LockedValue<HoldingTransport?>(nil)
        let firstModelRead = LockedValue(true)
        var options = HarnessOptions()
        options.wrapTransport = { base in
            // Holds the start's first `GET /v1/models/{owner}/{name}` only (ensureModelExists), so the
            // erasure runs between the start's recorded intent and its model call.
            let transport = HoldingTransport(wrapping: base) { request in
                let path = request.path ?? ""
                guard request.method == .get, path.hasPrefix("/v1/models/\(owner.rawValue)/"),
                    path.split(separator: "/").count == 4
                else { return false }
                return firstModelRead.withLock { first in
                    defer { first = false }
                    return first
                }
            }
            holding.set(transport)
            return transport
        }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let transport = try #require(holding.current)
        let user = try studio.user("race1")
        try await studio.addSyntheticSelfies(for: user)

        await transport.close()
        let started = Task { try await studio.training.startTraining(for: user) }
        #expect(try await transport.waitUntilHolding(1) == 1)
        _ = try await studio.erasure.eraseUser(user)
        await transport.open()
        _ = await started.result
        try await studio.letEverythingArrive()

        let footprint = try await studio.footprint(of: user)
        #expect(footprint.replicateModel == nil, "left at Replicate: \(footprint)")
        #expect(footprint.isEmpty, "\(footprint)")
    }
}
