import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The short form of the fleet run (the long form is `swift run -c release selfie-fleet`; Docs/benchmarks.md):
/// the same program and the same checks, on fewer users and two host processes, plus a run broken on
/// purpose that the checks must catch.
@Suite("selfie-fleet", .serialized)
struct FleetTests {
    /// Users in the short form: `FLEET_TEST_USERS`, 50 by default.
    static var users: Int {
        Int(ProcessInfo.processInfo.environment["FLEET_TEST_USERS"] ?? "") ?? 50
    }

    @Test("users on two host processes: every check holds, and the figures are written")
    func shortFleet() throws {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: summary) }
        let result = try Fleet.run(["--users", String(Self.users), "--instances", "2", "--summary", summary.path])
        #expect(result.status == 0, "the fleet failed:\n\(result.output)")
        #expect(result.output.contains("PASSED: every check held."))
        let figures = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any])
        #expect(figures["users_completed"] as? Int == Self.users)
        for key in [
            "lost", "duplicated", "provenance_violations", "quota_errors", "cross_user_leaks", "stray_files",
            "non_terminal",
        ] {
            #expect(figures[key] as? Int == 0, "\(key) is \(figures[key] ?? "missing")")
        }
        #expect(figures["simulator_predictions"] as? Int == 3 * Self.users)
        #expect(figures["simulator_trainings"] as? Int == Self.users)
        let peaks = try #require(figures["peak_rss_bytes"] as? [String: Int])
        #expect(peaks.count == 2)
        for (host, peak) in peaks {
            #expect(peak > 0 && peak <= 256 << 20, "\(host) peaked at \(peak) bytes")
        }
        let latency = try #require(figures["latency_ms"] as? [String: [String: Double]])
        for call in ["addSelfies", "startTraining", "maya.generate", "photoshoot.generate", "webhook"] {
            #expect(latency[call]?["count"] ?? 0 > 0, "no latency figures for \(call)")
        }
        for key in ["budget_use", "db_bytes", "wall_seconds", "cpu_seconds", "fairness", "rows_per_user"] {
            #expect(figures[key] != nil, "\(key) missing")
        }
    }

    @Test("a run broken on purpose fails, naming each fault")
    func sabotage() throws {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: summary) }
        let result = try Fleet.run([
            "--users", "3", "--instances", "2", "--summary", summary.path,
            "--sabotage", "duplicate-prediction,corrupt-photo,stray-file,quota",
        ])
        #expect(result.status == 1, "the broken run did not fail:\n\(result.output)")
        #expect(result.output.contains("FAILED"))
        #expect(result.output.contains("belongs to no recorded generation"), "the duplicate went unseen")
        #expect(result.output.contains("is missing or differs in the image store"), "the corrupt photo went unseen")
        #expect(result.output.contains("belongs to no photo of its user"), "the stray file went unseen")
        #expect(result.output.contains("quota-exceeded") || result.output.contains("429"), "the quota went unseen")
        let figures = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any])
        #expect(figures["duplicated"] as? Int ?? 0 >= 1)
        #expect(figures["photo_mismatches"] as? Int ?? 0 >= 1)
        #expect(figures["stray_files"] as? Int ?? 0 >= 1)
        #expect(figures["quota_errors"] as? Int ?? 0 >= 1)
        #expect(figures["users_completed"] as? Int ?? 3 < 3)
    }
}

/// The short form of the chaos run (the long form: `swift run -c release selfie-fleet --chaos`, 100 users and
/// 20 kills; Docs/benchmarks.md): 20 users on two hosts, 5 kills, one PostgreSQL restart, every other fault.
@Suite("selfie-fleet --chaos", .serialized)
struct ChaosTests {
    /// The chaos seed: `FLEET_CHAOS_SEED`, or 1.
    static var seed: String { ProcessInfo.processInfo.environment["FLEET_CHAOS_SEED"] ?? "1" }

    @Test("under every fault at once nothing is lost, duplicated, charged wrongly or crossed")
    func shortChaos() throws {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: summary) }
        let result = try Fleet.run([
            "--chaos", "--users", "20", "--instances", "2", "--kills", "5", "--seed", Self.seed,
            // Journeys take about five minutes here; a run that has not ended in twenty has a job stuck.
            "--timeout", "1200", "--summary", summary.path,
        ])
        #expect(result.status == 0, "the chaos run failed:\n\(result.output)")
        #expect(result.output.contains("PASSED: every check held under chaos (seed \(Self.seed))"))
        let figures = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any])
        for key in [
            "non_terminal", "lost", "duplicated", "wrongly_charged", "crossed", "photo_mismatches",
        ] {
            #expect(figures[key] as? Int == 0, "\(key) is \(figures[key] ?? "missing")")
        }
        let faults = try #require(figures["faults"] as? [String: Any])
        #expect(faults["host_restarts"] as? Int == 5)
        #expect((faults["host_kills_by_phase"] as? [String: Int])?.values.reduce(0, +) == 5)
        #expect(faults["database_restarts"] as? Int == 1)
        #expect(faults["image_write_failures"] as? Int ?? 0 > 0)
        let replicate = try #require(faults["replicate"] as? [String: Int])
        for kind in ["server_errors", "webhooks_dropped", "webhooks_duplicated", "webhooks_delayed"] {
            #expect(replicate[kind] ?? 0 > 0, "no \(kind) injected")
        }
        #expect(figures["time_to_end_seconds"] as? [String: Any] != nil)
    }

    @Test("a chaos run broken on purpose fails, naming each fault")
    func sabotagedChaos() throws {
        let result = try Fleet.run([
            "--chaos", "--users", "3", "--instances", "2", "--kills", "1", "--seed", Self.seed,
            "--sabotage", "duplicate-prediction,corrupt-photo,stray-file",
        ])
        #expect(result.status == 1, "the broken run did not fail:\n\(result.output)")
        #expect(result.output.contains("belongs to no recorded generation"), "the duplicate went unseen")
        #expect(result.output.contains("is missing or differs in the image store"), "the corrupt photo went unseen")
        #expect(result.output.contains("belongs to no photo of its user"), "the stray file went unseen")
    }
}

enum Fleet {
    struct Result {
        let status: Int32
        let output: String
    }

    /// Runs the built `selfie-fleet` (beside this test bundle) and collects its output.
    static func run(_ arguments: [String]) throws -> Result {
        let executable = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/",
            !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("selfie-fleet").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        let process = Process()
        process.executableURL = directory.appendingPathComponent("selfie-fleet")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "REPLICATE_API_TOKEN", "REPLICATE_API_BASE_URL", "PUBLIC_URL"] {
            environment.removeValue(forKey: key)
        }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return Result(status: reap(process), output: String(decoding: data, as: UTF8.self))
    }

    /// The exit status of `process`, reaped here with `waitpid`: after a run of minutes, Foundation's
    /// `waitUntilExit()` was seen to wait for good on a child that had exited (a zombie it never reaped).
    private static func reap(_ process: Process) -> Int32 {
        var status: Int32 = 0
        while true {
            let result = waitpid(process.processIdentifier, &status, 0)
            if result == process.processIdentifier {
                // WIFEXITED / WEXITSTATUS, and a signal's number as 128 + n like a shell.
                return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            }
            if result == -1 && errno == EINTR { continue }
            // Foundation reaped it first: its status is then known.
            while process.isRunning { usleep(10_000) }
            return process.terminationStatus
        }
    }
}
