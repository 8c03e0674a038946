import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator faults, limits and recording")
struct SimulatorFaultTests {
    @Test("Forced 429 carries Replicate's body, ratelimit headers, and Retry-After only when switched on")
    func throttling() async throws {
        var faults = SimulatorFaults()
        faults.rateLimitRate = 1
        let simulator = SimFixtures.simulator(faults: faults)
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let refused = try await caller.get("/models/alice/m")
        #expect(refused.status == 429)
        let detail = try #require(refused.json["detail"]?.stringValue)
        #expect(try #/Request was throttled\. Your rate limit resets in ~\d+s\./#.wholeMatch(in: detail) != nil)
        #expect(refused.header("ratelimit-reset") != nil)
        #expect(refused.header("Retry-After") == nil)
        faults.includesRetryAfter = true
        await simulator.setFaults(faults)
        #expect(try await caller.get("/models/alice/m").header("Retry-After") != nil)
        await simulator.setFaults(.none)
        #expect(try await caller.get("/models/alice/m").status == 404)
    }

    @Test("The real limits apply per account and per minute")
    func realLimits() async throws {
        let simulator = SimFixtures.simulator(configure: {
            $0.rateLimits = SimulatorRateLimits(otherRequestsPerMinute: 3, burstAllowance: 0)
        })
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await alice.get("/models/alice/m").status) }
        #expect(statuses == [404, 404, 404, 429])
        #expect(try await bob.get("/models/bob/m").status == 404)
        await simulator.advance(by: 60)
        #expect(try await alice.get("/models/alice/m").status == 404)
    }

    @Test("5xx faults answer before anything happens")
    func serverErrors() async throws {
        var faults = SimulatorFaults()
        faults.serverErrorRate = 1
        let simulator = SimFixtures.simulator(faults: faults)
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let result = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "m"))
        #expect([500, 502, 503].contains(result.status))
        await simulator.setFaults(.none)
        #expect(try await caller.get("/models/alice/m").status == 404)
    }

    @Test("The simulator counts the faults it injects, by kind")
    func faultCounts() async throws {
        var faults = SimulatorFaults()
        faults.serverErrorRate = 1
        let simulator = SimFixtures.simulator(faults: faults)
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        #expect(await simulator.faultCounts() == SimulatorFaultCounts())
        _ = try await caller.get("/models/alice/m")
        _ = try await caller.get("/models/alice/m")
        faults.serverErrorRate = 0
        faults.rateLimitRate = 1
        await simulator.setFaults(faults)
        _ = try await caller.get("/models/alice/m")
        let counts = await simulator.faultCounts()
        #expect(counts.serverErrors == 2)
        #expect(counts.rateLimited == 1)
        #expect(counts.slowAnswers == 0 && counts.webhooksDropped == 0)
    }

    @Test("A slow answer comes late, after the request took effect")
    func slowAnswers() async throws {
        var faults = SimulatorFaults()
        faults.slowAnswerRate = 1
        faults.slowAnswerDelay = 0.3...0.3
        let simulator = ReplicateSimulator(
            configuration: ReplicateSimulator.Configuration(accounts: [SimFixtures.alice], faults: faults),
            clock: .system())
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let started = ContinuousClock.now
        let created = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "late"))
        #expect(ContinuousClock.now - started >= .milliseconds(300), "the answer was not held back")
        #expect(created.status == 201)
        await simulator.setFaults(.none)
        #expect(try await caller.get("/models/alice/late").status == 200, "the request took effect")
        #expect(await simulator.faultCounts().slowAnswers == 1)
    }

    @Test("Prediction failures carry the NSFW message")
    func nsfwFailure() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        var faults = SimulatorFaults()
        faults.predictionFailureRate = 1
        await simulator.setFaults(faults)
        let result = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version), headers: ["Prefer": "wait"])
        #expect(result.json["status"]?.stringValue == "failed")
        #expect(
            result.json["error"]?.stringValue
                == "All generated images contained NSFW content. Try running it again with a different prompt.")
        #expect(result.json["output"] == .null)
    }

    @Test("Training failures fail part-way with a trainer error")
    func trainingFailure() async throws {
        var faults = SimulatorFaults()
        faults.trainingFailureRate = 1
        let simulator = SimFixtures.simulator(faults: faults)
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        _ = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "m"))
        let file = try await caller.upload(SimFixtures.selfieZip)
        let training = try await caller.json(
            .post, SimFixtures.lockedTrainer,
            ["destination": "alice/m", "input": ["input_images": file.json["urls"]!["get"]!]])
        await simulator.advance(by: 40 * 60)
        let done = try await caller.get("/trainings/\(training.json["id"]!.stringValue!)").json
        #expect(done["status"]?.stringValue == "failed")
        #expect(done["error"]?.stringValue?.contains("CUDA out of memory") == true)
        #expect(done["logs"]?.stringValue?.contains("flux_train_replicate:") == true)
    }

    @Test("Every request is recorded, without the Authorization header")
    func recording() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        _ = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "m"))
        _ = try await SimCaller(simulator: simulator, token: "bad").get("/models/alice/m")
        let recorded = await simulator.recordedRequests()
        #expect(recorded.map(\.path) == ["/v1/models", "/v1/models/alice/m"])
        #expect(recorded.map(\.status) == [201, 401])
        #expect(recorded.map(\.owner) == ["alice", nil])
        #expect(recorded.allSatisfy { $0.header("authorization") == nil })
        #expect(recorded[0].body.map { String(decoding: $0, as: UTF8.self) }?.contains("gpu-t4") == true)
    }

    @Test("The same seed and the same requests give the same ids")
    func seededDeterminism() async throws {
        func ids() async throws -> [String] {
            let simulator = SimFixtures.simulator()
            let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
            let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
            let prediction = try await caller.json(.post, "/predictions", SimFixtures.predictionBody(version: version))
            return [version, prediction.json["id"]!.stringValue!]
        }
        #expect(try await ids() == (try await ids()))
    }
}

@Suite("Simulator JSON")
struct SimulatorJSONTests {
    @Test("Parsing keeps order, integers and escapes; encoding round-trips")
    func roundTrip() throws {
        let text = #"{"b":1,"a":[true,null,2.5,"x\"\u00e9\ud83d\ude00"],"c":{"d":-3e2}}"#
        let value = try JSONValue.parse(text)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["b"] == .int(1))
        #expect(value["a"]?.arrayValue?[3].stringValue == "x\"é😀")
        #expect(value["c"]?["d"]?.numberValue == -300)
        #expect(try JSONValue.parse(value.encoded()) == value)
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\":}") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("[1] x") }
    }
}
