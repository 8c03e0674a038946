import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

extension StudioHarness {
    /// Adds two selfies (so the archive, and the simulator's version, differ), retrains `user` and carries the
    /// training to its end.
    func retrain(_ user: AuthenticatedUser, seed: UInt64 = 99) async throws -> TrainingAttempt {
        try await addSyntheticSelfies(for: user, count: 2, seed: seed)
        _ = try await training.startTraining(for: user)
        return try await finishTraining(for: user)
    }

    /// Every stored generation of `user` as the audit reads it, oldest first.
    func recordedRequests(of user: AuthenticatedUser) async throws -> [RecordedPredictionRequest] {
        try await store.generations(for: user, limit: 1000).reversed().map {
            RecordedPredictionRequest(user: user.id, body: $0.requestBody, recordedAt: $0.createdAt)
        }
    }
}

@Suite("The version history, the audit across retrains, and retention at Replicate")
struct RetrainTests {
    @Test(
        "train, generate, retrain, generate, audit: compliant; a version never the user's is still flagged",
        arguments: StoreFactory.everyBackend)
    func auditAcrossRetrains(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("audit1")
        let first = try await studio.finish(
            try await studio.generation.generate(user: user, look: studio.firstLook), for: user)
        let retrained = try await studio.retrain(user)
        #expect(retrained.status == .succeeded)
        let second = try await studio.finish(
            try await studio.generation.generate(user: user, look: studio.firstLook), for: user)
        #expect(first.status == .succeeded && second.status == .succeeded)

        let history = try await studio.store.versionHistory(for: user)
        #expect(history.count == 2)
        #expect(
            history.map(\.version) == [try #require(history.first?.version), try #require(retrained.outputVersionID)])
        #expect(history[0].replacedAt == history[1].becameCurrentAt && history[1].replacedAt == nil)
        #expect(history[0].wasCurrent(at: first.createdAt) && history[1].wasCurrent(at: second.createdAt))

        let record = try #require(try await studio.store.userModel(for: user))
        let requests = try await studio.recordedRequests(of: user)
        let auditor = studio.context.auditor
        let report = auditor.audit(records: [record], requests: requests, versionHistories: [user.id: history])
        #expect(report.isCompliant, "\(report)")
        #expect(report.findings.allSatisfy { $0.code != .versionNotCurrent })

        // Without the history the first generation is the false alarm the issue describes.
        let withoutHistory = auditor.audit(records: [record], requests: requests)
        #expect(withoutHistory.violations.map(\.code) == [.versionNotRecorded])

        // A version that never belonged to the user is a violation, history or not.
        let foreign = try ModelVersionID(String(repeating: "e", count: 64))
        let forged = try JSONSerialization.data(
            withJSONObject: [
                "version": "\(record.replicateModelID):\(foreign)",
                "input": (try JSONSerialization.jsonObject(with: second.requestBody) as? [String: Any])?["input"]
                    ?? [String: Any](),
            ])
        let flagged = auditor.audit(
            records: [record],
            requests: requests + [RecordedPredictionRequest(user: user.id, body: forged, recordedAt: studio.now)],
            versionHistories: [user.id: history])
        #expect(flagged.violations.map(\.code) == [.versionNotRecorded])

        // The first version, used after the switch, is the user's own: an advisory, not a violation.
        let late = RecordedPredictionRequest(user: user.id, body: first.requestBody, recordedAt: studio.now)
        let raced = auditor.audit(records: [record], requests: [late], versionHistories: [user.id: history])
        #expect(raced.isCompliant && raced.findings.map(\.code).contains(.versionNotCurrent))
    }

    @Test(
        "a training's archive leaves Replicate once the training ends; the setting keeps it",
        arguments: [true, false])
    func archiveDeletedAfterTraining(_ deletes: Bool) async throws {
        var options = HarnessOptions()
        options.retention = RetentionPolicy(deletesTrainingArchives: deletes)
        let studio = try await StudioHarness.make(.inMemory, options)
        defer { Task { await studio.close() } }
        let user = try studio.user("arch1")
        try await studio.addSyntheticSelfies(for: user)
        _ = try await studio.training.startTraining(for: user)
        #expect(try await studio.footprint(of: user).replicateFiles.count == 1, "no archive was uploaded")
        #expect(try await studio.finishTraining(for: user).status == .succeeded)
        #expect(try await studio.footprint(of: user).replicateFiles.count == (deletes ? 0 : 1))

        // A canceled training's archive goes too.
        _ = try await studio.training.startTraining(for: user)
        _ = try await studio.training.cancelTraining(for: user)
        #expect(try await studio.footprint(of: user).replicateFiles.count == (deletes ? 0 : 2))
    }

    @Test("keeping one version deletes the older ones after a retrain; stored photos and the audit stay intact")
    func keepNewestVersionOnly() async throws {
        var options = HarnessOptions()
        options.retention = RetentionPolicy(keptVersions: 1)
        let studio = try await StudioHarness.make(.inMemory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("keep1")
        let first = try await studio.finish(
            try await studio.generation.generate(user: user, look: studio.firstLook), for: user)
        let photosBefore = try await studio.generation.photos(for: user)
        let retrained = try await studio.retrain(user)
        let model = try #require(try await studio.footprint(of: user).replicateModel)
        #expect(model.versionIDs == [try #require(retrained.outputVersionID?.rawValue)])
        #expect(try await studio.generation.photos(for: user) == photosBefore)
        #expect(try await studio.generation.generation(first.id, for: user).status == .succeeded)
        let second = try await studio.finish(
            try await studio.generation.generate(user: user, look: studio.firstLook), for: user)
        #expect(second.status == .succeeded)
        let record = try #require(try await studio.store.userModel(for: user))
        let report = studio.context.auditor.audit(
            records: [record], requests: try await studio.recordedRequests(of: user),
            versionHistories: [user.id: try await studio.store.versionHistory(for: user)])
        #expect(report.isCompliant, "\(report)")
    }
}
