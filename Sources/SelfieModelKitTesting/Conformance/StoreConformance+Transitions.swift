import Foundation
import SelfieModelKit

extension StoreConformance {
    /// Every move that `JobStatus/canMove(to:)` allows is applied, for generations and training
    /// attempts; success goes through the completion calls, and the generic update path refuses it.
    public func checkLegalTransitions() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        for from in JobStatus.allCases where !from.isTerminal {
            for to in JobStatus.allCases where from.canMove(to: to) {
                let record = try await generation(in: from, for: user, store: store)
                let outcome: TransitionOutcome<GenerationRecord>
                if to == .succeeded {
                    try await expectError(
                        .transitionConflict, rule: "store.transition.illegal",
                        "updateGeneration \(from) → succeeded must go through systemCompleteGeneration"
                    ) { try await store.updateGeneration(record.id, JobUpdate(from: from, to: to), for: user) }
                    outcome = try await store.systemCompleteGeneration(record.id, expected: from, photos: [])
                } else {
                    outcome = try await store.updateGeneration(record.id, JobUpdate(from: from, to: to), for: user)
                }
                try expect(outcome.didApply, "generation \(from) → \(to) was not reported as applied")
                try expect(outcome.record.status == to, "generation \(from) → \(to) left \(outcome.record.status)")
                let read = try await store.generation(record.id, for: user)
                try expect(read?.status == to, "generation \(from) → \(to) reads back as \(String(describing: read))")
                try expect(
                    !to.isTerminal || read?.completedAt != nil, "terminal generation \(to) has no completedAt")

                let (owner, attempt) = try await trainingAttempt(in: from, subject: subject)
                let moved: TransitionOutcome<TrainingAttempt>
                if to == .succeeded {
                    moved = try await store.systemCompleteTraining(
                        attempt.id, expected: from, version: makeVersion(), versionSchemaJSON: nil)
                } else {
                    moved = try await store.updateTrainingAttempt(attempt.id, JobUpdate(from: from, to: to), for: owner)
                }
                try expect(moved.didApply, "training attempt \(from) → \(to) was not reported as applied")
                let attempts = try await store.trainingAttempts(for: owner)
                try expect(
                    attempts.first?.status == to, "training attempt \(from) → \(to) reads back as \(attempts)")
            }
        }
    }

    /// Every move that `JobStatus/canMove(to:)` forbids is refused with `.transitionConflict`
    /// (rule `store.transition.illegal`) and leaves the job as it was.
    public func checkIllegalTransitions() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        for from in JobStatus.allCases {
            let record = try await generation(in: from, for: user, store: store)
            for to in JobStatus.allCases where to != from && !from.canMove(to: to) {
                try await expectError(
                    .transitionConflict, rule: "store.transition.illegal", "generation \(from) → \(to)"
                ) { try await store.updateGeneration(record.id, JobUpdate(from: from, to: to), for: user) }
                try await expectError(
                    .transitionConflict, rule: "store.transition.illegal", "system generation \(from) → \(to)"
                ) { try await store.systemUpdateGeneration(record.id, JobUpdate(from: from, to: to)) }
                let read = try await store.generation(record.id, for: user)
                try expect(read == record, "refused generation \(from) → \(to) changed the record")
            }
            if from == .failed || from == .canceled {
                try await expectError(.transitionConflict, "completing a \(from) generation") {
                    try await store.systemCompleteGeneration(record.id, expected: from, photos: [])
                }
            }
        }
        for from in JobStatus.allCases {
            let (owner, attempt) = try await trainingAttempt(in: from, subject: subject)
            let model = try await store.userModel(for: owner)
            for to in JobStatus.allCases where to != from && !from.canMove(to: to) {
                try await expectError(
                    .transitionConflict, rule: "store.transition.illegal", "training attempt \(from) → \(to)"
                ) { try await store.updateTrainingAttempt(attempt.id, JobUpdate(from: from, to: to), for: owner) }
            }
            let after = try await store.trainingAttempts(for: owner)
            try expect(after == [attempt], "refused training transitions from \(from) changed the attempt")
            let modelAfter = try await store.userModel(for: owner)
            try expect(modelAfter == model, "refused training transitions from \(from) changed the model record")
        }
    }

    /// A transition that names the wrong expected state throws `.transitionConflict`
    /// (rule `store.transition.unexpected-state`) and changes nothing.
    public func checkCompareAndSet() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let starting = try await generation(in: .starting, for: user, store: store)
        let wrongExpectations: [JobUpdate] = [
            JobUpdate(from: .recorded, to: .canceled),
            JobUpdate(from: .processing, to: .failed),
            JobUpdate(from: .recorded, to: .processing),
        ]
        for update in wrongExpectations {
            try await expectError(
                .transitionConflict, rule: "store.transition.unexpected-state",
                "generation in starting, update \(update.expected) → \(update.next)"
            ) { try await store.updateGeneration(starting.id, update, for: user) }
            try await expectError(
                .transitionConflict, rule: "store.transition.unexpected-state",
                "system update of a generation in starting, \(update.expected) → \(update.next)"
            ) { try await store.systemUpdateGeneration(starting.id, update) }
        }
        try await expectError(
            .transitionConflict, rule: "store.transition.unexpected-state", "completing a starting generation"
        ) { try await store.systemCompleteGeneration(starting.id, expected: .processing, photos: []) }
        let read = try await store.generation(starting.id, for: user)
        try expect(read == starting, "conflicting updates changed the generation: \(String(describing: read))")

        let (owner, attempt) = try await trainingAttempt(in: .recorded, subject: subject)
        try await expectError(
            .transitionConflict, rule: "store.transition.unexpected-state", "training recorded, expected processing"
        ) { try await store.updateTrainingAttempt(attempt.id, JobUpdate(from: .processing, to: .canceled), for: owner) }
        try await expectError(
            .transitionConflict, rule: "store.transition.unexpected-state", "completing a recorded training"
        ) {
            try await store.systemCompleteTraining(
                attempt.id, expected: .processing, version: makeVersion(), versionSchemaJSON: nil)
        }
        let model = try unwrap(try await store.userModel(for: owner), "no model record after a training intent")
        try expect(model.trainingStatus == .pending, "model left pending after refused moves: \(model)")
        try expect(model.replicateVersionID == nil, "a refused completion set a version: \(model)")

        let canceled = try await store.updateGeneration(
            try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user).id,
            JobUpdate(from: .recorded, to: .canceled), for: user)
        try await expectError(
            .transitionConflict, rule: "store.transition.unexpected-state", "attaching a prediction to a canceled job"
        ) { try await store.attachPredictionID(makePredictionID(), to: canceled.record.id, for: user) }
    }

    /// Applying the same event twice reports `.alreadyApplied` and changes nothing; Replicate ids and
    /// intents are idempotent too.
    public func checkIdempotentReapplication() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)

        let recorded = try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user)
        let prediction = try makePredictionID()
        let attached = try await store.attachPredictionID(prediction, to: recorded.id, for: user)
        try expect(attached.didApply && attached.record.status == .starting, "attach did not apply: \(attached)")
        let reattached = try await store.attachPredictionID(prediction, to: recorded.id, for: user)
        try expect(!reattached.didApply, "attaching the same prediction id twice applied twice")
        try await expectError(.transitionConflict, "attaching a different prediction id") {
            try await store.attachPredictionID(makePredictionID(), to: recorded.id, for: user)
        }

        let toProcessing = JobUpdate(from: .starting, to: .processing)
        let first = try await store.systemUpdateGeneration(recorded.id, toProcessing)
        let afterFirst = try await store.generation(recorded.id, for: user)
        let second = try await store.systemUpdateGeneration(recorded.id, toProcessing)
        try expect(first.didApply && !second.didApply, "starting → processing twice: \(first), then \(second)")
        let afterSecond = try await store.generation(recorded.id, for: user)
        try expect(afterFirst == afterSecond, "re-applying starting → processing changed the record")

        let photo = makePhoto(for: user, kind: .generated, generation: recorded.id, index: 0, at: photoDate(subject))
        let done = try await store.systemCompleteGeneration(recorded.id, expected: .processing, photos: [photo])
        let doneAgain = try await store.systemCompleteGeneration(recorded.id, expected: .processing, photos: [photo])
        try expect(done.didApply && !doneAgain.didApply, "completing twice: \(done), then \(doneAgain)")
        let generated = try await store.photos(of: .generated, for: user)
        try expect(generated.map(\.id) == [photo.id], "completing twice stored photos \(generated.map(\.id))")
        let failLate = try await store.systemUpdateGeneration(recorded.id, JobUpdate(from: .succeeded, to: .succeeded))
        try expect(!failLate.didApply, "a same-status refresh of a succeeded generation applied")

        let repeated = try await store.recordGenerationIntent(
            NewGeneration(id: recorded.id, source: .maya, prompt: "other", seed: 1, requestBody: Data()),
            monthlyLimit: nil, for: user)
        try expect(repeated.id == recorded.id && repeated.status == .succeeded, "re-recording an intent: \(repeated)")
        let count = try await store.monthlyGenerationCount(for: user, inMonthOf: recorded.createdAt)
        try expect(count == 1, "re-recording an intent counted it twice (count \(count))")

        let (owner, attempt) = try await trainingAttempt(in: .processing, subject: subject)
        let progress = JobUpdate(from: .processing, to: .processing, progress: 0.5)
        let refreshed = try await store.systemUpdateTrainingAttempt(attempt.id, progress)
        let refreshedAgain = try await store.systemUpdateTrainingAttempt(attempt.id, progress)
        try expect(refreshed.didApply, "new progress 0.5 was not applied")
        try expect(!refreshedAgain.didApply, "the same progress twice applied twice")
        try expect(refreshed.record.progress == 0.5, "progress reads \(String(describing: refreshed.record.progress))")
        let mirrored = try await store.userModel(for: owner)
        try expect(
            mirrored?.trainingProgress == 0.5, "progress not mirrored onto the model: \(String(describing: mirrored))")

        let version = try makeVersion()
        let completed = try await store.systemCompleteTraining(
            attempt.id, expected: .processing, version: version, versionSchemaJSON: "{}")
        let completedAgain = try await store.systemCompleteTraining(
            attempt.id, expected: .processing, version: version, versionSchemaJSON: "{}")
        try expect(completed.didApply && !completedAgain.didApply, "completing a training twice applied twice")
        try await expectError(.transitionConflict, "completing a succeeded training with another version") {
            try await store.systemCompleteTraining(
                attempt.id, expected: .processing, version: makeVersion(), versionSchemaJSON: nil)
        }
        let model = try await store.userModel(for: owner)
        try expect(
            model?.replicateVersionID == version, "a second completion moved the version: \(String(describing: model))")

        let again = try await store.recordTrainingIntent(
            NewTrainingAttempt(
                id: attempt.id, modelID: .selfieModel(for: owner.id, owner: self.owner), photoCount: 1,
                archiveSHA256: "00"),
            for: owner)
        try expect(again.id == attempt.id && again.status == .succeeded, "re-recording a training intent: \(again)")
        let attempts = try await store.trainingAttempts(for: owner)
        try expect(attempts.count == 1, "re-recording a training intent added an attempt: \(attempts.count)")
    }
}
