import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("The prediction body the simulator receives")
struct PredictionBodyTests {
    @Test(
        "every key, value and JSON type is the spec's; webhook keys only with PUBLIC_URL",
        arguments: StoreFactory.all, [true, false])
    func bodyEqualsSpecification(_ factory: StoreFactory, webhooks: Bool) async throws {
        var options = HarnessOptions()
        options.webhooks = webhooks
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("bob2", reconcile: true)
        let version = try #require(try await studio.store.userModel(for: user)?.replicateVersionID)

        var generations: [GenerationRecord] = []
        generations.append(try await studio.generation.generate(user: user, look: studio.firstLook))
        generations.append(
            try await studio.generation.generate(user: user, look: studio.generation.catalog.looks[5].id))
        let reply = try await studio.maya.chat(user: user, message: "Golden hour on a rooftop, relaxed linen outfit")
        generations.append(try await studio.maya.generate(user: user, from: reply))

        let creates = await studio.predictionCreates()
        try #require(creates.count == generations.count)
        for (request, generation) in zip(creates, generations) {
            #expect(request.header("content-type") == "application/json")
            let body = try RequestInspection.json(request)
            let top = try #require(body.objectValue)
            let expectedTop =
                webhooks ? ["version", "input", "webhook", "webhook_events_filter"] : ["version", "input"]
            #expect(Set(top.keys) == Set(expectedTop))
            #expect(top.keys.count == expectedTop.count)
            #expect(top["version"] == .string("sandrasocial/bob2-selfie-lora:\(version.rawValue)"))
            if webhooks {
                #expect(top["webhook"] == .string("https://studio.example.test/webhooks/replicate"))
                let events = try #require(top["webhook_events_filter"]?.arrayValue)
                #expect(Set(events.compactMap(\.stringValue)) == ["start", "completed"])
                #expect(events.count == 2)
            }

            let input = try #require(top["input"]?.objectValue)
            #expect(
                Set(input.keys) == [
                    "prompt", "guidance", "num_inference_steps", "num_outputs", "aspect_ratio", "output_format",
                    "output_quality", "go_fast", "disable_safety_checker", "seed",
                ])
            #expect(input.count == 10)
            #expect(input["prompt"] == .string(generation.prompt))
            #expect(generation.prompt.contains("userbob2"))
            #expect(input["guidance"] == .double(2.8))
            #expect(input["num_inference_steps"] == .int(35))
            #expect(input["num_outputs"] == .int(3))
            #expect(input["aspect_ratio"] == .string("3:4"))
            #expect(input["output_format"] == .string("png"))
            #expect(input["output_quality"] == .int(95))
            #expect(input["go_fast"] == .bool(false))
            #expect(input["disable_safety_checker"] == .bool(false))
            guard case .int(let seed)? = input["seed"] else {
                Issue.record("seed is not a JSON integer: \(String(describing: input["seed"]))")
                continue
            }
            #expect((0..<1_000_000).contains(seed))
            #expect(seed == generation.seed)
            // What was sent is exactly what the store kept as the generation's request body.
            #expect(request.body == generation.requestBody)
        }
    }
}
