import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitTesting
import SelfieModelKitValidation

@testable import SelfieModelKitReplicate

/// One request as the scripted transport saw it.
struct RecordedRequest: Sendable {
    var request: HTTPRequest
    var body: Data?
    /// The file the body came from, for `send(_:bodyFile:)` (its contents are in `body`).
    var bodyFile: URL?

    var method: HTTPRequest.Method { request.method }
    var path: String { request.path ?? "" }
    func header(_ name: String) -> String? { request.headerFields[HTTPField.Name(name)!] }
}

/// What the scripted transport answers to one request.
enum ScriptedReply: Sendable {
    case response(status: Int, headers: [String: String] = [:], body: String = "")
    case failure(HTTPTransportError)

    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> ScriptedReply {
        var all = headers
        all["Content-Type"] = "application/json"
        return .response(status: status, headers: all, body: body)
    }
}

/// A transport that answers from a script, in order, and records every request.
actor ScriptedTransport: HTTPTransport {
    private var replies: [ScriptedReply]
    private(set) var requests: [RecordedRequest] = []

    init(_ replies: [ScriptedReply]) { self.replies = replies }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        try answer(RecordedRequest(request: request, body: body))
    }

    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        try answer(RecordedRequest(request: request, body: try Data(contentsOf: bodyFile), bodyFile: bodyFile))
    }

    private func answer(_ recorded: RecordedRequest) throws -> (HTTPResponse, Data) {
        requests.append(recorded)
        guard !replies.isEmpty else {
            return (HTTPResponse(status: .internalServerError), Data("script exhausted".utf8))
        }
        switch replies.removeFirst() {
        case .failure(let error):
            throw error
        case .response(let status, let headers, let body):
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return (HTTPResponse(status: .init(code: status), headerFields: fields), Data(body.utf8))
        }
    }
}

/// Virtual time that moves forward only when something sleeps; sleeps return at once and are recorded.
final class VirtualClock: Sendable {
    let state = LockedValue((now: Date(timeIntervalSince1970: 1_750_000_000), sleeps: [Duration]()))

    var clock: SchedulingClock {
        SchedulingClock(
            now: { [state] in state.current.now },
            sleep: { [state] duration in
                state.withLock {
                    $0.now = $0.now.addingTimeInterval(duration.seconds)
                    $0.sleeps.append(duration)
                }
                await Task.yield()
            })
    }

    var sleeps: [Duration] { state.current.sleeps }
    var now: Date { state.current.now }
}

enum Fixtures {
    static let token = try! APIToken("r8_test_token_0123456789abcdef")
    static let versionHash = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"
    static let trainerVersion = "26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2"

    static let user = AuthenticatedUser.verifiedByHost(try! UserID("42"), via: "test")

    /// User 42's completed model, the only way to get a `GenerationRequest`.
    static func trainedModel() throws -> TrainedUserModel {
        let record = UserModelRecord(
            userID: user.id, replicateModelID: .selfieModel(for: user.id, owner: .sandrasocial),
            replicateVersionID: try ModelVersionID(versionHash), triggerWord: TriggerWord(for: user.id),
            trainingStatus: .completed, createdAt: Date(timeIntervalSince1970: 0),
            updatedAt: Date(timeIntervalSince1970: 0))
        return try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
    }

    static func generationRequest(seed: Int = 421_337) throws -> GenerationRequest {
        let model = try trainedModel()
        return try GenerationRequest(
            model: model, prompt: UserPrompt("user42 in a linen suit", for: model), seed: GenerationSeed(seed))
    }

    /// A client on a scripted transport and a virtual clock, with a jitter-free retry policy.
    static func client(
        _ replies: [ScriptedReply], baseURL: String = "https://api.replicate.com/v1",
        retryPolicy: RetryPolicy = RetryPolicy(random: { 0 })
    ) throws -> (ReplicateClient, ScriptedTransport, VirtualClock) {
        let transport = ScriptedTransport(replies)
        let clock = VirtualClock()
        let client = try ReplicateClient(
            token: token, baseURL: URL(string: baseURL)!, transport: transport, retryPolicy: retryPolicy,
            clock: clock.clock)
        return (client, transport, clock)
    }

    static let predictionJSON = """
        {"id":"gm3qorzdhgbfurvjtvhg6dckhu","model":"sandrasocial/42-selfie-lora",\
        "version":"\(versionHash)",\
        "input":{"prompt":"user42 in a linen suit","guidance":2.8,"num_inference_steps":35,"num_outputs":3,\
        "aspect_ratio":"3:4","output_format":"png","output_quality":95,"go_fast":false,\
        "disable_safety_checker":false,"seed":421337},\
        "logs":"Using seed: 421337\\nunknown input keys dropped: guidance\\n",\
        "output":["https://replicate.delivery/xezq/a/out-0.png","https://replicate.delivery/xezq/b/out-1.png",\
        "https://replicate.delivery/xezq/c/out-2.png"],\
        "data_removed":false,"error":null,"source":"api","status":"succeeded",\
        "created_at":"2025-07-16T10:00:00.123456789Z","started_at":"2025-07-16T10:00:01.5Z",\
        "completed_at":"2025-07-16T10:00:09Z","metrics":{"predict_time":7.41,"total_time":9.0,"image_count":3},\
        "urls":{"cancel":"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel",\
        "get":"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu",\
        "stream":"https://stream.replicate.com/v1/files/abc",\
        "web":"https://replicate.com/p/gm3qorzdhgbfurvjtvhg6dckhu"},"deadline":null,"webhook_completed":null}
        """

    static func trainingJSON(status: String = "succeeded", outputVersion: String? = nil, logs: String = "") -> String {
        let output =
            outputVersion.map {
                "{\"version\":\"\($0)\",\"weights\":\"https://replicate.delivery/xezq/w/trained_model.tar\"}"
            } ?? "null"
        let logsJSON = String(data: try! JSONEncoder().encode(logs), encoding: .utf8)!
        return """
            {"id":"zz4ibbonubfz7carwiefibzgga","model":"ostris/flux-dev-lora-trainer",\
            "version":"\(trainerVersion)","destination":"sandrasocial/42-selfie-lora",\
            "input":{"input_images":"https://api.replicate.com/v1/files/abc/download","trigger_word":"user42",\
            "steps":1000},"output":\(output),"logs":\(logsJSON),"error":null,"status":"\(status)",\
            "created_at":"2025-07-16T10:00:00.000Z","started_at":"2025-07-16T10:00:30.123456Z",\
            "completed_at":"2025-07-16T10:21:00Z","metrics":{"predict_time":1230.5},\
            "urls":{"get":"https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",\
            "cancel":"https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"}}
            """
    }
}
