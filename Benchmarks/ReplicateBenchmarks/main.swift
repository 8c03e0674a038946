// Prints throughput figures for the Replicate module's hot paths, each next to its baseline.
// Run in release: `swift run -c release replicate-benchmarks`.

import Crypto
import Foundation
import SelfieModelKit
import SelfieModelKitReplicate

/// Keeps results alive so the optimiser cannot drop the work.
nonisolated(unsafe) var sink = 0

/// Runs each body in batches for about `seconds`, the bodies taking turns for `rounds` rounds so that
/// machine noise hits them alike; returns each body's best rate per second.
func measure(
    rounds: Int = 7, seconds: Double = 0.25, batch: Int = 100, _ bodies: [() throws -> Int]
) throws -> [Double] {
    let clock = ContinuousClock()
    var best = Array(repeating: 0.0, count: bodies.count)
    for body in bodies {
        for _ in 0..<batch { sink &+= try body() }
    }
    for _ in 0..<rounds {
        for (index, body) in bodies.enumerated() {
            var iterations = 0
            let start = clock.now
            var elapsed = 0.0
            repeat {
                for _ in 0..<batch { sink &+= try body() }
                iterations += batch
                let (whole, fraction) = (clock.now - start).components
                elapsed = Double(whole) + Double(fraction) / 1e18
            } while elapsed < seconds
            best[index] = max(best[index], Double(iterations) / elapsed)
        }
    }
    return best
}

func format(_ rate: Double) -> String {
    rate >= 1000 ? String(format: "%10.0f/s", rate) : String(format: "%10.1f/s", rate)
}

struct AcceptingReceipts: WebhookReceiptStore {
    func systemRecordWebhookReceipt(_ webhookID: String, receivedAt: Date) async throws -> Bool { true }
}

let predictionBody = Data(
    """
    {"id":"gm3qorzdhgbfurvjtvhg6dckhu","model":"sandrasocial/42-selfie-lora",\
    "version":"5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",\
    "input":{"prompt":"user42 wearing a tailored linen suit on a sunlit terrace, editorial portrait",\
    "guidance":2.8,"num_inference_steps":35,"num_outputs":3,"aspect_ratio":"3:4","output_format":"png",\
    "output_quality":95,"go_fast":false,"disable_safety_checker":false,"seed":421337},\
    "logs":"Using seed: 421337\\nrunning quantized prediction\\n100%|██████████| 35/35 [00:07<00:00,  4.71it/s]\\n",\
    "output":["https://replicate.delivery/xezq/aZ1b2C3d4E5f6G7h8I9j0K/out-0.png",\
    "https://replicate.delivery/xezq/bZ1b2C3d4E5f6G7h8I9j0K/out-1.png",\
    "https://replicate.delivery/xezq/cZ1b2C3d4E5f6G7h8I9j0K/out-2.png"],\
    "data_removed":false,"error":null,"source":"api","status":"succeeded",\
    "created_at":"2025-07-16T10:00:00.123456789Z","started_at":"2025-07-16T10:00:01.512Z",\
    "completed_at":"2025-07-16T10:00:09.004321Z","metrics":{"predict_time":7.41,"total_time":9.0,"image_count":3},\
    "urls":{"cancel":"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel",\
    "get":"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu",\
    "stream":"https://stream.replicate.com/v1/files/bcwr-3okdfv3o2wehstv5f2okyftwxy57hhypqsi6osiim5iaq5k7u24a",\
    "web":"https://replicate.com/p/gm3qorzdhgbfurvjtvhg6dckhu"},"deadline":null,"webhook_completed":null}
    """.utf8)

let trainingLogs = (0...1000).map { step in
    let percent = step / 10
    return "flux_train_replicate: \(percent)%|\(String(repeating: "#", count: percent / 10))| \(step)/1000 "
        + "[\(step / 60):\(step % 60)<00:00,  1.00s/it, lr: 4.0e-04 loss: 3.1e-01]"
}.joined(separator: "\n")
let trainingBody = try JSONSerialization.data(withJSONObject: [
    "id": "zz4ibbonubfz7carwiefibzgga", "model": "ostris/flux-dev-lora-trainer",
    "version": "26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2",
    "destination": "sandrasocial/42-selfie-lora", "status": "processing", "logs": trainingLogs,
    "input": ["input_images": "https://api.replicate.com/v1/files/abc", "trigger_word": "user42"],
    "created_at": "2025-07-16T10:00:00.000Z",
    "urls": ["get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga"],
])

