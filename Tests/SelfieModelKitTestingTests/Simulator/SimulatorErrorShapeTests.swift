import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator error shapes")
struct SimulatorErrorShapeTests {
    @Test("A missing or unknown token gets Replicate's exact 401 problem")
    func unauthenticated() async throws {
        let simulator = SimFixtures.simulator()
        for token in [nil, "r8_wrong"] {
            let result = try await SimCaller(simulator: simulator, token: token).get("/models/alice/x")
            #expect(result.status == 401)
            #expect(result.header("Content-Type") == "application/problem+json")
            #expect(
                String(decoding: result.body, as: UTF8.self)
                    == #"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#
            )
        }
    }

    @Test("An unknown model gets Replicate's exact 404")
    func notFound() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        let result = try await caller.get("/models/alice/missing")
        #expect(result.status == 404)
        #expect(
            String(decoding: result.body, as: UTF8.self)
                == #"{"detail":"The requested resource could not be found.","status":404}"#)
    }

    @Test("Creating an existing model is refused with 409, and models are only created under one's own owner")
    func duplicateModel() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        let first = try await caller.json(
            .post, "/models", SimFixtures.modelBody(owner: "alice", name: "42-selfie-lora"))
        #expect(first.status == 201)
        #expect(first.json["latest_version"] == .null)
        #expect(first.json["visibility"]?.stringValue == "private")
        let second = try await caller.json(
            .post, "/models", SimFixtures.modelBody(owner: "alice", name: "42-selfie-lora"))
        #expect(second.status == 409)
        #expect(second.json["detail"]?.stringValue == "A model with that name and owner already exists.")
        let foreign = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "bob", name: "x"))
        #expect(foreign.status == 403)
    }

    @Test("A training into a missing destination gets the documented 404")
    func missingDestination() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        let result = try await caller.json(
            .post, SimFixtures.lockedTrainer,
            ["destination": "alice/nope", "input": ["input_images": "https://example.com/x.zip"]])
        #expect(result.status == 404)
        #expect(
            String(decoding: result.body, as: UTF8.self)
                == #"{"detail":"The specified training destination does not exist","status":404}"#)
    }

    @Test("Only known trainer versions are accepted")
    func unknownTrainerVersion() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        _ = try await caller.json(.post, "/models", SimFixtures.modelBody(owner: "alice", name: "m"))
        let path = "/models/ostris/flux-dev-lora-trainer/versions/" + String(repeating: "a", count: 64) + "/trainings"
        let result = try await caller.json(.post, path, ["destination": "alice/m", "input": [:]])
        #expect(result.status == 422)
        #expect(result.json["title"]?.stringValue == "Invalid version or not permitted")
    }

    @Test("Unknown top-level keys are refused with additional_property_not_allowed")
    func unknownTopLevelKey() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        let result = try await caller.json(
            .post, "/predictions",
            ["version": .string(String(repeating: "a", count: 64)), "input": [:], "lora_weights": "x"])
        #expect(result.status == 422)
        let field = result.json["invalid_fields"]?.arrayValue?.first
        #expect(field?["type"]?.stringValue == "additional_property_not_allowed")
        #expect(result.json["detail"]?.stringValue == "- (root): Additional property lora_weights is not allowed")
    }

    @Test("An unknown version gets 422 Invalid version or not permitted, bare or owner/name:hash")
    func unknownVersion() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        for version in [String(repeating: "b", count: 64), "alice/m:" + String(repeating: "b", count: 64)] {
            let result = try await caller.json(
                .post, "/predictions", ["version": .string(version), "input": ["prompt": "x"]])
            #expect(result.status == 422)
            #expect(result.json["title"]?.stringValue == "Invalid version or not permitted")
        }
    }

    @Test("Input is validated against the version's schema: required, enum and range")
    func inputValidation() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let body: JSONValue = [
            "version": .string(version),
            "input": ["num_outputs": 5, "aspect_ratio": "7:5", "guidance_scale": 11, "num_inference_steps": "many"],
        ]
        let result = try await caller.json(.post, "/predictions", body)
        #expect(result.status == 422)
        #expect(result.json["title"]?.stringValue == "Input validation failed")
        let fields = result.json["invalid_fields"]?.arrayValue ?? []
        let pairs = Set(fields.map { "\($0["type"]?.stringValue ?? "")@\($0["field"]?.stringValue ?? "")" })
        #expect(
            pairs == [
                "required@input", "number_lte@input.num_outputs", "enum@input.aspect_ratio",
                "number_lte@input.guidance_scale", "invalid_type@input.num_inference_steps",
            ])
        let detail = result.json["detail"]?.stringValue ?? ""
        #expect(detail.contains("- input: prompt is required"))
        #expect(detail.contains("- input.num_outputs: Must be less than or equal to 4"))
        #expect(detail.split(separator: "\n").allSatisfy { $0.hasPrefix("- ") })
    }

    @Test("A body that is not JSON is refused")
    func malformedBody() async throws {
        let caller = SimCaller(simulator: SimFixtures.simulator(), token: SimFixtures.alice.token)
        let result = try await caller.call(.post, "/predictions", body: Data("{nope".utf8))
        #expect(result.status == 400)
    }
}

