import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator lifecycles under the virtual clock")
struct SimulatorLifecycleTests {
    @Test("A training goes starting, processing, succeeded in about twenty minutes, with tqdm logs")
    func trainingLifecycle() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        _ = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "42-selfie-lora"))
        let file = try await caller.upload(SimFixtures.selfieZip)
        let url = try #require(file.json["urls"]?["get"]?.stringValue)
        let created = try await caller.json(
            .post, SimFixtures.lockedTrainer,
            ["destination": "alice/42-selfie-lora", "input": ["input_images": .string(url), "trigger_word": "user42"]])
        #expect(created.status == 201)
        #expect(created.json["status"]?.stringValue == "starting")
        let id = try #require(created.json["id"]?.stringValue)
        #expect(created.json["urls"]?["get"]?.stringValue == "https://api.replicate.com/v1/predictions/\(id)")
        #expect(
            try await caller.get("/trainings/\(id)").json["urls"]?["get"]?.stringValue?.hasSuffix("/trainings/\(id)")
                == true)

        await simulator.advance(by: 61)
        let early = try await caller.get("/trainings/\(id)").json
        #expect(early["status"]?.stringValue == "processing")
        await simulator.advance(by: 8 * 60)
        let middle = try await caller.get("/trainings/\(id)").json
        #expect(middle["status"]?.stringValue == "processing")
        let logs = middle["logs"]?.stringValue ?? ""
        let pattern =
            #/flux_train_replicate: +\d+%\|[# ]{10}\| (\d+)/1000 \[\d\d:\d\d<\d\d:\d\d, +\d\.\d\ds/it, lr: 4\.0e-04 loss: \d\.\de-0\d\]/#
        let matches = logs.split(separator: "\n").compactMap { try? pattern.wholeMatch(in: String($0)) }
        #expect(matches.count >= 5)
        #expect(try await caller.get("/models/alice/42-selfie-lora").json["latest_version"] == .null)

        await simulator.advance(by: 25 * 60)
        let done = try await caller.get("/trainings/\(id)").json
        #expect(done["status"]?.stringValue == "succeeded")
        let total = try #require(done["metrics"]?["total_time"]?.numberValue)
        #expect((15 * 60.0...25 * 60.0).contains(total))
        let version = try #require(done["output"]?["version"]?.stringValue)
        #expect(try #/alice/42-selfie-lora:[0-9a-f]{64}/#.wholeMatch(in: version) != nil)
        let weights = try #require(done["output"]?["weights"]?.stringValue)
        let tar = try await SimCaller(simulator: simulator, token: nil).get(weights)
        #expect(tar.status == 200)
        #expect(String(decoding: tar.body.prefix(100), as: UTF8.self).contains("lora.safetensors"))

        let model = try await caller.get("/models/alice/42-selfie-lora").json
        let hash = String(version.split(separator: ":").last!)
        #expect(model["latest_version"]?["id"]?.stringValue == hash)
        let schema = try await caller.get("/models/alice/42-selfie-lora/versions/\(hash)").json
        let properties = try #require(
            schema["openapi_schema"]?["components"]?["schemas"]?["Input"]?["properties"]?.objectValue)
        #expect(properties["guidance_scale"]?["maximum"]?.numberValue == 10)
        #expect(properties["guidance"] == nil)
        #expect(properties["num_outputs"]?["maximum"]?.numberValue == 4)
        #expect(properties["aspect_ratio"]?["default"]?.stringValue == "1:1")
        let ratios = schema["openapi_schema"]?["components"]?["schemas"]?["aspect_ratio"]?["enum"]?.arrayValue
        #expect(ratios?.count == 12)
    }

    @Test("The version id derives from the images and destination: same zip same id, other zip other id")
    func versionDerivation() async throws {
        let simulator = SimFixtures.simulator()
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let first = try await SimFixtures.trainedVersion(simulator, alice, owner: "alice", name: "a")
        let again = try await alice.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "b"))
        #expect(again.status == 201)
        let other = try await SimFixtures.trainedVersion(
            simulator, alice, owner: "alice", name: "c", zip: SimFixtures.otherSelfieZip)
        #expect(first.split(separator: ":").last != other.split(separator: ":").last)
    }

    @Test("A zip without images fails the training with the trainer's message; so does a non-zip")
    func trainingWithoutImages() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        _ = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "m"))
        let textOnly = try SyntheticSelfies.zip([], captions: [:])
        for (data, expected) in [(textOnly, "No images found"), (Data("not a zip".utf8), "BadZipFile")] {
            let file = try await caller.upload(data)
            let training = try await caller.json(
                .post, SimFixtures.lockedTrainer,
                ["destination": "alice/m", "input": ["input_images": file.json["urls"]!["get"]!]])
            await simulator.advance(by: 5 * 60)
            let done = try await caller.get("/trainings/\(training.json["id"]!.stringValue!)").json
            #expect(done["status"]?.stringValue == "failed")
            #expect(done["error"]?.stringValue?.contains(expected) == true)
        }
    }

    @Test("A training can be canceled and then stays canceled")
    func cancelTraining() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        _ = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "m"))
        let file = try await caller.upload(SimFixtures.selfieZip)
        let training = try await caller.json(
            .post, SimFixtures.lockedTrainer,
            ["destination": "alice/m", "input": ["input_images": file.json["urls"]!["get"]!]])
        let id = training.json["id"]!.stringValue!
        await simulator.advance(by: 120)
        let canceled = try await caller.call(.post, "/trainings/\(id)/cancel")
        #expect(canceled.json["status"]?.stringValue == "canceled")
        await simulator.advance(by: 40 * 60)
        let later = try await caller.get("/trainings/\(id)").json
        #expect(later["status"]?.stringValue == "canceled")
        #expect(try await caller.get("/models/alice/m").json["latest_version"] == .null)
    }

    @Test("A prediction runs to success with metrics; unknown input keys are dropped and named in logs")
    func predictionLifecycle() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let created = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version, extra: [("guidance", 2.8)]))
        #expect(created.status == 201)
        #expect(created.json["status"]?.stringValue == "starting")
        #expect(created.json["output"] == .null)
        #expect(created.json["version"]?.stringValue == String(version.split(separator: ":").last!))
        let id = try #require(created.json["id"]?.stringValue)
        await simulator.advance(by: 60)
        let done = try await caller.get("/predictions/\(id)").json
        #expect(done["status"]?.stringValue == "succeeded")
        #expect(done["output"]?.arrayValue?.count == 3)
        #expect(done["data_removed"] == .bool(false))
        #expect(done["metrics"]?["predict_time"]?.numberValue ?? 0 > 0)
        #expect(done["logs"]?.stringValue?.contains("Using seed: 42") == true)
        #expect(done["logs"]?.stringValue?.contains("ignored input keys not in the model's schema: guidance") == true)
        #expect(try await caller.get("/models/alice/m").json["run_count"]?.integerValue == 1)
    }

    @Test("installTrainedVersion gives a model a usable version without a training")
    func installedVersion() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let images = SyntheticSelfies.make(count: 2, seed: 5, width: 32, height: 40).map(\.png)
        let id = await simulator.installTrainedVersion(
            owner: "alice", name: "7-selfie-lora", images: images, triggerWord: "user7")
        #expect(try await caller.get("/models/alice/7-selfie-lora").json["latest_version"]?["id"]?.stringValue == id)
        let done = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: "alice/7-selfie-lora:\(id)"),
            headers: ["Prefer": "wait"])
        #expect(done.json["status"]?.stringValue == "succeeded")
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        #expect(try await bob.json(.post, "/predictions", SimFixtures.predictionBody(version: id)).status == 422)
    }

    @Test("Prefer: wait blocks until the prediction completes")
    func preferWait() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let waited = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version), headers: ["Prefer": "wait=60"])
        #expect(waited.status == 201)
        #expect(waited.json["status"]?.stringValue == "succeeded")
        #expect(waited.json["output"]?.arrayValue?.count == 3)
        let short = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version), headers: ["Prefer": "wait=1"])
        #expect(short.json["status"]?.stringValue != "succeeded")
    }

    @Test("A prediction can be canceled")
    func cancelPrediction() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let created = try await caller.json(.post, "/predictions", SimFixtures.predictionBody(version: version))
        let id = created.json["id"]!.stringValue!
        let canceled = try await caller.call(.post, "/predictions/\(id)/cancel")
        #expect(canceled.status == 200)
        #expect(canceled.json["status"]?.stringValue == "canceled")
        await simulator.advance(by: 60)
        #expect(try await caller.get("/predictions/\(id)").json["output"] == .null)
    }

    @Test("Outputs expire after the retention time: output null, data_removed true, files gone")
    func outputExpiry() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let created = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version), headers: ["Prefer": "wait"])
        let url = try #require(created.json["output"]?.arrayValue?.first?.stringValue)
        #expect(try await SimCaller(simulator: simulator, token: nil).get(url).status == 200)
        await simulator.advance(by: 3590)
        #expect(
            try await caller.get("/predictions/\(created.json["id"]!.stringValue!)").json["data_removed"]
                == .bool(false))
        await simulator.advance(by: 20)
        let expired = try await caller.get("/predictions/\(created.json["id"]!.stringValue!)").json
        #expect(expired["output"] == .null)
        #expect(expired["data_removed"] == .bool(true))
        #expect(expired["status"]?.stringValue == "succeeded")
        #expect(try await SimCaller(simulator: simulator, token: nil).get(url).status == 404)
    }

    @Test("Files: multipart upload with metadata, served to the owner, expired after 24 hours")
    func files() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let file = try await caller.upload(SimFixtures.selfieZip, metadata: #"{"user":"42"}"#)
        #expect(file.status == 201)
        #expect(file.json["size"]?.integerValue == SimFixtures.selfieZip.count)
        #expect(file.json["metadata"]?["user"]?.stringValue == "42")
        #expect(file.json["content_type"]?.stringValue == "application/zip")
        #expect(file.json["checksums"]?["sha256"]?.stringValue == SimulatorHash.sha256Hex(SimFixtures.selfieZip))
        let url = try #require(file.json["urls"]?["get"]?.stringValue)
        #expect(try await caller.get(url).json["id"] == file.json["id"])
        #expect(try await caller.get(url + "/download").body == SimFixtures.selfieZip)
        await simulator.advance(by: 24 * 3600 + 1)
        #expect(try await caller.get(url).status == 404)
    }
}
