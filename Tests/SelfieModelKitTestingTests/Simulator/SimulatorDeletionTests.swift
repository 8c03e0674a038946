import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator: deleting models, versions and files as Replicate documents it")
struct SimulatorDeletionTests {
    @Test("a model with versions is refused (409); its versions go (202), then the model (204), gone for every call")
    func modelAndVersions() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let reference = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let version = String(try #require(reference.split(separator: ":").last))
        let prediction = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: reference), headers: ["Prefer": "wait"])
        let predictionID = try #require(prediction.json["id"]?.stringValue)
        #expect(prediction.json["status"]?.stringValue == "succeeded")

        let refused = try await caller.call(.delete, "/models/alice/m")
        #expect(refused.status == 409)
        #expect(refused.json["status"]?.integerValue == 409)
        #expect(refused.json["detail"]?.stringValue?.contains("versions") == true)
        #expect(try await caller.get("/models/alice/m").status == 200, "a refused deletion deleted the model")

        let deletedVersion = try await caller.call(.delete, "/models/alice/m/versions/\(version)")
        #expect(deletedVersion.status == 202)
        #expect(deletedVersion.body.isEmpty)
        #expect(try await caller.get("/models/alice/m/versions/\(version)").status == 404)
        #expect(try await caller.get("/models/alice/m/versions").json["results"]?.arrayValue?.isEmpty == true)
        #expect(try await caller.get("/models/alice/m").json["latest_version"] == .null)
        #expect(try await caller.get("/predictions/\(predictionID)").status == 404, "the version's prediction stayed")
        #expect(try await caller.call(.delete, "/models/alice/m/versions/\(version)").status == 404)
        let predictionAfter = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: reference))
        #expect(predictionAfter.status == 422, "a deleted version still runs")

        let deletedModel = try await caller.call(.delete, "/models/alice/m")
        #expect(deletedModel.status == 204)
        #expect(deletedModel.body.isEmpty)
        #expect(try await caller.get("/models/alice/m").status == 404)
        #expect(try await caller.get("/models/alice/m/versions").status == 404)
        #expect(try await caller.call(.delete, "/models/alice/m").status == 404)
        #expect(await simulator.inventory(of: "alice").models.isEmpty)
    }

    @Test("only the caller's own private models: another account's is missing (404), a public one is refused (403)")
    func ownPrivateModelsOnly() async throws {
        let simulator = SimFixtures.simulator()
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        let reference = try await SimFixtures.trainedVersion(simulator, alice, owner: "alice", name: "m")
        let version = String(try #require(reference.split(separator: ":").last))
        #expect(try await bob.call(.delete, "/models/alice/m/versions/\(version)").status == 404)
        #expect(try await bob.call(.delete, "/models/alice/m").status == 404)
        #expect(await simulator.inventory(of: "alice").models.first?.versionIDs == [version])

        let trainer = "/models/ostris/flux-dev-lora-trainer"
        let trainerVersion = ReplicateSimulator.Configuration.lockedTrainerVersion
        #expect(try await alice.call(.delete, "\(trainer)/versions/\(trainerVersion)").status == 403)
        #expect(try await alice.call(.delete, trainer).status == 403)
        #expect(try await alice.get("\(trainer)/versions/\(trainerVersion)").status == 200)

        let body: JSONValue = ["owner": "alice", "name": "shown", "visibility": "public", "hardware": "gpu-t4"]
        #expect(try await alice.json(.post, "/models", body).status == 201)
        #expect(try await alice.call(.delete, "/models/alice/shown").status == 403)
    }

    @Test("a deleted file answers 404 to every later call, and only its owner can delete it")
    func files() async throws {
        let simulator = SimFixtures.simulator()
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        let file = try await alice.upload(SimFixtures.selfieZip)
        let id = try #require(file.json["id"]?.stringValue)
        #expect(try await bob.call(.delete, "/files/\(id)").status == 404)
        #expect(await simulator.inventory(of: "alice").files.map(\.id) == [id])
        let deleted = try await alice.call(.delete, "/files/\(id)")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(try await alice.get("/files/\(id)").status == 404)
        #expect(try await alice.get("/files/\(id)/download").status == 404)
        #expect(try await alice.get("/files").json["results"]?.arrayValue?.isEmpty == true)
        #expect(try await alice.call(.delete, "/files/\(id)").status == 404)
        #expect(await simulator.inventory(of: "alice").files.isEmpty)
    }
}