@Suite("Simulator isolation between accounts")
struct SimulatorIsolationTests {
    @Test("Another account sees none of alice's models, files, trainings, predictions or versions")
    func isolation() async throws {
        let simulator = SimFixtures.simulator()
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        let version = try await SimFixtures.trainedVersion(simulator, alice, owner: "alice", name: "1-selfie-lora")
        let hash = String(version.split(separator: ":").last!)
        let file = try await alice.upload(SimFixtures.selfieZip)
        let fileID = try #require(file.json["id"]?.stringValue)
        let prediction = try await alice.json(.post, "/predictions", SimFixtures.predictionBody(version: version))
        #expect(prediction.status == 201)
        let predictionID = try #require(prediction.json["id"]?.stringValue)
        let trainings = try await alice.get("/trainings")
        let trainingID = try #require(trainings.json["results"]?.arrayValue?.first?["id"]?.stringValue)

        #expect(try await bob.get("/models/alice/1-selfie-lora").status == 404)
        #expect(try await bob.get("/models/alice/1-selfie-lora/versions/\(hash)").status == 404)
        #expect(try await bob.get("/files/\(fileID)").status == 404)
        #expect(try await bob.get("/files/\(fileID)/download").status == 404)
        #expect(try await bob.get("/predictions/\(predictionID)").status == 404)
        #expect(try await bob.call(.post, "/predictions/\(predictionID)/cancel").status == 404)
        #expect(try await bob.get("/trainings/\(trainingID)").status == 404)
        #expect(try await bob.get("/predictions").json["results"]?.arrayValue?.isEmpty == true)
        for reference in [version, hash] {
            let refused = try await bob.json(.post, "/predictions", SimFixtures.predictionBody(version: reference))
            #expect(refused.status == 422)
            #expect(refused.json["title"]?.stringValue == "Invalid version or not permitted")
        }
        let url = try #require(file.json["urls"]?["get"]?.stringValue)
        _ = try await bob.json(.post, "/models", SimFixtures.modelBody(owner: "bob", name: "b"))
        let intoAlice = try await bob.json(
            .post, SimFixtures.lockedTrainer,
            ["destination": "alice/1-selfie-lora", "input": ["input_images": .string(url)]])
        #expect(intoAlice.status == 404)
        let stolenFile = try await bob.json(
            .post, SimFixtures.lockedTrainer, ["destination": "bob/b", "input": ["input_images": .string(url)]])
        #expect(stolenFile.status == 201)
        await simulator.advance(by: 5 * 60)
        let failed = try await bob.get("/trainings/\(stolenFile.json["id"]!.stringValue!)")
        #expect(failed.json["status"]?.stringValue == "failed")
        #expect(failed.json["error"]?.stringValue?.contains("404") == true)
        #expect(try await alice.get("/models/alice/1-selfie-lora").status == 200)
        #expect(try await alice.get("/models/ostris/flux-dev-lora-trainer").status == 200)
        #expect(try await bob.get("/models/ostris/flux-dev-lora-trainer").status == 200)
    }
}
