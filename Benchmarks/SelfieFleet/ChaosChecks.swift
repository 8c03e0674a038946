import Crypto
import Foundation
import SelfieModelKit
import SelfieModelKitPostgres

/// The verdict of the chaos run's checks.
struct ChaosVerdict: Sendable {
    var failures: [String] = []
    var nonTerminal = 0
    var lost = 0
    var duplicated = 0
    var wronglyCharged = 0
    var crossed = 0
    var photoMismatches = 0
    var strayFiles = 0
    var trainingsSucceeded = 0
    var trainingsFailed = 0
    var generationsSucceeded = 0
    var generationsFailed = 0
    /// Seconds from each job's record to its end, by kind.
    var timeToEnd: [String: [Double]] = [:]
    /// Seconds from a job's end at Replicate to its end in the store, by kind.
    var timeToLearn: [String: [Double]] = [:]
}

/// Checks, after a chaos run, that nothing was lost, duplicated, charged wrongly or crossed.
///
/// The charging rule (the same in every store: `SelfieModelStore.monthlyGenerationCount`): a generation is
/// charged to the monthly quota from its record on, and stops being charged when it ends failed or
/// canceled, whoever's fault it was (Replicate's, NSFW, or ours); a succeeded generation stays charged. So
/// after the run, each user's count is exactly their succeeded generations.
struct ChaosChecker: Sendable {
    let store: PostgresSelfieModelStore
    let owner: ReplicateOwner
    let imagesRoot: URL

    /// The longest the store may take to learn that a job ended at Replicate, every webhook lost: two
    /// claims in a row held by killed hosts (a start or reconciler lease, 30 s each), the webhook delays
    /// (3 intervals) and reconciler passes, and a minute of rate-budget waits (429 storms with
    /// `Retry-After`).
    let endBound: Double

