import Foundation
import SelfieModelKitValidation
import Testing

@Suite("ComplianceAuditor")
struct ComplianceAuditorTests {
    let auditor = ComplianceAuditor(owner: .sandrasocial)

    func validBody(user: String = "42", seed: Int = 7) throws -> Data {
        let model = try Fixtures.trained(user)
        return try GenerationRequest(
            model: model, prompt: try UserPrompt("portrait", for: model), seed: try GenerationSeed(seed)
        )
        .jsonBody()
    }

    /// Re-encodes a valid body after `change` edits its JSON object.
    func planted(user: String = "42", _ change: (inout [String: Any], inout [String: Any]) -> Void) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: try validBody(user: user)) as? [String: Any])
        var input = try #require(object["input"] as? [String: Any])
        change(&object, &input)
        object["input"] = input
        return try JSONSerialization.data(withJSONObject: object)
    }

    func codes(records: [UserModelRecord]? = nil, body: Data, user: String = "42") -> Set<String> {
        let report = auditor.audit(
            records: records ?? [Fixtures.record(user)],
            requests: [RecordedPredictionRequest(user: try! UserID(user), body: body)])
        return Set(report.violations.map(\.code.rawValue))
    }

    @Test("the library's own request is compliant")
    func clean() throws {
        let report = auditor.audit(
            records: [Fixtures.record("42"), Fixtures.record("7")],
            requests: [
                RecordedPredictionRequest(user: try UserID("42"), body: try validBody()),
                RecordedPredictionRequest(user: try UserID("7"), body: try validBody(user: "7", seed: 999_999)),
            ])
        #expect(report.isCompliant, "\(report)")
        #expect(report.findings.isEmpty)
        #expect(report.description.contains("Result: COMPLIANT"))
    }

    @Test("each planted violation is found with its code")
    func planted() throws {
        let cases: [(String, Data)] = [
            ("locked-parameter-changed", try planted { _, input in input["guidance"] = 3.5 }),
            ("locked-parameter-changed", try planted { _, input in input["num_inference_steps"] = 28 }),
            ("locked-parameter-changed", try planted { _, input in input["num_outputs"] = 1 }),
            ("locked-parameter-changed", try planted { _, input in input["aspect_ratio"] = "1:1" }),
            ("locked-parameter-changed", try planted { _, input in input["output_format"] = "webp" }),
            ("locked-parameter-changed", try planted { _, input in input["output_quality"] = 80 }),
            ("locked-parameter-changed", try planted { _, input in input["go_fast"] = true }),
            ("locked-parameter-changed", try planted { _, input in input["go_fast"] = 0 }),
            ("locked-parameter-changed", try planted { _, input in input["disable_safety_checker"] = true }),
            ("locked-parameter-changed", try planted { _, input in input.removeValue(forKey: "guidance") }),
            ("seed-out-of-range", try planted { _, input in input["seed"] = 1_000_000 }),
            ("seed-out-of-range", try planted { _, input in input["seed"] = -1 }),
            ("seed-out-of-range", try planted { _, input in input["seed"] = "12" }),
            ("base-model-plus-lora", try planted { _, input in input["lora_weights"] = "https://x/lora.safetensors" }),
            ("unexpected-input-key", try planted { _, input in input["megapixels"] = "1" }),
            ("unexpected-top-level-key", try planted { object, _ in object["stream"] = true }),
            ("version-not-users-model", try planted { object, _ in object["version"] = "black-forest-labs/flux-dev" }),
            (
                "version-not-users-model",
                try planted { object, _ in object["version"] = "sandrasocial/7-selfie-lora:\(Fixtures.versionHex)" }
            ),
            (
                "version-not-recorded",
                try planted { object, _ in
                    object["version"] = "sandrasocial/42-selfie-lora:" + String(repeating: "e", count: 64)
                }
            ),
            ("prompt-trigger-word", try planted { _, input in input["prompt"] = "a portrait" }),
            ("prompt-trigger-word", try planted { _, input in input["prompt"] = "user42 user42 portrait" }),
            ("prompt-foreign-trigger-word", try planted { _, input in input["prompt"] = "user42 with user7" }),
            ("unreadable-request", Data("not json".utf8)),
        ]
        for (code, body) in cases {
            let found = codes(body: body)
            #expect(found.contains(code), "expected \(code), found \(found)")
        }
    }

    @Test("a generation for a user whose model is not completed is a violation")
    func notCompleted() throws {
        let found = codes(records: [Fixtures.record("42", status: .training, version: nil)], body: try validBody())
        #expect(found.contains("generation-without-completed-model"))
        #expect(codes(records: [], body: try validBody()).contains("generation-without-completed-model"))
    }

    @Test("record violations: completed without version, model and trigger word not derived")
    func recordViolations() throws {
        var foreignTrigger = Fixtures.record("42")
        foreignTrigger.triggerWord = TriggerWord(for: try UserID("7"))
        let report = auditor.audit(
            records: [Fixtures.record("1", version: nil), Fixtures.record("2", modelUser: "3"), foreignTrigger],
            requests: [])
        let found = Set(report.violations.map(\.code.rawValue))
        #expect(found == ["completed-without-version", "model-not-derived", "trigger-word-not-derived"])
        #expect(report.violations.allSatisfy { $0.user != nil })
    }

    @Test("a schema naming the guidance input guidance_scale yields an advisory, not a violation")
    func guidanceKeyAdvisory() throws {
        var record = Fixtures.record("42")
        record.versionSchemaJSON = """
            {"openapi_schema":{"components":{"schemas":{"Input":{"properties":{"prompt":{},"guidance_scale":{},
            "num_inference_steps":{},"num_outputs":{},"aspect_ratio":{},"output_format":{},"output_quality":{},
            "go_fast":{},"disable_safety_checker":{},"seed":{}}}}}}}
            """
        let report = auditor.audit(records: [record], requests: [])
        #expect(report.isCompliant)
        #expect(report.findings.map(\.code) == [.lockedKeyNotInSchema])
        #expect(report.findings.first?.severity == .advisory)
        #expect(report.findings.first?.message.contains("guidance_scale") == true)
    }

    @Test("guidance_scale is accepted only when the option is on, and only with the locked value")
    func guidanceScaleCompanion() throws {
        let body = try planted { _, input in input["guidance_scale"] = 2.8 }
        #expect(codes(body: body).contains("unexpected-input-key"))
        let lenient = ComplianceAuditor(owner: .sandrasocial, acceptsGuidanceScaleCompanion: true)
        let request = [RecordedPredictionRequest(user: try UserID("42"), body: body)]
        #expect(lenient.audit(records: [Fixtures.record("42")], requests: request).isCompliant)
        let changed = try planted { _, input in input["guidance_scale"] = 4.0 }
        let changedRequest = [RecordedPredictionRequest(user: try UserID("42"), body: changed)]
        #expect(!lenient.audit(records: [Fixtures.record("42")], requests: changedRequest).isCompliant)
    }
}
