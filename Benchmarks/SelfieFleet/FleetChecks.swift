import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitReplicate

/// One job as the simulator (Replicate's stand-in) knows it, read through its list endpoints.
struct SimulatorJob: Sendable {
    var id: String
    var status: String
    var createdAt: Date?
    /// When the job ended at Replicate.
    var completedAt: Date?
    /// Predictions: the version id. Trainings: the destination model.
    var target: String
    /// Trainings: the version they produced.
    var outputVersion: String?
    var seed: Int?
    var prompt: String?
    /// Trainings: the trigger word they were given (`user{userId}`).
    var triggerWord: String?
}

/// Reads every prediction and training of the account from the simulator, following `next` pages.
struct SimulatorLedger: Sendable {
    var predictions: [SimulatorJob] = []
    var trainings: [SimulatorJob] = []

    static func read(http: HTTPClient, apiBase: String, token: String) async throws -> SimulatorLedger {
        var ledger = SimulatorLedger()
        ledger.predictions = try await readAll(
            http: http, url: apiBase + "/predictions", token: token, apiBase: apiBase)
        ledger.trainings = try await readAll(http: http, url: apiBase + "/trainings", token: token, apiBase: apiBase)
        return ledger
    }

    private static func readAll(
        http: HTTPClient, url: String, token: String, apiBase: String
    ) async throws
        -> [SimulatorJob]
    {
        var jobs: [SimulatorJob] = []
        var next: String? = url
        var pages = 0
        while let current = next {
            pages += 1
            guard pages <= 10_000, current.hasPrefix(apiBase) else {
                throw FleetFailure("the simulator's list did not end on its own host: \(current)")
            }
            var request = HTTPClientRequest(url: current)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await http.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 256 << 20)
            if response.status.code == 429 {
                try await Task.sleep(for: .seconds(1))
                pages -= 1
                continue
            }
            guard response.status == .ok,
                let page = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            else { throw FleetFailure("listing \(current) answered \(response.status.code)") }
            for item in page["results"] as? [[String: Any]] ?? [] {
                let input = item["input"] as? [String: Any] ?? [:]
                let output = item["output"] as? [String: Any]
                jobs.append(
                    SimulatorJob(
                        id: item["id"] as? String ?? "", status: item["status"] as? String ?? "",
                        createdAt: (item["created_at"] as? String).flatMap(parseDate),
                        completedAt: (item["completed_at"] as? String).flatMap(parseDate),
                        target: item["destination"] as? String ?? item["version"] as? String ?? "",
                        outputVersion: (output?["version"] as? String).map {
                            String($0.split(separator: ":").last ?? "")
                        },
                        seed: input["seed"] as? Int, prompt: input["prompt"] as? String,
                        triggerWord: input["trigger_word"] as? String))
            }
            next = page["next"] as? String
        }
        return jobs
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// The verdict of the fleet's checks.
struct FleetVerdict: Sendable {
    var failures: [String] = []
    var usersCompleted = 0
    var lost = 0
    var duplicated = 0
    var provenanceViolations = 0
    var quotaErrors = 0
    var crossUserLeaks = 0
    /// Files in the image store that no photo record names (bytes written for a completion that never landed).
    var strayFiles = 0
    var nonTerminal = 0
    var photoMismatches = 0
    /// When each generation intent was recorded, for the budget figures.
    var intents: [Date] = []
}

/// Checks, after the run, that nothing was lost, duplicated, misattributed, double-counted or crossed.
struct FleetChecker: Sendable {
    let store: PostgresSelfieModelStore
    let owner: ReplicateOwner
    let imagesRoot: URL

