import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import SelfieModelKitServices
import SelfieModelKitTesting

#if canImport(Glibc)
    import Glibc
#endif

/// One fleet run: the database, the simulator and the hosts, the users, the checks and the figures.
struct FleetRun: Sendable {
    let options: RunCommand
    let folder: URL
    let owner: String

    init(options: RunCommand) throws {
        self.options = options
        if let workDirectory = options.workDirectory {
            folder = URL(fileURLWithPath: workDirectory, isDirectory: true)
        } else {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfie-fleet-\(getpid())")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        owner =
            ProcessInfo.processInfo.environment["REPLICATE_OWNER"].flatMap { $0.isEmpty ? nil : $0 } ?? "sandrasocial"
    }

    private func say(_ line: String) { emit(line) }

    /// Runs everything; returns whether every check held.
    func run() async throws -> Bool {
        let runStart = ContinuousClock.now
        let deadline = runStart + .seconds(options.timeout)
        say(
            "selfie-fleet: \(options.resolvedUsers) users on \(options.instances) host processes; folder \(folder.path)"
        )

        // The database: the one given, or a throwaway server with a database owned by a non-superuser role.
        let (databaseURL, server) = try await Self.database(given: options.databaseURL, prefix: "fleet")
        _ = server
        var pgConfiguration = try PostgresConnectionURL(databaseURL).clientConfiguration()
        pgConfiguration.options.maximumConnections = 8
        let postgres = PostgresClient(configuration: pgConfiguration)
        let postgresTask = Task { await postgres.run() }
        defer { postgresTask.cancel() }
        let store = PostgresSelfieModelStore(client: postgres)
        try await store.migrate()
        try await store.verifyConnectionRole()

        // Replicate: selfie-sim over HTTP, started here or given.
        var children: [ChildProcess] = []
        defer { for child in children where child.isRunning { kill(child.pid, SIGKILL) } }
        let apiBase: String
        let token: String
        if let given = options.replicateBaseURL {
            apiBase = given.hasSuffix("/") ? String(given.dropLast()) : given
            guard let environmentToken = ProcessInfo.processInfo.environment["REPLICATE_API_TOKEN"],
                !environmentToken.isEmpty
            else { throw ValidationError("--replicate-base-url needs REPLICATE_API_TOKEN in the environment.") }
            token = environmentToken
            say("  replicate: \(apiBase) (given)")
        } else {
            token = "fleet-" + UUID().uuidString.lowercased()
            let simulator = try ChildProcess(
                name: "selfie-sim", executable: Self.sibling("selfie-sim"),
                arguments: [
                    "--port", "0", "--time-scale", String(options.timeScale), "--seed", String(options.seed),
                    "--owner", owner, "--token", token,
                ],
                environment: ProcessInfo.processInfo.environment, log: folder.appendingPathComponent("selfie-sim.log"))
            children.append(simulator)
            let line = try await simulator.waitForLine(containing: "listening on", timeout: .seconds(60))
            apiBase = String(line.split(separator: " ").last ?? "") + "/v1"
            say("  replicate: selfie-sim at \(apiBase), time scale \(options.timeScale), rate limits on")
        }

        // The hosts.
        let images = folder.appendingPathComponent("images", isDirectory: true)
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let environment = Self.hostEnvironment(
            token: token, apiBase: apiBase, owner: owner, databaseURL: databaseURL,
            monthlyQuota: options.sabotages.contains(.quota) ? 2 : 3)
        var hosts: [ChildProcess] = []
        var hostURLs: [String] = []
        for index in 0..<options.instances {
            let host = try ChildProcess(
                name: "host \(index)", executable: Self.sibling("selfie-fleet"),
                arguments: [
                    "host", "--index", String(index), "--images", images.path,
                    "--reconcile-interval", String(options.resolvedReconcileInterval),
                ],
                environment: environment, log: folder.appendingPathComponent("host-\(index).log"))
            children.append(host)
            hosts.append(host)
        }
        for host in hosts {
            let line = try await host.waitForLine(containing: "listening on", timeout: .seconds(120))
            hostURLs.append(String(line.split(separator: " ").last ?? ""))
        }
        say("  hosts: \(zip(hosts, hostURLs).map { "\($0.name) pid \($0.pid) at \($1)" }.joined(separator: "; "))")

        let inFlightUsers =
            options.concurrency > 0 ? min(options.concurrency, options.resolvedUsers) : options.resolvedUsers
        var httpConfiguration = HTTPClient.Configuration()
        // Every user in flight may hold a connection to each host; a request waits for one up to two minutes.
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(64, inFlightUsers + 16)
        httpConfiguration.timeout.connect = .seconds(120)
        httpConfiguration.redirectConfiguration = .disallow
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let sampler = ResourceSampler(processes: hosts.map { ($0.name, $0.pid) }, start: runStart)
        let sampling = Task { await sampler.run() }

        // The users' selfies: distinct synthetic people, rendered before the clock starts.
        let persons = await withTaskGroup(of: (Int, [SyntheticSelfies.Selfie]).self) { group in
            for person in 0..<options.selfiePersons {
                group.addTask { (person, SyntheticSelfies.make(count: 12, seed: UInt64(person) + 1)) }
            }
            var rendered: [Int: [SyntheticSelfies.Selfie]] = [:]
            for await (person, selfies) in group { rendered[person] = selfies }
            return (0..<options.selfiePersons).map { rendered[$0] ?? [] }
        }

        // The users.
        let looks = try LookCatalog.builtIn().looks.map(\.id.rawValue)
        let client = FleetClient(http: http, hosts: hostURLs)
        let inFlight = options.concurrency > 0 ? options.concurrency : options.resolvedUsers
        say("  driving \(options.resolvedUsers) users (\(inFlight) at a time)…")
        let usersStart = ContinuousClock.now
        let outcomes = await withTaskGroup(of: UserOutcome.self) { group in
            var next = 0
            var done: [UserOutcome] = []
            func startNext() {
                guard next < options.resolvedUsers else { return }
                let journey = UserJourney(
                    client: client, index: next, selfies: persons[next % persons.count], runStart: usersStart,
                    looks: looks,
                    trainingPoll: .milliseconds(Int(options.trainingPoll * 1000)),
                    generationPoll: .milliseconds(Int(options.generationPoll * 1000)), deadline: deadline)
                group.addTask { await journey.run() }
                next += 1
            }
            for _ in 0..<inFlight { startNext() }
            for await outcome in group {
                done.append(outcome)
                if done.count % max(1, options.resolvedUsers / 10) == 0 {
                    say("    \(done.count)/\(options.resolvedUsers) users done")
                }
                startNext()
            }
            return done.sorted { $0.index < $1.index }
        }
        let wall = ContinuousClock.now - usersStart
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18

        // Settle: every job at Replicate terminal (bounded), then the hosts' own figures.
        var ledger = try await SimulatorLedger.read(http: http, apiBase: apiBase, token: token)
        let settleDeadline = ContinuousClock.now + .seconds(120)
        while ledger.predictions.contains(where: { !Self.isTerminal($0.status) })
            || ledger.trainings.contains(where: { !Self.isTerminal($0.status) }), ContinuousClock.now < settleDeadline
        {
            try await Task.sleep(for: .seconds(2))
            ledger = try await SimulatorLedger.read(http: http, apiBase: apiBase, token: token)
        }
        if !options.sabotages.isEmpty {
            try await applySabotage(
                outcomes: outcomes, store: store, http: http, apiBase: apiBase, token: token, images: images)
            ledger = try await SimulatorLedger.read(http: http, apiBase: apiBase, token: token)
        }
        var latencies: [String: [Double]] = [:]
        for url in hostURLs {
            let answer = try await client.send(.GET, "/__fleet/stats", host: hostURLs.firstIndex(of: url) ?? 0)
            for (route, samples) in answer.json["latency_ms"] as? [String: [Double]] ?? [:] {
                latencies[route, default: []] += samples
            }
        }
        sampling.cancel()
        let resources = await sampler.finish()

        let checker = FleetChecker(store: store, owner: try ReplicateOwner(owner), imagesRoot: images)
        let verdict = try await checker.check(outcomes, ledger: ledger)
        let database = try await DatabaseFigures.read(postgres, users: outcomes.filter { !$0.user.isEmpty }.count)

        for host in hosts { await host.stop() }
        try await http.shutdown()

        let imageBytes = FleetChecker.files(under: images.appendingPathComponent("users")).reduce(0) { total, path in
            total
                + ((try? FileManager.default.attributesOfItem(atPath: images.appendingPathComponent(path).path))?[
                    .size] as? Int ?? 0)
        }
        let report = FleetReport(
            users: options.resolvedUsers, instances: options.instances, wallSeconds: wallSeconds, verdict: verdict,
            imageBytes: imageBytes,
            outcomes: outcomes, ledger: ledger, latencies: latencies, resources: resources, database: database,
            predictionsPerMinute: 600, timeScale: options.timeScale)
        report.printTable()
        if let summary = options.summary {
            try report.json().write(to: URL(fileURLWithPath: summary))
            say("summary written to \(summary)")
        }
        if !verdict.failures.isEmpty {
            say("\nFAILED: \(verdict.failures.count) problems (the first 50):")
            for failure in verdict.failures.prefix(50) { say("  - \(failure)") }
            say("logs: \(folder.path)")
            return false
        }
        say("\nPASSED: every check held.")
        if options.workDirectory == nil { try? FileManager.default.removeItem(at: folder) }
        return true
    }

    /// Breaks the finished run on purpose, as `--sabotage` asks, so the checks below must fail.
    func applySabotage(
        outcomes: [UserOutcome], store: PostgresSelfieModelStore, http: HTTPClient, apiBase: String, token: String,
        images: URL
    ) async throws {
        let sabotages = options.sabotages
        guard !sabotages.isEmpty else { return }
        let users = outcomes.filter { !$0.user.isEmpty }
        guard users.count >= 2 else { throw FleetFailure("sabotage needs two users who signed up") }
        let first = AuthenticatedUser.verifiedByHost(try UserID(users[0].user), via: "fleet sabotage")
        let second = AuthenticatedUser.verifiedByHost(try UserID(users[1].user), via: "fleet sabotage")
        if sabotages.contains(.duplicatePrediction) {
            guard
                let generation = try await store.generations(for: first, limit: 10).first(where: {
                    $0.predictionID != nil
                })
            else { throw FleetFailure("sabotage: user 0 has no started generation to repeat") }
            var body = (try JSONSerialization.jsonObject(with: generation.requestBody) as? [String: Any]) ?? [:]
            body.removeValue(forKey: "webhook")
            body.removeValue(forKey: "webhook_events_filter")
            var request = HTTPClientRequest(url: apiBase + "/predictions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            let response = try await http.execute(request, timeout: .seconds(60))
            say("  sabotage: sent generation \(generation.id)'s request again: \(response.status.code)")
        }
        if sabotages.contains(.corruptPhoto) {
            var photos = try await store.photos(of: .generated, for: first)
            for _ in 0..<60 where photos.isEmpty {
                try await Task.sleep(for: .milliseconds(500))
                photos = try await store.photos(of: .generated, for: first)
            }
            guard let photo = photos.first else { throw FleetFailure("sabotage: user 0 has no photo to corrupt") }
            let file = images.appendingPathComponent(photo.storageKey.path)
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: file)
            say("  sabotage: changed one byte of photo \(photo.id)")
        }
        if sabotages.contains(.strayFile) {
            guard let selfie = try await store.photos(of: .selfie, for: first).first else {
                throw FleetFailure("sabotage: user 0 has no selfie to copy")
            }
            let target = images.appendingPathComponent(
                ImageKey(user: second.id, kind: .selfie, photo: PhotoID()).path)
            try FileManager.default.copyItem(at: images.appendingPathComponent(selfie.storageKey.path), to: target)
            say("  sabotage: copied a selfie of \(first.id) into \(second.id)'s folder")
        }
    }

    /// The run's database: the one given (its data stays there), or a database owned by a non-superuser
    /// role on a throwaway server, which is returned so a chaos run can restart it.
    static func database(given: String?, prefix: String) async throws -> (url: String, server: PostgresTestServer?) {
        if let given {
            emit("  database: \(try PostgresConnectionURL(given)) (given; the data stays there)")
            return (given, nil)
        }
        let server = try await PostgresTestServer.start(durable: true)
        let database = try await server.makeDatabase(prefix: prefix)
        guard let url = database.ownerConnectionURL else { throw FleetFailure("the throwaway server has no URL") }
        emit("  database: throwaway PostgreSQL, database \(database.name) owned by \(database.ownerRole)")
        return (url, server)
    }

    /// What every host process is started with: this process's environment and the run's Replicate,
    /// database, quota and session secret.
    static func hostEnvironment(
        token: String, apiBase: String, owner: String, databaseURL: String, monthlyQuota: Int
    ) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["REPLICATE_API_TOKEN"] = token
        environment["REPLICATE_API_BASE_URL"] = apiBase
        environment["REPLICATE_OWNER"] = owner
        environment["DATABASE_URL"] = databaseURL
        environment["SELFIE_MONTHLY_QUOTA"] = String(monthlyQuota)
        environment["SELFIE_ENV"] = "development"
        environment["FLEET_SESSION_SECRET"] = UUID().uuidString + UUID().uuidString
        return environment
    }

