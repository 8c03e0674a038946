// Create-and-get round trips per second through the in-process Replicate simulator.
// Run: swift run -c release SimulatorBenchmark [round-trips-per-run]

import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitTesting

let roundTrips = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let runs = 5
let token = "r8_benchmark"

func request(_ method: HTTPRequest.Method, _ path: String, json: Bool = false) -> HTTPRequest {
    var fields = HTTPFields()
    fields[.authorization] = "Bearer \(token)"
    if json { fields[.contentType] = "application/json" }
    return HTTPRequest(
        method: method, scheme: "https", authority: "api.replicate.com", path: "/v1" + path, headerFields: fields)
}

/// The value of the first `"key":"…"` string in a JSON body (enough for ids and URLs here).
func field(_ key: String, in body: Data) -> String? {
    let text = String(decoding: body, as: UTF8.self)
    guard let range = text.range(of: key.contains("\"") ? key : "\"\(key)\":\"") else { return nil }
    let rest = text[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
}

func multipart(_ data: Data) -> (Data, String) {
    let boundary = "benchmark-boundary"
    var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"s.zip\"\r\n".utf8)
    body.append(Data("Content-Type: application/zip\r\n\r\n".utf8))
    body.append(data)
    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    return (body, "multipart/form-data; boundary=\(boundary)")
}

/// A simulator with one trained version; returns it and `owner/name:version`.
func trainedSimulator() async throws -> (ReplicateSimulator, String) {
    let configuration = ReplicateSimulator.Configuration(
        accounts: [SimulatorAccount(owner: "bench", token: token)], rateLimits: .disabled, recordsRequests: false)
    let simulator = ReplicateSimulator(configuration: configuration)
    let model = #"{"owner":"bench","name":"1-selfie-lora","visibility":"private","hardware":"gpu-t4"}"#
    _ = try await simulator.send(request(.post, "/models", json: true), body: Data(model.utf8))
    let zip = try SyntheticSelfies.zip(SyntheticSelfies.make(count: 3, seed: 1, width: 64, height: 80))
    let (upload, contentType) = multipart(zip)
    var fileRequest = request(.post, "/files")
    fileRequest.headerFields[.contentType] = contentType
    let (_, file) = try await simulator.send(fileRequest, body: upload)
    guard let url = field("get", in: file) else { fatalError("no file URL") }
    let training = """
        {"destination":"bench/1-selfie-lora","input":{"input_images":"\(url)","trigger_word":"user1"}}
        """
    let path =
        "/models/ostris/flux-dev-lora-trainer/versions/"
        + ReplicateSimulator.Configuration.lockedTrainerVersion + "/trainings"
    let (_, created) = try await simulator.send(request(.post, path, json: true), body: Data(training.utf8))
    guard let id = field("id", in: created) else { fatalError("no training id") }
    await simulator.advance(by: 40 * 60)
    let (_, done) = try await simulator.send(request(.get, "/trainings/\(id)"), body: nil)
    guard let version = field(#""output":{"version":""#, in: done), version.contains(":") else {
        fatalError("training failed")
    }
    return (simulator, version)
}

let (simulator, version) = try await trainedSimulator()
let body = Data(
    """
    {"version":"\(version)","input":{"prompt":"user1 in a linen blazer","guidance":2.8,"num_inference_steps":35,\
    "num_outputs":3,"aspect_ratio":"3:4","output_format":"png","output_quality":95,"go_fast":false,\
    "disable_safety_checker":false,"seed":123456}}
    """.utf8)
let create = request(.post, "/predictions", json: true)

var rates: [Double] = []
for run in 0...runs {
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<roundTrips {
        let (response, created) = try await simulator.send(create, body: body)
        guard response.status.code == 201, let id = field("id", in: created) else { fatalError("create failed") }
        let (fetched, _) = try await simulator.send(request(.get, "/predictions/\(id)"), body: nil)
        guard fetched.status.code == 200 else { fatalError("get failed") }
    }
    let seconds =
        Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
    if run > 0 { rates.append(Double(roundTrips) / seconds) }
    print(
        "run \(run)\(run == 0 ? " (warm-up)" : ""): \(roundTrips) round trips in \(String(format: "%.3f", seconds)) s")
}
rates.sort()
print(
    "create-and-get round trips per second (in-process simulator, \(runs) runs of \(roundTrips)): "
        + "median \(Int(rates[rates.count / 2])), min \(Int(rates.first!)), max \(Int(rates.last!))")

let images = SyntheticSelfies.make(count: 1, seed: 1, width: 384, height: 512)
let renderClock = ContinuousClock()
let renderStart = renderClock.now
let renderCount = 50
for seed in 0..<renderCount {
    _ = SyntheticSelfies.make(count: 1, seed: UInt64(seed), width: 384, height: 512)
}
let renderElapsed = renderClock.now - renderStart
let renderSeconds = Double(renderElapsed.components.seconds) + Double(renderElapsed.components.attoseconds) / 1e18
print(
    "384x512 PNG portraits rendered and encoded per second: \(Int(Double(renderCount) / renderSeconds)) "
        + "(\(images[0].png.count) bytes each)")