    func check(_ outcomes: [UserOutcome], ledger: SimulatorLedger) async throws -> FleetVerdict {
        var verdict = FleetVerdict()
        let simPredictions = Dictionary(grouping: ledger.predictions, by: \.id).mapValues { $0[0] }
        let simTrainingsByTrigger = Dictionary(grouping: ledger.trainings) { $0.triggerWord ?? "" }
        var attachedPredictions: Set<String> = []
        var attachedTrainings: Set<String> = []
        var knownFiles: Set<String> = []
        let users = outcomes.filter { !$0.user.isEmpty }

        for job in ledger.predictions + ledger.trainings
        where !["succeeded", "failed", "canceled"].contains(job.status) {
            verdict.nonTerminal += 1
            verdict.failures.append("simulator job \(job.id) is still \(job.status)")
        }
        for (position, outcome) in users.enumerated() {
            let userID = try UserID(outcome.user)
            let user = AuthenticatedUser.verifiedByHost(userID, via: "fleet check")
            let other = AuthenticatedUser.verifiedByHost(
                try UserID(users[(position + 1) % users.count].user), via: "fleet check")
            let name = "user \(outcome.index) (\(userID))"
            var complete = outcome.failure == nil
            if let failure = outcome.failure { verdict.failures.append("\(name): \(failure)") }
            verdict.quotaErrors += outcome.quotaRefusals

            let modelID = ReplicateModelID.selfieModel(for: userID, owner: owner)
            let model = try await store.userModel(for: user)
            let attempts = try await store.trainingAttempts(for: user)
            for attempt in attempts where !attempt.status.isTerminal {
                verdict.nonTerminal += 1
                verdict.failures.append("\(name): training attempt \(attempt.id) is still \(attempt.status)")
            }
            for attempt in attempts {
                if let id = attempt.trainingID { attachedTrainings.insert(id.rawValue) }
            }
            let simTrainings = simTrainingsByTrigger[TriggerWord(for: userID).rawValue] ?? []
            let recordedTrainings = attempts.filter { $0.trainingID != nil }.count
            if simTrainings.count != recordedTrainings {
                verdict.duplicated += max(0, simTrainings.count - recordedTrainings)
                verdict.failures.append(
                    "\(name): \(simTrainings.count) trainings at the simulator for \(recordedTrainings) recorded")
            }
            guard let model, model.trainingStatus == .completed, let version = model.replicateVersionID,
                attempts.contains(where: { $0.status == .succeeded })
            else {
                verdict.lost += 1
                verdict.failures.append("\(name): no completed model (\(model?.trainingStatus.rawValue ?? "none"))")
                continue
            }
            let producedVersions = Set(simTrainings.compactMap(\.outputVersion))
            if !producedVersions.contains(version.rawValue) {
                verdict.provenanceViolations += 1
                verdict.failures.append("\(name): model version \(version) was not produced by the user's training")
            }

            let generations = try await store.generations(for: user, limit: 100)
            let succeeded = generations.filter { $0.status == .succeeded }
            for generation in generations where !generation.status.isTerminal {
                verdict.nonTerminal += 1
                verdict.failures.append("\(name): generation \(generation.id) is still \(generation.status)")
            }
            if succeeded.count != 3 || generations.count != 3 {
                complete = false
                verdict.lost += max(0, 3 - succeeded.count)
                verdict.failures.append(
                    "\(name): \(succeeded.count) succeeded generations of \(generations.count) recorded, not 3")
            }
            var seenIntents: Set<String> = []
            for generation in generations {
                verdict.intents.append(generation.createdAt)
                let key = "\(generation.seed) \(generation.prompt)"
                if !seenIntents.insert(key).inserted {
                    verdict.duplicated += 1
                    verdict.failures.append("\(name): generation \(generation.id) repeats another intent")
                }
                guard let predictionID = generation.predictionID else {
                    verdict.lost += 1
                    verdict.failures.append("\(name): generation \(generation.id) has no Replicate prediction")
                    continue
                }
                attachedPredictions.insert(predictionID.rawValue)
                let sent = (try? JSONSerialization.jsonObject(with: generation.requestBody)) as? [String: Any]
                let expectedVersion = "\(modelID):\(version)"
                if sent?["version"] as? String != expectedVersion {
                    verdict.provenanceViolations += 1
                    verdict.failures.append(
                        "\(name): generation \(generation.id) was sent to \(sent?["version"] ?? "?")")
                }
                guard let simulated = simPredictions[predictionID.rawValue] else {
                    verdict.lost += 1
                    verdict.failures.append(
                        "\(name): prediction \(predictionID) of \(generation.id) is unknown to Replicate")
                    continue
                }
                if simulated.target != version.rawValue || simulated.seed != generation.seed {
                    verdict.provenanceViolations += 1
                    verdict.failures.append(
                        "\(name): prediction \(predictionID) ran on version \(simulated.target), not \(version)")
                }
                if try await store.generation(generation.id, for: other) != nil {
                    verdict.crossUserLeaks += 1
                    verdict.failures.append("\(name): generation \(generation.id) is visible to \(other.id)")
                }
            }

            let photos = try await store.photos(of: .generated, for: user)
            let selfies = try await store.photos(of: .selfie, for: user)
            if photos.count != 9 || selfies.count != 12 {
                complete = false
                verdict.failures.append("\(name): \(photos.count) photos and \(selfies.count) selfies, not 9 and 12")
            }
            let generationIDs = Set(generations.map(\.id))
            for photo in photos + selfies {
                knownFiles.insert(photo.storageKey.path)
                if photo.kind == .generated, !generationIDs.contains(photo.generationID ?? GenerationID()) {
                    verdict.provenanceViolations += 1
                    verdict.failures.append("\(name): photo \(photo.id) names no generation of the user")
                }
                let file = imagesRoot.appendingPathComponent(photo.storageKey.path)
                guard let bytes = FileManager.default.contents(atPath: file.path),
                    SHA256.hash(data: bytes).map({ String(format: "%02x", $0) }).joined() == photo.sha256
                else {
                    verdict.photoMismatches += 1
                    verdict.failures.append("\(name): photo \(photo.id) is missing or differs in the image store")
                    continue
                }
                if try await store.photo(photo.id, for: other) != nil {
                    verdict.crossUserLeaks += 1
                    verdict.failures.append("\(name): photo \(photo.id) is visible to \(other.id)")
                }
            }
            let count = try await store.monthlyGenerationCount(
                for: user, inMonthOf: generations.first?.createdAt ?? Date())
            if count != succeeded.count {
                verdict.quotaErrors += 1
                verdict.failures.append("\(name): the monthly count is \(count) for \(succeeded.count) generations")
            }
            if complete { verdict.usersCompleted += 1 }
        }

        for job in ledger.predictions where !attachedPredictions.contains(job.id) {
            verdict.duplicated += 1
            verdict.failures.append("prediction \(job.id) at the simulator belongs to no recorded generation")
        }
        for job in ledger.trainings where !attachedTrainings.contains(job.id) {
            verdict.failures.append("training \(job.id) at the simulator belongs to no recorded attempt")
        }
        for file in Self.files(under: imagesRoot.appendingPathComponent("users")) where !knownFiles.contains(file) {
            verdict.strayFiles += 1
            verdict.failures.append("image store file \(file) belongs to no photo of its user")
        }
        return verdict
    }

    /// Every file under `root`, as paths relative to the image store's root (`users/…`).
    static func files(under root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var paths: [String] = []
        let prefix = root.deletingLastPathComponent().standardizedFileURL.path + "/"
        for case let url as URL in enumerator
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let path = url.standardizedFileURL.path
            paths.append(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path)
        }
        return paths
    }
}