    static func isTerminal(_ status: String) -> Bool { ["succeeded", "failed", "canceled"].contains(status) }

    /// An executable built beside this one (`selfie-sim`, or this program itself for the hosts).
    static func sibling(_ name: String) throws -> URL {
        let me = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        let url = me.deletingLastPathComponent().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw FleetFailure("\(name) is not built beside \(me.path); run `swift build --product \(name)` first")
        }
        return url
    }
}

/// The database's size and rows, read after the run.
struct DatabaseFigures: Sendable {
    var bytes: Int
    var rows: [String: Int]

    static func read(_ client: PostgresClient, users: Int) async throws -> DatabaseFigures {
        var bytes = 0
        for try await size in try await client.query("SELECT pg_database_size(current_database())").decode(Int.self) {
            bytes = size
        }
        for table in ["users", "user_models", "training_attempts", "generations", "photos", "webhook_receipts"] {
            _ = try? await client.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"))
        }
        var rows: [String: Int] = [:]
        let query: PostgresQuery = "SELECT relname::text, n_live_tup FROM pg_stat_user_tables"
        for try await (table, count) in try await client.query(query).decode((String, Int).self) {
            rows[table] = count
        }
        return DatabaseFigures(bytes: bytes, rows: rows)
    }
}

/// Samples each host's resident memory once a second, for the peak and the plot.
actor ResourceSampler {
    struct Sample: Sendable {
        var seconds: Double
        var rss: [Int]
    }

    private let processes: [(name: String, pid: Int32)]
    private let start: ContinuousClock.Instant
    private var samples: [Sample] = []
    private var peaks: [Int]
    private var cpu: [Double]

    init(processes: [(String, Int32)], start: ContinuousClock.Instant) {
        self.processes = processes.map { (name: $0.0, pid: $0.1) }
        self.start = start
        peaks = Array(repeating: 0, count: processes.count)
        cpu = Array(repeating: 0, count: processes.count)
    }

    func run() async {
        while !Task.isCancelled {
            takeSample()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func takeSample() {
        let elapsed = ContinuousClock.now - start
        var rss: [Int] = []
        for (index, process) in processes.enumerated() {
            let memory = ProcStat.memory(of: process.pid)
            rss.append(memory?.rss ?? 0)
            peaks[index] = max(peaks[index], memory?.peak ?? 0)
            cpu[index] = max(cpu[index], ProcStat.cpuSeconds(of: process.pid) ?? 0)
        }
        samples.append(
            Sample(
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, rss: rss))
    }

    /// The figures: per process its name, peak RSS (VmHWM) and CPU seconds, and the RSS series.
    func finish() -> (names: [String], peaks: [Int], cpu: [Double], series: [Sample]) {
        takeSample()
        return (processes.map(\.name), peaks, cpu, samples)
    }
}
