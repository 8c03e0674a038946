import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

@testable import SelfieModelKitTesting

/// The response of one simulator call, with its JSON parsed.
struct SimResult {
    let status: Int
    let headers: HTTPFields
    let body: Data

    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }

    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}

/// Calls the simulator as one account, the way any HTTP client would.
struct SimCaller {
    let simulator: ReplicateSimulator
    let token: String?

    func call(
        _ method: HTTPRequest.Method, _ path: String, body: Data? = nil, contentType: String = "application/json",
        headers: [String: String] = [:]
    ) async throws -> SimResult {
        let url = URL(string: path.hasPrefix("http") ? path : "https://api.replicate.com/v1" + path)!
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if body != nil { fields[.contentType] = contentType }
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let request = HTTPRequest(
            method: method, scheme: url.scheme, authority: url.host!,
            path: url.path + (url.query.map { "?" + $0 } ?? ""), headerFields: fields)
        let (response, data) = try await simulator.send(request, body: body)
        return SimResult(status: response.status.code, headers: response.headerFields, body: data)
    }

    func json(
        _ method: HTTPRequest.Method, _ path: String, _ value: JSONValue, headers: [String: String] = [:]
    ) async throws -> SimResult {
        try await call(method, path, body: value.encoded(), headers: headers)
    }

    func get(_ path: String) async throws -> SimResult { try await call(.get, path) }

    /// Uploads `data` through the Files API and returns the file object.
    func upload(_ data: Data, filename: String = "selfies.zip", metadata: String? = nil) async throws -> SimResult {
        let boundary = "sim-test-boundary-7d1f"
        var body = Data()
        func add(_ string: String) { body.append(Data(string.utf8)) }
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"\(filename)\"\r\n")
        add("Content-Type: application/zip\r\n\r\n")
        body.append(data)
        add("\r\n")
        if let metadata {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n\(metadata)\r\n")
        }
        add("--\(boundary)--\r\n")
        return try await call(.post, "/files", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}

enum SimFixtures {
    static let lockedTrainer =
        "/models/ostris/flux-dev-lora-trainer/versions/"
        + ReplicateSimulator.Configuration.lockedTrainerVersion + "/trainings"

    static let alice = SimulatorAccount(
        owner: "alice", token: "r8_alice_token",
        webhookSecret: "whsec_" + Data(repeating: 7, count: 32).base64EncodedString())
    static let bob = SimulatorAccount(owner: "bob", token: "r8_bob_token")

    static func simulator(
        faults: SimulatorFaults = .none, receiver: SimulatorWebhookReceiver? = nil,
        configure: (inout ReplicateSimulator.Configuration) -> Void = { _ in }
    ) -> ReplicateSimulator {
        var configuration = ReplicateSimulator.Configuration(accounts: [alice, bob], faults: faults)
        configure(&configuration)
        return ReplicateSimulator(configuration: configuration, webhookReceiver: receiver)
    }

    static func modelBody(owner: String, name: String) -> JSONValue {
        ["owner": .string(owner), "name": .string(name), "visibility": "private", "hardware": "gpu-t4"]
    }

    static let selfieZip: Data = try! SyntheticSelfies.zip(
        SyntheticSelfies.make(count: 3, seed: 11, width: 64, height: 80))
    static let otherSelfieZip: Data = try! SyntheticSelfies.zip(
        SyntheticSelfies.make(count: 3, seed: 12, width: 64, height: 80))

    /// Creates `owner/name`, uploads `zip`, trains, lets 40 simulated minutes pass and returns
    /// `owner/name:version`.
    static func trainedVersion(
        _ simulator: ReplicateSimulator, _ caller: SimCaller, owner: String, name: String, zip: Data = selfieZip,
        steps: Int = 1000
    ) async throws -> String {
        let created = try await caller.json(.post, "/models", modelBody(owner: owner, name: name))
        #expect(created.status == 201)
        let file = try await caller.upload(zip)
        let url = try #require(file.json["urls"]?["get"]?.stringValue)
        let training = try await caller.json(
            .post, lockedTrainer,
            [
                "destination": .string("\(owner)/\(name)"),
                "input": ["input_images": .string(url), "trigger_word": "user42", "steps": .int(steps)],
            ])
        #expect(training.status == 201)
        let id = try #require(training.json["id"]?.stringValue)
        await simulator.advance(by: 40 * 60)
        let done = try await caller.get("/trainings/\(id)")
        #expect(done.json["status"]?.stringValue == "succeeded")
        return try #require(done.json["output"]?["version"]?.stringValue)
    }

    static func predictionBody(version: String, seed: Int = 42, extra: [(String, JSONValue)] = []) -> JSONValue {
        var input: JSONObject = [
            "prompt": "user42 in a linen blazer, editorial light", "num_outputs": 3, "aspect_ratio": "3:4",
            "output_format": "png", "output_quality": 95, "guidance_scale": 2.8, "num_inference_steps": 35,
            "seed": .int(seed),
        ]
        for (key, value) in extra { input[key] = value }
        return ["version": .string(version), "input": .object(input)]
    }
}
