import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process whose output goes to a log file; started and watched by `selfie-fleet run`.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let log: URL
    private let process: Process

    /// Starts `executable` with `arguments` and `environment`, its stdout and stderr appended to `log`.
    init(name: String, executable: URL, arguments: [String], environment: [String: String], log: URL) throws {
        self.name = name
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Waits until the log holds a line containing `marker`, and returns that line.
    func waitForLine(containing marker: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: log, encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.contains(marker) })
            {
                return String(line)
            }
            guard process.isRunning else {
                throw FleetFailure(
                    "\(name) exited (status \(process.terminationStatus)) before it was ready; see \(log.path)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FleetFailure("\(name) was not ready within \(timeout); see \(log.path)")
    }

    /// Sends `signal` and waits (up to 10 s) for the process to end.
    func stop(signal: Int32 = SIGTERM) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        for _ in 0..<200 where process.isRunning {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A failure of the fleet run itself (setup, a check, a user's journey), with what to look at.
struct FleetFailure: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads a process's memory and CPU figures from `/proc` (Linux).
enum ProcStat {
    /// Resident set size now and at its peak (`VmRSS`, `VmHWM`), in bytes.
    static func memory(of pid: Int32) -> (rss: Int, peak: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first
        }
        guard let rss = kilobytes("VmRSS"), let peak = kilobytes("VmHWM") else { return nil }
        return (rss * 1024, peak * 1024)
    }

    /// User plus system CPU seconds the process has used.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// Writes one line to standard output at once (unbuffered, so a parent reading a pipe or a log sees it).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