    func check(_ outcomes: [ChaosOutcome], ledger: SimulatorLedger) async throws -> ChaosVerdict {
        var verdict = ChaosVerdict()
        let simPredictions = Dictionary(grouping: ledger.predictions, by: \.id)
        let simTrainings = Dictionary(grouping: ledger.trainings, by: \.id)
        let simTrainingsByTrigger = Dictionary(grouping: ledger.trainings) { $0.triggerWord ?? "" }
        var attachedPredictions: Set<String> = []
        var attachedTrainings: Set<String> = []
        var knownFiles: Set<String> = []
        let users = outcomes.filter { !$0.base.user.isEmpty }
        func fail(_ text: String) { verdict.failures.append(text) }
        func learn(_ kind: String, _ label: String, _ seconds: Double) {
            verdict.timeToLearn[kind, default: []].append(seconds)
            if seconds > endBound {
                fail("\(label) ended at Replicate \(Int(seconds)) s before the store knew (bound \(Int(endBound)) s)")
            }
        }

        for job in ledger.predictions + ledger.trainings where !FleetRun.isTerminal(job.status) {
            verdict.nonTerminal += 1
            fail("simulator job \(job.id) is still \(job.status)")
        }
        for (position, outcome) in users.enumerated() {
            let userID = try UserID(outcome.base.user)
            let user = AuthenticatedUser.verifiedByHost(userID, via: "chaos check")
            let other = AuthenticatedUser.verifiedByHost(
                try UserID(users[(position + 1) % users.count].base.user), via: "chaos check")
            let name = "user \(outcome.base.index) (\(userID))"
            if let failure = outcome.base.failure { fail("\(name): the journey did not end: \(failure)") }

            // Trainings: each recorded intent has exactly one job at Replicate, or failed with an explanation.
            let attempts = try await store.trainingAttempts(for: user)
            for attempt in attempts {
                let label = "\(name): training attempt \(attempt.id)"
                guard attempt.status.isTerminal else {
                    verdict.nonTerminal += 1
                    fail("\(label) is still \(attempt.status)\(try await Self.whyOpen(attempt, store: store))")
                    continue
                }
                if attempt.status == .succeeded {
                    verdict.trainingsSucceeded += 1
                } else {
                    verdict.trainingsFailed += 1
                }
                if let end = attempt.completedAt {
                    verdict.timeToEnd["training", default: []].append(end.timeIntervalSince(attempt.createdAt))
                    let ended = attempt.trainingID.flatMap { simTrainings[$0.rawValue]?.first?.completedAt }
                    if let ended { learn("training", label, end.timeIntervalSince(ended)) }
                }
                if let id = attempt.trainingID {
                    attachedTrainings.insert(id.rawValue)
                    if simTrainings[id.rawValue] == nil {
                        verdict.lost += 1
                        fail("\(label): training \(id) is unknown to Replicate")
                    }
                } else if attempt.status == .succeeded {
                    verdict.lost += 1
                    fail("\(label) succeeded without a Replicate training")
                }
                if attempt.status != .succeeded, (attempt.failure?.userMessage ?? "").isEmpty {
                    verdict.lost += 1
                    fail("\(label) ended \(attempt.status) without an explanation for the user")
                }
            }
            let atReplicate = simTrainingsByTrigger[TriggerWord(for: userID).rawValue] ?? []
            let recorded = attempts.filter { $0.trainingID != nil }.count
            if atReplicate.count > recorded {
                verdict.duplicated += atReplicate.count - recorded
                fail("\(name): \(atReplicate.count) trainings at Replicate for \(recorded) recorded with an id")
            }
            if outcome.trainingFailures.contains(where: \.isEmpty) {
                fail("\(name): the app read a failed training without an explanation")
            }

            // Generations.
            let generations = try await store.generations(for: user, limit: 100)
            let photos = try await store.photos(of: .generated, for: user)
            let selfies = try await store.photos(of: .selfie, for: user)
            let photosByGeneration = Dictionary(grouping: photos) { $0.generationID ?? GenerationID() }
            for generation in generations {
                let label = "\(name): generation \(generation.id)"
                guard generation.status.isTerminal else {
                    verdict.nonTerminal += 1
                    fail("\(label) is still \(generation.status)\(try await Self.whyOpen(generation, store: store))")
                    continue
                }
                if let end = generation.completedAt {
                    verdict.timeToEnd["generation", default: []].append(end.timeIntervalSince(generation.createdAt))
                    let ended = generation.predictionID.flatMap { simPredictions[$0.rawValue]?.first?.completedAt }
                    if let ended { learn("generation", label, end.timeIntervalSince(ended)) }
                }
                let stored = photosByGeneration[generation.id] ?? []
                if let id = generation.predictionID {
                    attachedPredictions.insert(id.rawValue)
                    if simPredictions[id.rawValue] == nil {
                        verdict.lost += 1
                        fail("\(label): prediction \(id) is unknown to Replicate")
                    }
                }
                if generation.status == .succeeded {
                    verdict.generationsSucceeded += 1
                    let sent = (try? JSONSerialization.jsonObject(with: generation.requestBody)) as? [String: Any]
                    let outputs = (sent?["input"] as? [String: Any])?["num_outputs"] as? Int ?? 1
                    if generation.predictionID == nil {
                        verdict.lost += 1
                        fail("\(label) succeeded without a Replicate prediction")
                    }
                    if stored.count != outputs {
                        verdict.lost += max(0, outputs - stored.count)
                        verdict.duplicated += max(0, stored.count - outputs)
                        fail("\(label) succeeded with \(stored.count) photos stored of \(outputs)")
                    }
                } else {
                    verdict.generationsFailed += 1
                    if (generation.failure?.userMessage ?? "").isEmpty {
                        verdict.lost += 1
                        fail("\(label) ended \(generation.status) without an explanation for the user")
                    }
                    if !stored.isEmpty {
                        fail("\(label) ended \(generation.status) with \(stored.count) photos stored")
                    }
                }
                if Set(stored.map(\.sha256)).count != stored.count {
                    verdict.duplicated += 1
                    fail("\(label) stores the same photo twice")
                }
                if try await store.generation(generation.id, for: other) != nil {
                    verdict.crossed += 1
                    fail("\(label) is visible to \(other.id)")
                }
            }
            for photo in photos + selfies {
                knownFiles.insert(photo.storageKey.path)
                let file = imagesRoot.appendingPathComponent(photo.storageKey.path)
                guard let bytes = FileManager.default.contents(atPath: file.path),
                    SHA256.hash(data: bytes).map({ String(format: "%02x", $0) }).joined() == photo.sha256
                else {
                    verdict.photoMismatches += 1
                    fail("\(name): photo \(photo.id) is missing or differs in the image store")
                    continue
                }
                if try await store.photo(photo.id, for: other) != nil {
                    verdict.crossed += 1
                    fail("\(name): photo \(photo.id) is visible to \(other.id)")
                }
            }
            if let model = try await store.userModel(for: other), model.userID == userID {
                verdict.crossed += 1
                fail("\(name): the model is visible to \(other.id)")
            }
            // The charging rule.
            let succeeded = generations.filter { $0.status == .succeeded }.count
            let charged = try await store.monthlyGenerationCount(
                for: user, inMonthOf: generations.first?.createdAt ?? Date())
            if charged != succeeded {
                verdict.wronglyCharged += 1
                fail("\(name): charged \(charged) generations this month for \(succeeded) succeeded")
            }
        }
        for (id, jobs) in simPredictions where !attachedPredictions.contains(id) || jobs.count > 1 {
            verdict.duplicated += 1
            fail("prediction \(id) at Replicate belongs to no recorded generation")
        }
        for (id, _) in simTrainings where !attachedTrainings.contains(id) {
            verdict.duplicated += 1
            fail("training \(id) at Replicate belongs to no recorded attempt")
        }
        for file in FleetChecker.files(under: imagesRoot.appendingPathComponent("users"))
        where !knownFiles.contains(file) {
            verdict.strayFiles += 1
            fail("image store file \(file) belongs to no photo of its user")
        }
        return verdict
    }
}

