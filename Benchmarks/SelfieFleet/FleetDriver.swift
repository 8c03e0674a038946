import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SelfieModelKitTesting

/// What one simulated user did, and what came of it.
struct UserOutcome: Sendable {
    var index: Int
    var user = ""
    var token = ""
    /// Seconds since the run started.
    var startedAt = 0.0
    var finishedAt: Double?
    var failure: String?
    var generationIDs: [String] = []
    var photoIDs: [String] = []
    /// Each generate call: which host served it, when it was sent (seconds since the run started), and how
    /// long it took (the wait for a create permit is most of it).
    var generationWaits: [(host: Int, issuedAt: Double, seconds: Double)] = []
    var quotaRefusals = 0
}

/// Talks to the fleet's hosts over HTTP as the users' apps would.
struct FleetClient: Sendable {
    let http: HTTPClient
    let hosts: [String]

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        func string(_ key: String) -> String { json[key] as? String ?? "" }
    }

    func send(
        _ method: HTTPMethod, _ path: String, host: Int, token: String? = nil, body: Data? = nil,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: hosts[host] + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        let response = try await http.execute(request, timeout: .seconds(600))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), body: Data(bytes.readableBytesView))
    }
}

/// One user's journey: sign up, 12 selfies, train, one Maya and two Photoshoot generations, photos.
struct UserJourney: Sendable {
    let client: FleetClient
    let index: Int
    let selfies: [SyntheticSelfies.Selfie]
    let runStart: ContinuousClock.Instant
    let looks: [String]
    let trainingPoll: Duration
    let generationPoll: Duration
    let deadline: ContinuousClock.Instant

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func run() async -> UserOutcome {
        var outcome = UserOutcome(index: index)
        outcome.startedAt = seconds(since: runStart)
        var random = SplitMix(seed: UInt64(index) &+ 0x5EED)
        func host() -> Int { Int(random.next() % UInt64(client.hosts.count)) }
        do {
            let signUp = try await client.send(.POST, "/signup", host: host())
            guard signUp.status == 201 else { throw FleetFailure("sign-up answered \(signUp.status)") }
            outcome.user = signUp.string("user")
            outcome.token = signUp.string("token")
            let token = outcome.token

            for selfie in selfies {
                let answer = try await client.send(
                    .POST, "/selfies", host: host(), token: token, body: selfie.png,
                    headers: [("X-File-Name", selfie.filename)])
                guard answer.status == 201, (answer.json["stored"] as? Int) == 1 else {
                    throw FleetFailure(
                        "selfie \(selfie.filename) answered \(answer.status): \(answer.string("message"))"
                            + " \((answer.json["refused"] as? [String])?.joined(separator: "; ") ?? "")")
                }
            }

            let training = try await client.send(.POST, "/training", host: host(), token: token)
            guard training.status == 201 else {
                throw FleetFailure("training start answered \(training.status): \(training.string("detail"))")
            }
            let attempt = training.string("attempt")
            while true {
                try await pause(trainingPoll)
                let status = try await client.send(.GET, "/training", host: host(), token: token)
                guard status.status == 200 else {
                    throw FleetFailure("training \(attempt) status answered \(status.status)")
                }
                if status.json["can_generate"] as? Bool == true { break }
                let state = status.string("status")
                if ["failed", "canceled"].contains(state) {
                    throw FleetFailure("training \(attempt) ended \(state): \(status.string("failure"))")
                }
            }

            let requests: [(String, Data)] = [
                (
                    "/maya",
                    try JSONSerialization.data(withJSONObject: [
                        "message": "A confident headshot for my LinkedIn profile, modern office, soft window light"
                    ])
                ),
                ("/photoshoot", try JSONSerialization.data(withJSONObject: ["look": looks[index % looks.count]])),
                ("/photoshoot", try JSONSerialization.data(withJSONObject: ["look": looks[(index + 1) % looks.count]])),
            ]
            let hosts = requests.map { _ in host() }
            let issuedAt = seconds(since: runStart)
            let started = try await withThrowingTaskGroup(of: (Int, Int, Double, FleetClient.Answer).self) { group in
                for (position, (path, body)) in requests.enumerated() {
                    group.addTask {
                        let start = ContinuousClock.now
                        let answer = try await client.send(.POST, path, host: hosts[position], token: token, body: body)
                        return (position, hosts[position], seconds(since: start), answer)
                    }
                }
                var results: [(Int, Int, Double, FleetClient.Answer)] = []
                for try await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            }
            for (position, servedBy, wait, answer) in started {
                if answer.status == 429 && answer.string("error") == "quota-exceeded" { outcome.quotaRefusals += 1 }
                guard answer.status == 201 else {
                    throw FleetFailure("\(requests[position].0) answered \(answer.status): \(answer.string("detail"))")
                }
                outcome.generationIDs.append(answer.string("generation"))
                outcome.generationWaits.append((servedBy, issuedAt, wait))
            }
            for generation in outcome.generationIDs {
                while true {
                    let status = try await client.send(.GET, "/generations/\(generation)", host: host(), token: token)
                    guard status.status == 200 else {
                        throw FleetFailure("generation \(generation) status answered \(status.status)")
                    }
                    let state = status.string("status")
                    if state == "succeeded" { break }
                    if ["failed", "canceled"].contains(state) {
                        throw FleetFailure("generation \(generation) ended \(state): \(status.string("failure"))")
                    }
                    try await pause(generationPoll)
                }
            }
            let photos = try await client.send(.GET, "/photos", host: host(), token: token)
            let list = photos.json["photos"] as? [[String: String]] ?? []
            outcome.photoIDs = list.compactMap { $0["id"] }
            guard list.count == 9 else { throw FleetFailure("the user has \(list.count) photos, not 9") }
            outcome.finishedAt = seconds(since: runStart)
        } catch {
            outcome.failure = "\(error)"
        }
        return outcome
    }

    private func pause(_ duration: Duration) async throws {
        guard ContinuousClock.now + duration < deadline else {
            throw FleetFailure("not finished before the run's deadline")
        }
        try await Task.sleep(for: duration)
    }
}

/// A small deterministic generator (SplitMix64), so a run's routing is the same for the same options.
struct SplitMix: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
