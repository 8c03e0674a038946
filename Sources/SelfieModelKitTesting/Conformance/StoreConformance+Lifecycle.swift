import Foundation
import SelfieModelKit

extension StoreConformance {
    /// A first training completes the record with its version; a retraining keeps the old version
    /// serving (status `completed`) until it completes, then switches in one step; a failed retraining
    /// keeps the old version. Readers never see `completed` without a version.
    public func checkTrainingCompletionSwitchesVersion() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let (user, first) = try await trainingAttempt(in: .processing, subject: subject)
        let training = try await store.userModel(for: user)
        try expect(training?.trainingStatus == .training, "first training's model is \(String(describing: training))")

        let versionOne = try makeVersion()
        let readers = Task {
            var seen: [UserModelRecord?] = []
            for _ in 0..<50 { seen.append(try await store.userModel(for: user)) }
            return seen
        }
        let completed = try await store.systemCompleteTraining(
            first.id, expected: .processing, version: versionOne, versionSchemaJSON: #"{"v":1}"#)
        for record in try await readers.value {
            let isCompleted = record?.trainingStatus == .completed
            try expect(isCompleted == (record?.replicateVersionID != nil), "a reader saw \(String(describing: record))")
        }
        try expect(
            completed.record.status == .succeeded && completed.record.outputVersionID == versionOne,
            "the completed attempt reads \(completed.record)")
        let modelOne = try unwrap(try await store.userModel(for: user), "the model record vanished")
        try expect(
            modelOne.trainingStatus == .completed && modelOne.replicateVersionID == versionOne
                && modelOne.versionSchemaJSON == #"{"v":1}"# && modelOne.completedAt != nil,
            "after the first completion the model reads \(modelOne)")

        let retrain = try await store.recordTrainingIntent(trainingIntent(for: user), for: user)
        try await expectServing(versionOne, store: store, user: user, "after the retraining intent")
        _ = try await store.attachTrainingID(
            makeTrainingID(), inputImagesURL: "https://x/b.zip", to: retrain.id, for: user)
        try await expectServing(versionOne, store: store, user: user, "after the retraining started")
        _ = try await store.systemUpdateTrainingAttempt(
            retrain.id, JobUpdate(from: .starting, to: .processing, progress: 0.4))
        try await expectServing(versionOne, store: store, user: user, "while the retraining runs")

        let versionTwo = try makeVersion()
        let readersTwo = Task {
            var seen: [UserModelRecord?] = []
            for _ in 0..<50 { seen.append(try await store.userModel(for: user)) }
            return seen
        }
        _ = try await store.systemCompleteTraining(
            retrain.id, expected: .processing, version: versionTwo, versionSchemaJSON: #"{"v":2}"#)
        for record in try await readersTwo.value {
            try expect(
                record?.trainingStatus == .completed
                    && (record?.replicateVersionID == versionOne || record?.replicateVersionID == versionTwo),
                "a reader saw \(String(describing: record)) during the switch")
        }
        let modelTwo = try unwrap(try await store.userModel(for: user), "the model record vanished")
        try expect(
            modelTwo.replicateVersionID == versionTwo && modelTwo.versionSchemaJSON == #"{"v":2}"#
                && modelTwo.trainingStatus == .completed,
            "after the retraining the model reads \(modelTwo)")

        let failing = try await store.recordTrainingIntent(trainingIntent(for: user), for: user)
        _ = try await store.systemUpdateTrainingAttempt(
            failing.id,
            JobUpdate(from: .recorded, to: .failed, failure: JobFailure(providerError: "x", userMessage: "y")))
        try await expectServing(versionTwo, store: store, user: user, "after a failed retraining")

        let (loser, firstFailing) = try await trainingAttempt(in: .processing, subject: subject)
        _ = try await store.systemUpdateTrainingAttempt(
            firstFailing.id,
            JobUpdate(from: .processing, to: .failed, failure: JobFailure(providerError: "x", userMessage: "y")))
        let failedModel = try await store.userModel(for: loser)
        try expect(
            failedModel?.trainingStatus == .failed && failedModel?.replicateVersionID == nil,
            "a failed first training left \(String(describing: failedModel))")
    }

    private func expectServing(
        _ version: ModelVersionID, store: any SelfieModelStore, user: AuthenticatedUser, _ when: String,
        line: Int = #line
    ) async throws {
        let model = try await store.userModel(for: user)
        try expect(
            model?.trainingStatus == .completed && model?.replicateVersionID == version,
            "\(when) the model reads \(String(describing: model)); the old version must keep serving",
            check: "checkTrainingCompletionSwitchesVersion()", line: line)
    }

    /// A webhook id is new once; a replay (even 100 concurrent ones) reports it was seen.
    public func checkWebhookReceipts() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let id = "msg_\(UUID().uuidString)"
        let now = Date()
        try expect(try await store.systemRecordWebhookReceipt(id, receivedAt: now), "a new webhook id was not new")
        try expect(!(try await store.systemRecordWebhookReceipt(id, receivedAt: now)), "a replayed webhook id was new")
        let racing = "msg_\(UUID().uuidString)"
        let results = await concurrently(100) { _ in try await store.systemRecordWebhookReceipt(racing, receivedAt: now)
        }
        let newCount = try results.map { try $0.get() }.filter { $0 }.count
        try expect(newCount == 1, "\(newCount) of 100 concurrent deliveries of one webhook were new")
        try expect(
            try await store.systemRecordWebhookReceipt("msg_\(UUID().uuidString)", receivedAt: now),
            "an unrelated webhook id was not new")
    }

