import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SelfieModelKitTesting

/// What a user's app does when hosts die and answers fail: one user's journey under chaos.
///
/// The same steps as ``UserJourney``, written as a careful app would: a request that fails without an
/// answer, or with a 5xx, is sent again to another host; a generation whose answer was lost is looked for
/// among the user's generations before it is asked for again, so an app never records two intents for one
/// tap; a training or generation that ends failed is an end the user sees, with its explanation.
struct ChaosJourney: Sendable {
    let client: FleetClient
    let index: Int
    let selfies: [SyntheticSelfies.Selfie]
    let runStart: ContinuousClock.Instant
    let looks: [String]
    let trainingPoll: Duration
    let generationPoll: Duration
    let deadline: ContinuousClock.Instant
    let seed: UInt64

    /// How many times a user starts training after seeing it fail.
    static let trainingTries = 3

    /// Answers that say the request may be sent again.
    static func isRetryable(_ status: Int) -> Bool { status == 502 || status == 503 || status == 500 || status == 504 }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func run() async -> ChaosOutcome {
        var outcome = ChaosOutcome(index: index)
        outcome.base.startedAt = seconds(since: runStart)
        var random = SplitMix(seed: seed &+ UInt64(index) &* 0x9E37)
        do {
            let signUp = try await call(.POST, "/signup", random: &random, outcome: &outcome) { $0.status == 201 }
            outcome.base.user = signUp.string("user")
            outcome.base.token = signUp.string("token")
            let token = outcome.base.token

            var kept = 0
            for selfie in selfies {
                // A selfie stored before its answer was lost comes back as a refused duplicate: also kept.
                let answer = try await call(
                    .POST, "/selfies", token: token, body: selfie.png, headers: [("X-File-Name", selfie.filename)],
                    random: &random, outcome: &outcome
                ) { $0.status == 201 }
                kept = answer.json["total"] as? Int ?? kept
            }
            guard kept == selfies.count else {
                throw FleetFailure("the host keeps \(kept) selfies of \(selfies.count) uploaded")
            }

            // A training that ends failed is shown to the user, who may start again: up to three times.
            var trained = false
            for _ in 0..<Self.trainingTries where !trained {
                _ = try await call(.POST, "/training", token: token, random: &random, outcome: &outcome) {
                    $0.status == 201 || $0.status == 409
                }
                while true {
                    try await pause(trainingPoll)
                    let status = try await call(.GET, "/training", token: token, random: &random, outcome: &outcome) {
                        $0.status == 200
                    }
                    if status.json["can_generate"] as? Bool == true {
                        trained = true
                        break
                    }
                    if ["failed", "canceled"].contains(status.string("status")) {
                        outcome.trainingFailures.append(status.string("failure"))
                        break
                    }
                }
            }
            guard trained else {
                outcome.base.finishedAt = seconds(since: runStart)
                return outcome
            }

            let requests: [(String, [String: String])] = [
                (
                    "/maya",
                    ["message": "A confident headshot for my LinkedIn profile, modern office, soft window light"]
                ),
                ("/photoshoot", ["look": looks[index % looks.count]]),
                ("/photoshoot", ["look": looks[(index + 1) % looks.count]]),
            ]
            for (path, fields) in requests {
                let body = try JSONSerialization.data(withJSONObject: fields)
                var known = try await generationIDs(token: token, random: &random, outcome: &outcome)
                var generation: String?
                while generation == nil {
                    let answer: FleetClient.Answer
                    do {
                        answer = try await client.send(.POST, path, host: host(&random), token: token, body: body)
                    } catch {
                        outcome.retries += 1
                        generation = try await adopt(after: &known, token: token, random: &random, outcome: &outcome)
                        continue
                    }
                    if answer.status == 201 {
                        generation = answer.string("generation")
                    } else if Self.isRetryable(answer.status) {
                        outcome.retries += 1
                        generation = try await adopt(after: &known, token: token, random: &random, outcome: &outcome)
                    } else if answer.status == 429, answer.string("error") == "quota-exceeded" {
                        outcome.base.quotaRefusals += 1
                        break
                    } else {
                        throw FleetFailure("\(path) answered \(answer.status): \(answer.string("detail"))")
                    }
                }
                if let generation { outcome.base.generationIDs.append(generation) }
            }
            for generation in outcome.base.generationIDs {
                while true {
                    let status = try await call(
                        .GET, "/generations/\(generation)", token: token, random: &random, outcome: &outcome
                    ) { $0.status == 200 }
                    let state = status.string("status")
                    if state == "succeeded" { break }
                    if ["failed", "canceled"].contains(state) {
                        outcome.generationFailures.append(status.string("failure"))
                        break
                    }
                    try await pause(generationPoll)
                }
            }
            outcome.base.finishedAt = seconds(since: runStart)
        } catch {
            outcome.base.failure = "\(error)"
        }
        return outcome
    }

    private func host(_ random: inout SplitMix) -> Int { Int(random.next() % UInt64(client.hosts.count)) }

    /// The user's generation ids now.
    private func generationIDs(
        token: String, random: inout SplitMix, outcome: inout ChaosOutcome
    ) async throws -> Set<String> {
        let list = try await call(.GET, "/generations", token: token, random: &random, outcome: &outcome) {
            $0.status == 200
        }
        return Set((list.json["generations"] as? [[String: String]] ?? []).compactMap { $0["id"] })
    }

    /// After a generate call whose answer was lost: the generation it recorded, if it recorded one.
    private func adopt(
        after known: inout Set<String>, token: String, random: inout SplitMix, outcome: inout ChaosOutcome
    ) async throws -> String? {
        try await pause(.milliseconds(300))
        let now = try await generationIDs(token: token, random: &random, outcome: &outcome)
        let new = now.subtracting(known)
        known = now
        if let adopted = new.first {
            outcome.adoptedGenerations += 1
            return adopted
        }
        return nil
    }

    /// Sends a request until `accept` holds, to another host after a failure without an answer or a 5xx.
    private func call(
        _ method: HTTPMethod, _ path: String, token: String? = nil, body: Data? = nil,
        headers: [(String, String)] = [], random: inout SplitMix, outcome: inout ChaosOutcome,
        accept: (FleetClient.Answer) -> Bool
    ) async throws -> FleetClient.Answer {
        while true {
            do {
                let answer = try await client.send(
                    method, path, host: host(&random), token: token, body: body, headers: headers)
                if accept(answer) { return answer }
                guard Self.isRetryable(answer.status) else {
                    throw FleetFailure(
                        "\(method) \(path) answered \(answer.status): \(answer.string("error")) \(answer.string("detail"))"
                    )
                }
            } catch let failure as FleetFailure {
                throw failure
            } catch {
                // No answer: the host died or is restarting.
            }
            outcome.retries += 1
            try await pause(.milliseconds(200 + Int(random.next() % 600)))
        }
    }

    private func pause(_ duration: Duration) async throws {
        guard ContinuousClock.now + duration < deadline else {
            throw FleetFailure("not finished before the run's deadline")
        }
        try await Task.sleep(for: duration)
    }
}

/// What one user's journey under chaos came to.
struct ChaosOutcome: Sendable {
    var base: UserOutcome
    /// Each failed training's explanation as the user read it.
    var trainingFailures: [String] = []
    /// Failed generations' explanations as the user read them.
    var generationFailures: [String] = []
    /// Requests sent again after a failure without an answer or a 5xx.
    var retries = 0
    /// Generations found among the user's own after their answer was lost.
    var adoptedGenerations = 0

    init(index: Int) { base = UserOutcome(index: index) }
}
