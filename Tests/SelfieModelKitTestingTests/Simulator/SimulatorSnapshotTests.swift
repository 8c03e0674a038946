import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator snapshots: a world that outlives its process")
struct SimulatorSnapshotTests {
    /// A simulator like ``SimFixtures/simulator`` with small images, on `seed`, starting at `start`.
    static func simulator(seed: UInt64, start: Date = Date(timeIntervalSince1970: 1_767_225_600)) -> ReplicateSimulator
    {
        ReplicateSimulator(
            configuration: ReplicateSimulator.Configuration(
                accounts: [SimFixtures.alice, SimFixtures.bob], seed: seed, imageLongSide: 64),
            clock: .virtual(start: start))
    }

    /// A world with a trained model, a finished prediction, a prediction still running, a training still
    /// running and a spare upload.
    struct World {
        let version: String
        let finished: String
        let running: String
        let training: String
        let file: String
        let outputs: [String]
        let weights: String
    }

    static func populate(_ simulator: ReplicateSimulator) async throws -> World {
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, alice, owner: "alice", name: "42-selfie-lora")
        let trainings = try await alice.get("/trainings").json["results"]?.arrayValue ?? []
        let weights = try #require(trainings.first?["output"]?["weights"]?.stringValue)
        let finished = try await alice.json(.post, "/predictions", SimFixtures.predictionBody(version: version))
        await simulator.advance(by: 180)
        let finishedID = try #require(finished.json["id"]?.stringValue)
        let done = try await alice.get("/predictions/\(finishedID)").json
        #expect(done["status"]?.stringValue == "succeeded")
        let outputs = done["output"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(outputs.count == 3)
        let running = try await alice.json(.post, "/predictions", SimFixtures.predictionBody(version: version, seed: 7))
        let runningID = try #require(running.json["id"]?.stringValue)

        _ = try await alice.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "7-selfie-lora"))
        let upload = try await alice.upload(SimFixtures.otherSelfieZip)
        let url = try #require(upload.json["urls"]?["get"]?.stringValue)
        let training = try await alice.json(
            .post, SimFixtures.lockedTrainer,
            [
                "destination": "alice/7-selfie-lora",
                "input": ["input_images": .string(url), "trigger_word": "user7", "steps": 200],
            ])
        let spare = try await alice.upload(Data("spare".utf8), filename: "spare.zip", metadata: #"{"n":1.0}"#)
        return World(
            version: version, finished: finishedID, running: runningID,
            training: try #require(training.json["id"]?.stringValue),
            file: try #require(spare.json["id"]?.stringValue), outputs: outputs, weights: weights)
    }

    static func paths(_ world: World) -> [String] {
        let (model, hash) = (world.version.split(separator: ":")[0], world.version.split(separator: ":")[1])
        return [
            "/trainings/\(world.training)", "/trainings", "/predictions/\(world.finished)",
            "/predictions/\(world.running)", "/predictions", "/models/\(model)", "/models/\(model)/versions",
            "/models/\(model)/versions/\(hash)", "/models/alice/7-selfie-lora",
            "/models/ostris/flux-dev-lora-trainer", "/files/\(world.file)", "/files", "/files/\(world.file)/download",
            "/account", "/webhooks/default/secret",
        ]
    }

    @Test("A restored simulator answers every GET byte for byte as the original, outputs and weights included")
    func restoredAnswersIdentically() async throws {
        let original = Self.simulator(seed: 1)
        let world = try await Self.populate(original)
        let state = try await original.snapshot()

        let restored = Self.simulator(seed: 99, start: Date(timeIntervalSince1970: 1_700_000_000))
        try await restored.restore(from: state)
        #expect(restored.clock.now == original.clock.now)
        for token in [SimFixtures.alice.token, SimFixtures.bob.token] {
            let before = SimCaller(simulator: original, token: token)
            let after = SimCaller(simulator: restored, token: token)
            for path in Self.paths(world) {
                let expected = try await before.get(path)
                let actual = try await after.get(path)
                #expect(actual.status == expected.status, "\(path) as \(token)")
                #expect(actual.body == expected.body, "\(path) as \(token)")
            }
        }
        let anonymous = (SimCaller(simulator: original, token: nil), SimCaller(simulator: restored, token: nil))
        for url in world.outputs + [world.weights] {
            let expected = try await anonymous.0.get(url)
            #expect(expected.status == 200)
            #expect(try await anonymous.1.get(url).body == expected.body, "\(url)")
        }
    }

    @Test("Jobs in flight carry on after a restore, and predictions run on a restored version")
    func jobsContinue() async throws {
        let original = Self.simulator(seed: 1)
        let world = try await Self.populate(original)
        let restored = Self.simulator(seed: 2)
        try await restored.restore(from: try await original.snapshot())
        await original.advance(by: 40 * 60)
        await restored.advance(by: 40 * 60)

        let before = SimCaller(simulator: original, token: SimFixtures.alice.token)
        let after = SimCaller(simulator: restored, token: SimFixtures.alice.token)
        let running = (
            try await before.get("/predictions/\(world.running)").json,
            try await after.get("/predictions/\(world.running)").json
        )
        #expect(running.1["status"]?.stringValue == "succeeded")
        try await Self.expectSameImages(
            running.0["output"]?.arrayValue?.compactMap(\.stringValue) ?? [], before,
            running.1["output"]?.arrayValue?.compactMap(\.stringValue) ?? [], after)
        let training = (
            try await before.get("/trainings/\(world.training)").json,
            try await after.get("/trainings/\(world.training)").json
        )
        #expect(training.1["status"]?.stringValue == "succeeded")
        #expect(training.1["output"]?["version"] == training.0["output"]?["version"])
        let trained = try #require(
            try await after.get("/trainings/\(world.training)").json["output"]?["version"]?.stringValue)

        for version in [world.version, trained] {
            let body = SimFixtures.predictionBody(version: version, seed: 1234)
            let made = try await after.json(.post, "/predictions", body)
            let reference = try await before.json(.post, "/predictions", body)
            #expect(made.status == 201)
            await original.advance(by: 180)
            await restored.advance(by: 180)
            let id = (try #require(reference.json["id"]?.stringValue), try #require(made.json["id"]?.stringValue))
            let done = (
                try await before.get("/predictions/\(id.0)").json, try await after.get("/predictions/\(id.1)").json
            )
            #expect(done.1["status"]?.stringValue == "succeeded")
            let urls = (
                done.0["output"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                done.1["output"]?.arrayValue?.compactMap(\.stringValue) ?? []
            )
            #expect(urls.0 != urls.1, "output links are new")
            try await Self.expectSameImages(urls.0, before, urls.1, after)
        }
    }

    /// Expects three PNGs at `urls` (served by `caller`) with the same bytes as at `expectedURLs`.
    static func expectSameImages(
        _ expectedURLs: [String], _ expectedCaller: SimCaller, _ urls: [String], _ caller: SimCaller
    ) async throws {
        #expect(urls.count == 3)
        #expect(expectedURLs.count == urls.count)
        for (expectedURL, url) in zip(expectedURLs, urls) {
            let image = try await caller.get(url)
            #expect(image.status == 200)
            #expect(image.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(
                image.body == (try await expectedCaller.get(expectedURL)).body, "the same look renders the same photo")
        }
    }

    @Test("Ids never repeat after a restore, even when the same snapshot is restored twice with the same seed")
    func idsDoNotRepeat() async throws {
        let original = Self.simulator(seed: 1)
        let world = try await Self.populate(original)
        let state = try await original.snapshot()
        let known = Set([world.finished, world.running, world.training, world.file])

        func newIDs(_ simulator: ReplicateSimulator) async throws -> [String] {
            let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
            var ids: [String] = []
            for seed in 0..<5 {
                let prediction = try await alice.json(
                    .post, "/predictions", SimFixtures.predictionBody(version: world.version, seed: seed))
                ids.append(try #require(prediction.json["id"]?.stringValue))
                let file = try await alice.upload(Data("file \(seed)".utf8))
                ids.append(try #require(file.json["id"]?.stringValue))
            }
            return ids
        }

        let continued = try await newIDs(original)
        let first = Self.simulator(seed: 1)
        try await first.restore(from: state)
        let firstIDs = try await newIDs(first)
        let second = Self.simulator(seed: 1)
        try await second.restore(from: state)
        let secondIDs = try await newIDs(second)
        let reseeded = Self.simulator(seed: 3)
        try await reseeded.restore(from: state)
        let reseededIDs = try await newIDs(reseeded)

        #expect(Set(firstIDs).count == firstIDs.count)
        #expect(Set(firstIDs).isDisjoint(with: known))
        #expect(Set(firstIDs).isDisjoint(with: continued), "a restore does not replay the original's later ids")
        #expect(firstIDs == secondIDs, "the same snapshot and seed behave the same")
        #expect(Set(reseededIDs).isDisjoint(with: firstIDs), "another seed hands out other ids")
        #expect(Set(reseededIDs).isDisjoint(with: known))
    }

    @Test("Snapshot, restore, snapshot gives the same world; the clock never goes back")
    func roundTrip() async throws {
        let original = Self.simulator(seed: 1)
        _ = try await Self.populate(original)
        let state = try await original.snapshot()
        let restored = Self.simulator(seed: 5, start: Date(timeIntervalSince1970: 0))
        try await restored.restore(from: state)
        #expect(restored.clock.now == original.clock.now)

        let decoder = JSONDecoder()
        var first = try decoder.decode(SimulatorSnapshot.self, from: state)
        var second = try decoder.decode(SimulatorSnapshot.self, from: try await restored.snapshot())
        #expect(first.randomState != second.randomState, "the generator is mixed with the new seed")
        first.randomState = 0
        second.randomState = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(first) == (try encoder.encode(second)))

        let later = Date(timeIntervalSince1970: 1_900_000_000)
        let ahead = Self.simulator(seed: 5, start: later)
        try await ahead.restore(from: state)
        #expect(ahead.clock.now == later, "a virtual clock never goes back")
    }

    @Test("A missing file restores nothing; a saved file restores; foreign data fails with a stable code")
    func filesAndErrors() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sim-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("simulator-state.json")

        let original = Self.simulator(seed: 1)
        let world = try await Self.populate(original)
        let fresh = Self.simulator(seed: 2)
        #expect(try await fresh.restoreIfPresent(from: file) == false)
        try await original.save(to: file)
        #expect(try await fresh.restoreIfPresent(from: file))
        let alice = SimCaller(simulator: fresh, token: SimFixtures.alice.token)
        #expect(try await alice.get("/predictions/\(world.finished)").status == 200)

        let cases: [(Data, SimulatorStateError.Code)] = [
            (Data("not json".utf8), .unreadable),
            (Data(#"{"format":"selfie-sim.state/0"}"#.utf8), .unsupportedFormat),
            (Data(#"{"format":"selfie-sim.state/1","clock":0}"#.utf8), .unreadable),
        ]
        for (data, code) in cases {
            let error = await #expect(throws: SimulatorStateError.self) { try await fresh.restore(from: data) }
            #expect(error?.code == code)
        }
        #expect(try await alice.get("/predictions/\(world.finished)").status == 200, "a failed restore changes nothing")
    }
}
