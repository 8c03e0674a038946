import Foundation
import Testing

/// Replicate's official Python client (`replicate==1.0.7`, which no one here wrote) drives the
/// `selfie-sim` binary over a real socket through models, files, trainings, predictions, webhooks,
/// errors and isolation (`Resources/conformance.py`).
///
/// Needs `python3` with `venv` and PyPI (or `SELFIE_SIM_PYTHON`, a Python that already has
/// `replicate==1.0.7`), and the built `selfie-sim` next to the test bundle (or `SELFIE_SIM_BINARY`).
@Suite("Conformance with Replicate's official Python client", .timeLimit(.minutes(6)))
struct ConformanceTests {
    @Test("replicate==1.0.7 runs the whole flow against selfie-sim without a mismatch")
    func officialPythonClient() throws {
        let workspace = FileManager.default.temporaryDirectory
            .appendingPathComponent("selfie-sim-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }

        let python = try pythonWithReplicate(in: workspace)
        let binary = try selfieSimBinary()
        let serverLog = workspace.appendingPathComponent("selfie-sim.log")
        _ = FileManager.default.createFile(atPath: serverLog.path, contents: nil)
        let server = Process()
        server.executableURL = binary
        server.arguments = [
            "--port", "0", "--time-scale", "0.005", "--owner", "alice", "--token", "r8_conformance_alice",
            "--account", "bob=r8_conformance_bob",
        ]
        let logHandle = try FileHandle(forWritingTo: serverLog)
        server.standardOutput = logHandle
        server.standardError = logHandle
        try server.run()
        defer {
            if server.isRunning {
                server.terminate()
                server.waitUntilExit()
            }
            try? logHandle.close()
        }

        let baseURL = try waitForListeningURL(in: serverLog, server: server)
        var environment = ProcessInfo.processInfo.environment
        environment["SIM_URL"] = baseURL
        environment["SIM_OWNER"] = "alice"
        environment["SIM_TOKEN"] = "r8_conformance_alice"
        environment["SIM_OTHER_OWNER"] = "bob"
        environment["SIM_OTHER_TOKEN"] = "r8_conformance_bob"
        environment["REPLICATE_POLL_INTERVAL"] = "0.1"
        let script = try #require(
            Bundle.module.url(forResource: "conformance", withExtension: "py", subdirectory: "Resources"))
        let result = try run(python, [script.path], environment: environment, timeout: 240)
        let serverOutput = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? ""
        #expect(
            result.status == 0,
            "conformance.py exited \(result.status):\n\(result.output)\n--- selfie-sim ---\n\(serverOutput)")
        #expect(result.output.contains("conformance OK"), "\(result.output)")
    }

    /// A Python interpreter with `replicate==1.0.7`: `SELFIE_SIM_PYTHON`, or a fresh virtualenv.
    private func pythonWithReplicate(in workspace: URL) throws -> URL {
        if let given = ProcessInfo.processInfo.environment["SELFIE_SIM_PYTHON"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        let venv = workspace.appendingPathComponent("venv")
        let created = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", venv.path], timeout: 120)
        try #require(created.status == 0, "python3 -m venv failed:\n\(created.output)")
        let python = venv.appendingPathComponent("bin/python")
        let installed = try run(
            python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "replicate==1.0.7"], timeout: 240)
        try #require(installed.status == 0, "pip install replicate==1.0.7 failed:\n\(installed.output)")
        return python
    }

    /// The `selfie-sim` built beside this test bundle, or `SELFIE_SIM_BINARY`.
    private func selfieSimBinary() throws -> URL {
        if let given = ProcessInfo.processInfo.environment["SELFIE_SIM_BINARY"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        var candidates: [URL] = []
        if let resources = Bundle.module.resourceURL {
            candidates.append(resources.deletingLastPathComponent().appendingPathComponent("selfie-sim"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("selfie-sim"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("selfie-sim"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(
            found, "selfie-sim is not built; run `swift build --product selfie-sim` (looked in \(candidates))")
    }

    private func waitForListeningURL(in log: URL, server: Process) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("selfie-sim listening on ") }) {
                return String(line.dropFirst("selfie-sim listening on ".count))
            }
            try #require(server.isRunning, "selfie-sim exited early:\n\(text)")
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("selfie-sim did not print its URL within 30 s")
        throw CancellationError()
    }

    /// Runs a program to completion (killing it after `timeout` seconds) and returns its exit status and
    /// combined output.
    private func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, timeout: TimeInterval
    ) throws -> (status: Int32, output: String) {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("selfie-sim-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            return (-1, "timed out after \(Int(timeout)) s\n" + output)
        }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }
}
