// Side by side with Replicate's official client: create-and-wait throughput and peak memory of the
// library's `ReplicateClient` over URLSessionTransport and over AsyncHTTPClientTransport, against
// Replicate's official Python client (`replicate==1.0.7`, `python/bench.py`: its asyncio path and its
// thread-pool path), all against the same `selfie-sim` (rate limits off, jobs shortened by
// `--time-scale`), at 1, 16 and 64 concurrent operations. An operation is "create a prediction, then poll it every `--poll-interval` seconds until
// it is terminal" — the loop of the Python client's `Prediction.wait()` (its `client.poll_interval`,
// 0.5 s by default), used for every client. Each measurement runs in a fresh child process (this
// program re-invoked with `__run-library`, or the Python script), which reports its own wall time,
// peak resident set (VmHWM), anonymous resident memory (RssAnon) and CPU time. Linux.
//
// Run in release, after building the simulator beside it:
//   swift build -c release --product selfie-sim && swift run -c release client-comparison
// Options: --concurrency 1,16,64  --operations 60,640,2560 (one per level)  --poll-interval 0.5
//   --time-scale 0.0001  --summary FILE.json  --sim-url http://HOST:PORT (a running selfie-sim whose
//   --owner is sandrasocial, with --token)  --token TOKEN  --python PATH (a Python with replicate==1.0.7)
//   --python-mode asyncio,threads (the Python client's two concurrent paths; both by default)
//   --clients urlsession,async-http-client,python

import AsyncHTTPClient
import Foundation
import SelfieModelKit
import SelfieModelKitAsyncHTTPClient
import SelfieModelKitReplicate
import SelfieModelKitValidation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

/// The Python client's version this comparison is pinned to (the conformance test's too).
let pythonClientRequirement = "replicate==1.0.7"
/// The simulated account every client acts as.
let defaultToken = "r8_client_comparison"

// MARK: - What one measurement reports

/// One child process's figures: `operations` create-and-wait operations at `concurrency`. `seconds` and
/// `cpuSeconds` cover the operations only (not start-up or imports); `peakRSSBytes` is the whole
/// process's peak resident set.
struct Measurement: Codable, Sendable {
    var operations: Int
    var succeeded: Int
    var failures: Int
    var seconds: Double
    var peakRSSBytes: Int
    /// RssAnon at the end: the process's private heap and stacks, without mapped library code.
    var anonymousRSSBytes: Int
    var cpuSeconds: Double

    enum CodingKeys: String, CodingKey {
        case operations, succeeded, failures, seconds
        case peakRSSBytes = "peak_rss_bytes"
        case anonymousRSSBytes = "anon_rss_bytes"
        case cpuSeconds = "cpu_seconds"
    }
}

/// A field of /proc/self/status in bytes, such as `VmHWM` (peak resident set).
func status(_ field: String) -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kilobytes = line.split(separator: " ").dropFirst().first { Int($0) != nil }.flatMap { Int($0) }
        return (kilobytes ?? 0) * 1024
    }
    return 0
}

/// User plus system CPU time of this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func elapsedSeconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The operations each of `concurrency` workers runs, as even as possible (`bench.py` splits the same way).
func shares(of operations: Int, over concurrency: Int) -> [Int] {
    (0..<concurrency).map { operations / concurrency + ($0 < operations % concurrency ? 1 : 0) }
}

/// The generation every client sends: the user's trained model, a fixed prompt and seed.
func generation(user userID: UserID, version: ModelVersionID) throws -> GenerationRequest {
    let user = AuthenticatedUser.verifiedByHost(userID, via: "client-comparison")
    let record = UserModelRecord(
        userID: userID, replicateModelID: .selfieModel(for: userID, owner: .sandrasocial),
        replicateVersionID: version, triggerWord: TriggerWord(for: userID), trainingStatus: .completed,
        createdAt: Date(), updatedAt: Date())
    let model = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
    return try GenerationRequest(
        model: model, prompt: UserPrompt("\(model.triggerWord) on a rooftop at dusk", for: model),
        seed: GenerationSeed(7))
}