let secretBytes = Data((0..<24).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
let secret = try WebhookSecret("whsec_" + secretBytes.base64EncodedString())
let key = SymmetricKey(data: secretBytes)
let sentAt = Date(timeIntervalSince1970: 1_752_660_000)
let timestamp = "1752660000"
let verifier = try WebhookVerifier(secrets: [secret], receipts: AcceptingReceipts(), now: { sentAt })

/// The sections to run: all by default, or those named on the command line (`webhooks`, `decoding`,
/// `progress`).
let selected = Set(CommandLine.arguments.dropFirst())
func runs(_ section: String) -> Bool { selected.isEmpty || selected.contains(section) }

/// `count VARIANT BODY N`: runs one variant N times and nothing else, for instruction counting under
/// `valgrind --tool=callgrind` (deterministic whatever the machine's load). VARIANT is `bare`, `keyed` or
/// `verify`; BODY is `prediction` or `training`. Subtract a run with N = 0 to remove start-up.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.count == 4, arguments[0] == "count", let iterations = Int(arguments[3]) {
    let body = arguments[2] == "training" ? trainingBody : predictionBody
    let id = "msg_2mN8fKq1Xz0aBcDeFgHiJkLmNo"
    var signed = Data("\(id).\(timestamp).".utf8)
    signed.append(body)
    let signature = "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
    let keyed = HMAC<SHA256>(key: key)
    for _ in 0..<iterations {
        switch arguments[1] {
        case "bare":
            sink &+= HMAC<SHA256>.authenticationCode(for: signed, using: key).byteCount
        case "keyed":
            var hmac = keyed
            hmac.update(data: signed)
            sink &+= hmac.finalize().byteCount
        default:
            let date = try verifier.verifySignature(id: id, timestamp: timestamp, signature: signature, body: body)
            sink &+= Int(date.timeIntervalSince1970)
        }
    }
    print("checksum \(sink & 0xff)")
    exit(0)
}

print("SelfieModelKit Replicate benchmarks (release build recommended)")
print("")
if runs("webhooks") {
    print("Webhook verification vs bare swift-crypto HMAC-SHA256 over the same signed content")
}
for (name, body) in [("prediction", predictionBody), ("training+logs", trainingBody)] where runs("webhooks") {
    let id = "msg_2mN8fKq1Xz0aBcDeFgHiJkLmNo"
    var signed = Data("\(id).\(timestamp).".utf8)
    signed.append(body)
    let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
    let signature = "v1," + Data(mac).base64EncodedString()

    let keyed = HMAC<SHA256>(key: key)
    let rates = try measure([
        { HMAC<SHA256>.authenticationCode(for: signed, using: key).byteCount },
        {
            var hmac = keyed
            hmac.update(data: signed)
            return hmac.finalize().byteCount
        },
        {
            let date = try verifier.verifySignature(id: id, timestamp: timestamp, signature: signature, body: body)
            return Int(date.timeIntervalSince1970)
        },
    ])
    let (bare, bareKeyed, verify) = (rates[0], rates[1], rates[2])
    print("  \(name) webhook, \(body.count) bytes")
    print("    bare HMAC (authenticationCode)     \(format(bare))")
    print("    bare HMAC (reused keyed state)     \(format(bareKeyed))")
    print(
        "    WebhookVerifier.verifySignature    \(format(verify))   ratio \(String(format: "%.2f", verify / bare))"
            + " vs one-shot, \(String(format: "%.2f", verify / bareKeyed)) vs keyed state")
}

if runs("decoding") {
    print("")
    print("Prediction JSON decoding (\(predictionBody.count) bytes)")
    let decoder = JSONDecoder()
    let decoding = try measure([
        { try decoder.decode(Prediction.self, from: predictionBody).outputURLs.count },
        { (try JSONSerialization.jsonObject(with: predictionBody) as? [String: Any])?.count ?? 0 },
    ])
    let (decodes, untyped) = (decoding[0], decoding[1])
    print("  Prediction (typed)           \(format(decodes))")
    print("  JSONSerialization (untyped)  \(format(untyped))  (reference)")
}

if runs("progress") {
    print("")
    print("Trainer progress from \(trainingLogs.utf8.count) bytes of logs")
    let progress = try measure(rounds: 3, [{ TrainerProgress(logs: trainingLogs)?.step ?? 0 }])[0]
    print("  TrainerProgress(logs:)       \(format(progress))")
}

print("")
print("(checksum \(sink & 0xff))")
