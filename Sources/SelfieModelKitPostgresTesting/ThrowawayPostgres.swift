import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts and stops a PostgreSQL server in a temporary folder, from the machine's binaries.
enum ThrowawayPostgres {
    struct Launched: Sendable {
        let folder: URL
        let socketPath: String
        let port: Int
        /// `pg_ctl` and its arguments to stop the server at once (`-m immediate`, no checkpoint, as a crash)
        /// and to start it again on the same port and folder.
        let stop: [String]
        let start: [String]
        let asRoot: Bool
    }

    /// Stops the server at once, as a crash would (`pg_ctl stop -m immediate`), waits `downtime`, and
    /// starts it again on the same port and folder (it recovers from its write-ahead log).
    static func restart(_ launched: Launched, downtime: Duration) async throws {
        try run(launched.stop[0], Array(launched.stop.dropFirst()), asPostgres: launched.asRoot)
        try await Task.sleep(for: downtime)
        try run(launched.start[0], Array(launched.start.dropFirst()), asPostgres: launched.asRoot)
    }

    /// Runs `initdb` and `pg_ctl start`, and arranges for the server to stop when this process ends.
    ///
    /// - Parameter durable: `false` turns off fsync and synchronous commit (fast tests); `true` keeps
    ///   PostgreSQL's durable defaults (the benchmark).
    static func launch(durable: Bool) throws -> Launched {
        let bin = try binaries()
        let asRoot = getuid() == 0
        let folder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("selfie-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data").path
        let socketFolder = folder.appendingPathComponent("socket").path
        try FileManager.default.createDirectory(atPath: socketFolder, withIntermediateDirectories: true)
        if asRoot {
            try run("/bin/chown", ["-R", "postgres:postgres", folder.path])
        }
        let port = try freePort()
        try run(
            bin.appendingPathComponent("initdb").path,
            ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"],
            asPostgres: asRoot)
        var options = [
            "-p \(port)", "-k \(socketFolder)", "-c listen_addresses=127.0.0.1", "-c max_connections=200",
            "-c shared_buffers=128MB",
        ]
        if !durable {
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        }
        let pgCtl = bin.appendingPathComponent("pg_ctl").path
        let start = [
            pgCtl, "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60",
            "-o", options.joined(separator: " "), "start",
        ]
        try run(start[0], Array(start.dropFirst()), asPostgres: asRoot)
        let stopCommand = stopScript(pgCtl: pgCtl, data: data, folder: folder.path, asRoot: asRoot)
        startWatchdog(stopCommand: stopCommand)
        ExitCleanup.register(stopCommand)
        return Launched(
            folder: folder, socketPath: "\(socketFolder)/.s.PGSQL.\(port)", port: port,
            stop: [pgCtl, "-D", data, "-m", "immediate", "-w", "stop"], start: start, asRoot: asRoot)
    }

    /// The newest `/usr/lib/postgresql/<version>/bin` that holds `initdb` and `pg_ctl`.
    static func binaries() throws -> URL {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let candidates = versions.compactMap { version -> (Int, URL)? in
            guard let number = Int(version) else { return nil }
            let bin = root.appendingPathComponent(version).appendingPathComponent("bin")
            guard FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path),
                FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path)
            else { return nil }
            return (number, bin)
        }
        guard let newest = candidates.max(by: { $0.0 < $1.0 }) else {
            throw PostgresTestServerError(
                "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin; install the `postgresql` "
                    + "package or set DATABASE_URL.")
        }
        return newest.1
    }

    private static func stopScript(pgCtl: String, data: String, folder: String, asRoot: Bool) -> String {
        let stop = "\(pgCtl) -D '\(data)' -m immediate -w stop"
        let asPostgres = asRoot ? "runuser -u postgres -- \(stop)" : stop
        return "\(asPostgres) >/dev/null 2>&1; rm -rf '\(folder)'"
    }

    /// A shell that waits for this process to end, then stops the server: covers crashes, where no exit
    /// handler runs.
    private static func startWatchdog(stopCommand: String) {
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stopCommand)"
        _ = try? spawn("/bin/sh", ["-c", script], output: "/dev/null")
    }

    /// Runs a command to completion, as the `postgres` OS user when asked; throws with its output when it
    /// fails.
    ///
    /// This uses `posix_spawn` and `waitpid` rather than Foundation's `Process`: `pg_ctl start` leaves the
    /// server running with descriptors inherited from it, and `Process` would wait for those to close.
    static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = false) throws {
        let outputPath =
            NSTemporaryDirectory() + "selfie-pg-command-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let command = asPostgres ? "/usr/sbin/runuser" : executable
        let commandArguments = asPostgres ? ["-u", "postgres", "--", executable] + arguments : arguments
        let pid = try spawn(command, commandArguments, output: outputPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw PostgresTestServerError(
                "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
    }

    /// Starts `executable` with stdin from /dev/null and stdout and stderr appended to `output`.
    @discardableResult
    static func spawn(_ executable: String, _ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw PostgresTestServerError("cannot start \(executable): error \(result)")
        }
        return pid
    }

    /// A TCP port nobody listens on right now, found by binding port 0 on the loopback interface.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PostgresTestServerError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw PostgresTestServerError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw PostgresTestServerError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Stops servers when the process exits normally.
enum ExitCleanup {
    private final class Commands: @unchecked Sendable {
        private let lock = NSLock()
        private var commands: [String] = []

        func append(_ command: String) -> Bool {
            lock.withLock {
                commands.append(command)
                return commands.count == 1
            }
        }

        var all: [String] { lock.withLock { commands } }
    }

    private static let commands = Commands()

    static func register(_ command: String) {
        if commands.append(command) {
            atexit {
                for command in ExitCleanup.commands.all {
                    try? ThrowawayPostgres.run("/bin/sh", ["-c", command])
                }
            }
        }
    }
}