/// A client whose rate budget never holds a request back: the simulator's limits are off too, so the
/// budget's bookkeeping is measured but not Replicate's pacing (the Python client has no budget).
func unthrottledClient(apiURL: URL, token: String, transport: any HTTPTransport) throws -> ReplicateClient {
    let open = RateLimit(requestsPerMinute: 60_000_000, burst: 1_000_000)
    return try ReplicateClient(
        token: APIToken(token), baseURL: apiURL, transport: transport,
        budget: RateBudget(limits: RateBudget.Limits(predictionCreate: open, general: open)))
}

// MARK: - The library child

/// In a child process: `operations` create-and-wait operations over `transport` at `concurrency`;
/// prints one JSON ``Measurement``.
func runLibrary(
    transport name: String, apiURL: URL, token: String, user: UserID, version: ModelVersionID, concurrency: Int,
    operations: Int, pollInterval: Duration
) async throws {
    let request = try generation(user: user, version: version)
    var httpClient: HTTPClient?
    let transport: any HTTPTransport
    switch name {
    case "urlsession":
        transport = URLSessionTransport()
    case "async-http-client":
        let made = AsyncHTTPClientTransport.makeClient()
        httpClient = made
        transport = AsyncHTTPClientTransport(client: made)
    default:
        throw BenchmarkFailure(description: "unknown transport \(name)")
    }
    let client = try unthrottledClient(apiURL: apiURL, token: token, transport: transport)
    let cpuAtStart = cpuSeconds()
    let start = ContinuousClock.now
    let succeeded = try await withThrowingTaskGroup(of: Int.self) { group in
        for count in shares(of: operations, over: concurrency) {
            group.addTask {
                var succeeded = 0
                for _ in 0..<count {
                    var prediction = try await client.createPrediction(request)
                    while !prediction.status.isTerminal {
                        try await Task.sleep(for: pollInterval)
                        prediction = try await client.prediction(prediction.id, for: request.user.id)
                    }
                    if prediction.status == .succeeded { succeeded += 1 }
                }
                return succeeded
            }
        }
        return try await group.reduce(0, +)
    }
    let seconds = elapsedSeconds(since: start)
    let measurement = Measurement(
        operations: operations, succeeded: succeeded, failures: operations - succeeded, seconds: seconds,
        peakRSSBytes: status("VmHWM"), anonymousRSSBytes: status("RssAnon"), cpuSeconds: cpuSeconds() - cpuAtStart)
    try await httpClient?.shutdown()
    print(String(decoding: try JSONEncoder().encode(measurement), as: UTF8.self))
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "__run-library" {
    guard arguments.count == 9, let apiURL = URL(string: arguments[2]), let concurrency = Int(arguments[6]),
        let operations = Int(arguments[7]), let poll = Double(arguments[8])
    else {
        FileHandle.standardError.write(
            Data("usage: __run-library TRANSPORT API_URL TOKEN USER VERSION N OPS POLL\n".utf8))
        exit(2)
    }
    try await runLibrary(
        transport: arguments[1], apiURL: apiURL, token: arguments[3], user: UserID(arguments[4]),
        version: ModelVersionID(arguments[5]), concurrency: concurrency, operations: operations,
        pollInterval: .seconds(poll))
    exit(0)
}

// MARK: - Options

struct Options: Sendable {
    var concurrency = [1, 16, 64]
    var operations = [60, 640, 2560]
    var pollInterval = 0.5
    var timeScale = 0.0001
    var summary: String?
    var simURL: String?
    var token = defaultToken
    var python: String?
    var pythonModes = ["asyncio", "threads"]
    var clients = ["urlsession", "async-http-client", "python"]

    init(_ arguments: [String]) throws {
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else {
                throw BenchmarkFailure(description: "\(arguments[index - 1]) needs a value")
            }
            return arguments[index]
        }
        func integers(_ text: String) throws -> [Int] {
            let values = text.split(separator: ",").compactMap { Int($0) }
            guard !values.isEmpty, values.count == text.split(separator: ",").count, values.allSatisfy({ $0 > 0 })
            else { throw BenchmarkFailure(description: "expected positive integers separated by commas: \(text)") }
            return values
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--concurrency": concurrency = try integers(try value())
            case "--operations": operations = try integers(try value())
            case "--poll-interval":
                guard let seconds = Double(try value()), seconds >= 0 else {
                    throw BenchmarkFailure(description: "--poll-interval takes seconds")
                }
                pollInterval = seconds
            case "--time-scale":
                guard let scale = Double(try value()), scale > 0 else {
                    throw BenchmarkFailure(description: "--time-scale takes a positive number")
                }
                timeScale = scale
            case "--summary": summary = try value()
            case "--sim-url": simURL = try value()
            case "--token": token = try value()
            case "--python": python = try value()
            case "--python-mode": pythonModes = try value().split(separator: ",").map(String.init)
            case "--clients": clients = try value().split(separator: ",").map(String.init)
            default: throw BenchmarkFailure(description: "unknown option \(arguments[index]); see the file's header")
            }
            index += 1
        }
        guard operations.count == concurrency.count else {
            throw BenchmarkFailure(description: "--operations needs one count per --concurrency level")
        }
        guard !pythonModes.isEmpty, pythonModes.allSatisfy(["asyncio", "threads"].contains) else {
            throw BenchmarkFailure(description: "--python-mode takes asyncio, threads or both")
        }
        let known: Set = ["urlsession", "async-http-client", "python"]
        guard !clients.isEmpty, clients.allSatisfy(known.contains) else {
            throw BenchmarkFailure(description: "--clients takes urlsession, async-http-client, python")
        }
    }
}