    /// The monthly count is exact under 200 concurrent intents, leaves out failed and canceled
    /// generations and other users', and (with a clock) respects UTC month boundaries.
    public func checkMonthlyCount() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let other = try await makeUser(subject)
        if let clock = subject.clock {
            clock.set(Date(timeIntervalSince1970: 1_785_542_399))  // 2026-07-31 23:59:59 UTC
        }
        let results = await concurrently(200) { _ in
            try await store.recordGenerationIntent(self.generationIntent(), monthlyLimit: nil, for: user)
        }
        let records = try results.map { try $0.get() }
        _ = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: other)
        let month = records[0].createdAt
        var count = try await store.monthlyGenerationCount(for: user, inMonthOf: month)
        try expect(count == 200, "200 concurrent intents counted \(count)")
        for record in records.prefix(10) {
            _ = try await store.updateGeneration(record.id, JobUpdate(from: .recorded, to: .failed), for: user)
        }
        for record in records.dropFirst(10).prefix(5) {
            _ = try await store.updateGeneration(record.id, JobUpdate(from: .recorded, to: .canceled), for: user)
        }
        count = try await store.monthlyGenerationCount(for: user, inMonthOf: month)
        try expect(count == 185, "after 10 failed and 5 canceled the count is \(count), not 185")

        guard let clock = subject.clock else { return }
        clock.advance(by: .seconds(1))  // 2026-08-01 00:00:00 UTC
        let august = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user)
        let julyCount = try await store.monthlyGenerationCount(for: user, inMonthOf: month)
        let augustCount = try await store.monthlyGenerationCount(for: user, inMonthOf: august.createdAt)
        try expect(julyCount == 185, "a generation at 00:00:00 UTC on the 1st counted in the previous month")
        try expect(augustCount == 1, "the new month counts \(augustCount), not 1")
        let september = Date(timeIntervalSince1970: 1_788_220_800)  // 2026-09-01 00:00:00 UTC
        let septemberCount = try await store.monthlyGenerationCount(for: user, inMonthOf: september)
        try expect(septemberCount == 0, "an empty month counts \(septemberCount)")
    }

    /// `recordGenerationIntent(monthlyLimit:)` checks and inserts atomically: 100 concurrent intents
    /// against a limit of 10 make exactly 10 generations; a failed one frees its slot.
    public func checkAtomicQuota() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let limit = 10
        let results = await concurrently(100) { _ in
            try await store.recordGenerationIntent(self.generationIntent(), monthlyLimit: limit, for: user)
        }
        var made: [GenerationRecord] = []
        for result in results {
            switch result {
            case .success(let record): made.append(record)
            case .failure(let error as SelfieModelKitError) where error.code == .quotaExceeded: continue
            case .failure(let error): throw error
            }
        }
        try expect(made.count == limit, "100 concurrent intents with a limit of \(limit) made \(made.count)")
        let count = try await store.monthlyGenerationCount(for: user, inMonthOf: made[0].createdAt)
        try expect(count == limit, "the count after the race is \(count)")
        try await expectError(.quotaExceeded, "an intent over the limit") {
            try await store.recordGenerationIntent(generationIntent(), monthlyLimit: limit, for: user)
        }
        _ = try await store.updateGeneration(made[0].id, JobUpdate(from: .recorded, to: .failed), for: user)
        _ = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: limit, for: user)
        try await expectError(.quotaExceeded, "an intent over the limit after the freed slot was used") {
            try await store.recordGenerationIntent(generationIntent(), monthlyLimit: limit, for: user)
        }
        let other = try await makeUser(subject)
        _ = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: limit, for: other)
        guard let clock = subject.clock else { return }
        clock.advance(by: .seconds(32 * 24 * 3600))
        _ = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: limit, for: user)
    }
}