extension ChaosChecker {
    /// What a job left open looks like, for the reader of a failed run: its ages, its Replicate id, and
    /// whether a live holder (a starter renewing its start lease, or a reconciler) still holds it. Asking
    /// takes the lease for one second when it is free; the run is over by then.
    static func whyOpen(_ attempt: TrainingAttempt, store: PostgresSelfieModelStore) async throws -> String {
        let free = try await store.systemHoldTrainingLease(
            attempt.id, lease: Lease(holder: "chaos-check", duration: .seconds(1)))
        return describe(
            created: attempt.createdAt, updated: attempt.updatedAt, replicateID: attempt.trainingID?.rawValue,
            leaseFree: free)
    }

    /// See ``whyOpen(_:store:)-(TrainingAttempt,_)``.
    static func whyOpen(_ generation: GenerationRecord, store: PostgresSelfieModelStore) async throws -> String {
        let free = try await store.systemHoldGenerationLease(
            generation.id, lease: Lease(holder: "chaos-check", duration: .seconds(1)))
        return describe(
            created: generation.createdAt, updated: generation.updatedAt,
            replicateID: generation.predictionID?.rawValue, leaseFree: free)
    }

    private static func describe(created: Date, updated: Date, replicateID: String?, leaseFree: Bool) -> String {
        let now = Date()
        return String(
            format: " (recorded %.0f s and last changed %.0f s before the check; %@; %@)",
            now.timeIntervalSince(created), now.timeIntervalSince(updated),
            replicateID.map { "Replicate id \($0)" } ?? "no Replicate id",
            leaseFree ? "no live lease held it" : "a lease still held it")
    }
}