let options: Options
do {
    options = try Options(arguments)
} catch {
    FileHandle.standardError.write(Data("client-comparison: \(error)\n".utf8))
    exit(2)
}

/// Where things are.
enum Paths {
    /// The package root (this file is Benchmarks/ClientComparison/main.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// This program, for the library's child processes; `selfie-sim` is expected beside it.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    /// Scratch files of this run (logs, the archive, the prediction body).
    static let workspace = FileManager.default.temporaryDirectory.appendingPathComponent(
        "client-comparison-\(getpid())")
}
try FileManager.default.createDirectory(at: Paths.workspace, withIntermediateDirectories: true)

// MARK: - Processes

/// Runs a program to its end and returns its exit status and standard output (standard error goes to
/// `log`).
func run(_ program: URL, _ arguments: [String], log: URL? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    if let log {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
    }
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// `selfie-sim` from the build folder this program runs from, on a free loopback port.
final class SimulatorProcess {
    let process = Process()
    let rootURL: String

    init(timeScale: Double, token: String) throws {
        let binary = Paths.executable.deletingLastPathComponent().appendingPathComponent("selfie-sim")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchmarkFailure(
                description:
                    "\(binary.path) is not built; run `swift build -c release --product selfie-sim` (or pass --sim-url)"
            )
        }
        let log = Paths.workspace.appendingPathComponent("selfie-sim.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = binary
        process.arguments = [
            "--host", "127.0.0.1", "--port", "0", "--owner", "sandrasocial", "--token", token, "--no-rate-limits",
            "--time-scale", String(timeScale),
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("selfie-sim listening on ") }) {
                rootURL = String(line.dropFirst("selfie-sim listening on ".count))
                return
            }
            guard process.isRunning else { throw BenchmarkFailure(description: "selfie-sim exited early:\n\(text)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw BenchmarkFailure(description: "selfie-sim did not print its address within 30 s")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// A Python interpreter with `replicate==1.0.7`: `--python`, else the virtualenv in
/// `.build/client-comparison-venv`, made (and `pip install`ed) when missing. `nil`, with a message, when
/// that cannot be done.
func pythonWithReplicate(_ given: String?) -> URL? {
    let check = "import replicate.__about__ as a, sys; sys.exit(0 if a.__version__ == '1.0.7' else 1)"
    if let given {
        let python = URL(fileURLWithPath: given)
        if (try? run(python, ["-c", check]))?.status == 0 { return python }
        print("client-comparison: \(given) has no \(pythonClientRequirement); skipping the Python client.")
        return nil
    }
    let venv = Paths.packageRoot.appendingPathComponent(".build/client-comparison-venv")
    let python = venv.appendingPathComponent("bin/python")
    if (try? run(python, ["-c", check]))?.status == 0 { return python }
    print("Provisioning \(pythonClientRequirement) in \(venv.path) (python3 -m venv, pip install)…")
    let log = Paths.workspace.appendingPathComponent("pip.log")
    let steps: [(URL, [String])] = [
        (URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", venv.path]),
        (python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", pythonClientRequirement]),
    ]
    for (program, arguments) in steps {
        guard let result = try? run(program, arguments, log: log), result.status == 0 else {
            let detail = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            print(
                """
                client-comparison: could not provision the official Python client (\(arguments.joined(separator: " "))).
                It needs python3 with venv and pip, and PyPI. Pass --python PATH to use an interpreter that
                already has \(pythonClientRequirement). Measuring the library only.
                \(detail.suffix(2000))
                """)
            return nil
        }
    }
    return python
}

/// Trains the user's model on the simulator (once) and returns its version.
func trainModel(apiURL: URL, token: String, user userID: UserID) async throws -> ModelVersionID {
    let client = try unthrottledClient(apiURL: apiURL, token: token, transport: URLSessionTransport())
    let user = AuthenticatedUser.verifiedByHost(userID, via: "client-comparison")
    let modelID = ReplicateModelID.selfieModel(for: userID, owner: .sandrasocial)
    do {
        _ = try await client.createModel(modelID, for: userID)
    } catch let error as ReplicateError where error.code == .conflict {
        // A running simulator given with --sim-url may have the model from an earlier run.
    }
    let archive = Paths.workspace.appendingPathComponent("selfies.zip")
    try TinySelfieArchive.zip.write(to: archive)
    let file = try await client.uploadFile(
        contentsOf: archive, filename: "selfies.zip", contentType: "application/zip", for: userID)
    guard let imagesURL = file.url else { throw BenchmarkFailure(description: "the upload has no URL") }
    var training = try await client.createTraining(
        TrainingRequest(for: user, owner: .sandrasocial, inputImagesURL: imagesURL))
    let deadline = ContinuousClock.now + .seconds(120)
    while !training.status.isTerminal, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
        training = try await client.training(training.id, for: userID)
    }
    guard training.status == .succeeded, let version = training.trainingOutput?.version else {
        throw BenchmarkFailure(description: "the setup training ended \(training.status)")
    }
    return version
}

/// A stored zip holding one 1×1 PNG: enough for the simulated trainer.
enum TinySelfieArchive {
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
        0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00,
        0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
        0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    static let zip: Data = {
        let name = Array("selfie-01.png".utf8)
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in png {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc = ~crc
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
        var local: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
        local += le32(crc) + le32(UInt32(png.count)) + le32(UInt32(png.count)) + le16(name.count) + le16(0)
        local += name + png
        var central: [UInt8] = [0x50, 0x4B, 0x01, 0x02] + le16(20) + le16(20) + le16(0) + le16(0) + le16(0)
        central += le16(0x21) + le32(crc) + le32(UInt32(png.count)) + le32(UInt32(png.count))
        central += le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(0) + name
        var end: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(1) + le16(1)
        end += le32(UInt32(central.count)) + le32(UInt32(local.count)) + le16(0)
        return Data(local + central + end)
    }()
}

/// Runs one measurement in a child process and decodes its report.
func measure(
    client: String, concurrency: Int, operations: Int, rootURL: String, version: ModelVersionID, user: UserID,
    python: URL?, bodyFile: URL, options: Options
) throws -> Measurement {
    let program: URL
    let childArguments: [String]
    if client.hasPrefix("python-") {
        guard let python else { throw BenchmarkFailure(description: "no Python client") }
        program = python
        childArguments = [
            Paths.packageRoot.appendingPathComponent("Benchmarks/ClientComparison/python/bench.py").path,
            "--base-url", rootURL, "--token", options.token, "--body", bodyFile.path, "--concurrency",
            String(concurrency), "--operations", String(operations), "--poll-interval", String(options.pollInterval),
            "--mode", String(client.dropFirst("python-".count)),
        ]
    } else {
        program = Paths.executable
        childArguments = [
            "__run-library", client, rootURL + "/v1", options.token, user.description, version.description,
            String(concurrency), String(operations), String(options.pollInterval),
        ]
    }
    let log = Paths.workspace.appendingPathComponent("child.log")
    let result = try run(program, childArguments, log: log)
    let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
    guard result.status == 0, let measurement = try? JSONDecoder().decode(Measurement.self, from: Data(line.utf8))
    else {
        let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw BenchmarkFailure(
            description: "the \(client) child failed (\(result.status)):\n\(result.output)\n\(errors.suffix(3000))")
    }
    return measurement
}

// MARK: - The comparison

/// One row of the table and of the summary.
struct Row: Codable {
    var client: String
    var concurrency: Int
    var operations: Int
    var failures: Int
    var seconds: Double
    var operationsPerSecond: Double
    var peakRSSBytes: Int
    var anonymousRSSBytes: Int
    var cpuSeconds: Double
    var cpuMillisecondsPerOperation: Double

    enum CodingKeys: String, CodingKey {
        case client, concurrency, operations, failures, seconds
        case operationsPerSecond = "operations_per_second"
        case peakRSSBytes = "peak_rss_bytes"
        case anonymousRSSBytes = "anon_rss_bytes"
        case cpuSeconds = "cpu_seconds"
        case cpuMillisecondsPerOperation = "cpu_ms_per_operation"
    }
}

/// The library over one transport against the Python client (in one mode) at one level.
struct Ratio: Codable {
    var transport: String
    /// `python-asyncio` or `python-threads`.
    var python: String
    var concurrency: Int
    /// Library operations per second ÷ Python's.
    var throughput: Double
    /// Python's peak resident set ÷ the library's.
    var memory: Double
    /// Python's anonymous (private) resident memory ÷ the library's.
    var anonymousMemory: Double
    /// Python's CPU time per operation ÷ the library's.
    var cpuPerOperation: Double

    enum CodingKeys: String, CodingKey {
        case transport, python, concurrency, throughput, memory
        case anonymousMemory = "anon_memory"
        case cpuPerOperation = "cpu_per_operation"
    }
}

struct Summary: Codable {
    var benchmark = "client-comparison"
    var date: String
    var command: String
    var pollIntervalSeconds: Double
    var timeScale: Double
    var pythonClient: String?
    var cpus: Int
    var memoryBytes: UInt64
    var loadAverageBefore: String
    var loadAverageAfter: String
    var rows: [Row]
    var ratios: [Ratio]
    /// At the highest level: throughput ≥ 5× and peak RSS ≤ ½ of the Python client's, per transport and
    /// Python mode.
    var targetMet: [String: Bool]

    enum CodingKeys: String, CodingKey {
        case benchmark, date, command, cpus, rows, ratios
        case pollIntervalSeconds = "poll_interval_seconds"
        case timeScale = "time_scale"
        case pythonClient = "python_client"
        case memoryBytes = "memory_bytes"
        case loadAverageBefore = "load_average_before"
        case loadAverageAfter = "load_average_after"
        case targetMet = "target_met"
    }
}

/// The 1-, 5- and 15-minute load averages (/proc/loadavg): how busy the machine was around the run.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
func padded(_ text: String, _ width: Int, right: Bool = true) -> String {
    let gap = String(repeating: " ", count: max(0, width - text.count))
    return right ? gap + text : text + gap
}

let command = (["client-comparison"] + arguments).joined(separator: " ")
var simulator: SimulatorProcess?
do {
    let rootURL: String
    if let given = options.simURL {
        rootURL = given.hasSuffix("/") ? String(given.dropLast()) : given
    } else {
        let started = try SimulatorProcess(timeScale: options.timeScale, token: options.token)
        simulator = started
        rootURL = started.rootURL
    }
    let python = options.clients.contains("python") ? pythonWithReplicate(options.python) : nil
    let user = try UserID("4242")
    let version = try await trainModel(apiURL: URL(string: rootURL + "/v1")!, token: options.token, user: user)
    let bodyFile = Paths.workspace.appendingPathComponent("prediction-body.json")
    try generation(user: user, version: version).jsonBody().write(to: bodyFile)
    // "python" runs once per --python-mode: python-asyncio, python-threads.
    let clients = options.clients.flatMap { client in
        client != "python" ? [client] : python == nil ? [] : options.pythonModes.map { "python-\($0)" }
    }
    let loadBefore = loadAverage()

    print(
        """
        client-comparison: \(command)
        selfie-sim \(rootURL) (rate limits off, --time-scale \(options.timeScale)); poll interval \(options.pollInterval) s \
        for every client; Python: \(pythonClientRequirement) (\(options.pythonModes.joined(separator: ", ")))
        Load average before: \(loadBefore) (\(ProcessInfo.processInfo.activeProcessorCount) CPUs)
        Each operation: POST /v1/predictions (the same body), then GET /v1/predictions/{id} every poll interval until terminal.
        """)
    print(
        [
            padded("conc", 4), padded("client", 18, right: false), padded("ops", 6), padded("fail", 4),
            padded("seconds", 8), padded("ops/s", 9), padded("peak RSS", 10), padded("anon RSS", 10),
            padded("CPU ms/op", 9),
        ].joined(separator: "  "))
    var rows: [Row] = []
    for (concurrency, operations) in zip(options.concurrency, options.operations) {
        for client in clients {
            let measured = try measure(
                client: client, concurrency: concurrency, operations: operations, rootURL: rootURL,
                version: version, user: user, python: python, bodyFile: bodyFile, options: options)
            let row = Row(
                client: client, concurrency: concurrency, operations: measured.operations,
                failures: measured.failures, seconds: measured.seconds,
                operationsPerSecond: Double(measured.operations) / measured.seconds,
                peakRSSBytes: measured.peakRSSBytes, anonymousRSSBytes: measured.anonymousRSSBytes,
                cpuSeconds: measured.cpuSeconds,
                cpuMillisecondsPerOperation: measured.cpuSeconds * 1000 / Double(max(1, measured.operations)))
            rows.append(row)
            print(
                [
                    padded(String(concurrency), 4), padded(client, 18, right: false), padded(String(row.operations), 6),
                    padded(String(row.failures), 4), padded(String(format: "%.2f", row.seconds), 8),
                    padded(String(format: "%.1f", row.operationsPerSecond), 9),
                    padded(megabytes(row.peakRSSBytes), 10), padded(megabytes(row.anonymousRSSBytes), 10),
                    padded(String(format: "%.2f", row.cpuMillisecondsPerOperation), 9),
                ].joined(separator: "  "))
        }
    }

    var ratios: [Ratio] = []
    for concurrency in options.concurrency {
        let level = rows.filter { $0.concurrency == concurrency }
        for reference in level where reference.client.hasPrefix("python-") {
            for row in level where !row.client.hasPrefix("python-") {
                ratios.append(
                    Ratio(
                        transport: row.client, python: reference.client, concurrency: concurrency,
                        throughput: row.operationsPerSecond / reference.operationsPerSecond,
                        memory: Double(reference.peakRSSBytes) / Double(row.peakRSSBytes),
                        anonymousMemory: Double(reference.anonymousRSSBytes) / Double(row.anonymousRSSBytes),
                        cpuPerOperation: reference.cpuMillisecondsPerOperation / row.cpuMillisecondsPerOperation))
            }
        }
    }
    var targetMet: [String: Bool] = [:]
    if !ratios.isEmpty {
        print(
            "\nRatios (throughput: library ops/s ÷ Python's; peak RSS, anon RSS and CPU/op: Python's ÷ library's):")
        for ratio in ratios {
            print(
                "  \(padded(String(ratio.concurrency), 2)) concurrent  \(padded(ratio.transport, 18, right: false))"
                    + " vs \(padded(ratio.python, 15, right: false))"
                    + String(
                        format: "  throughput %.2f×   peak RSS %.2f×   anon RSS %.2f×   CPU/op %.2f×", ratio.throughput,
                        ratio.memory, ratio.anonymousMemory, ratio.cpuPerOperation))
        }
        let top = options.concurrency.max() ?? 64
        for ratio in ratios where ratio.concurrency == top {
            let met = ratio.throughput >= 5 && ratio.memory >= 2
            targetMet["\(ratio.transport) vs \(ratio.python)"] = met
            print(
                "target at \(top) concurrent (throughput ≥ 5×, peak RSS ≤ ½): \(ratio.transport) vs \(ratio.python) "
                    + (met ? "met" : "missed"))
        }
    }
    print("Load average after: \(loadAverage())")

    if let path = options.summary {
        let formatter = ISO8601DateFormatter()
        let summary = Summary(
            date: formatter.string(from: Date()), command: command, pollIntervalSeconds: options.pollInterval,
            timeScale: options.timeScale,
            pythonClient: python == nil
                ? nil : "\(pythonClientRequirement) (\(options.pythonModes.joined(separator: ", ")))",
            cpus: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
            loadAverageBefore: loadBefore, loadAverageAfter: loadAverage(), rows: rows, ratios: ratios,
            targetMet: targetMet)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: URL(fileURLWithPath: path))
        print("summary written to \(path)")
    }
    simulator?.stop()
    try? FileManager.default.removeItem(at: Paths.workspace)
} catch {
    simulator?.stop()
    try? FileManager.default.removeItem(at: Paths.workspace)
    FileHandle.standardError.write(Data("client-comparison: \(error)\n".utf8))
    exit(1)
}
