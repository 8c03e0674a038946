import AsyncHTTPClient
import Foundation
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

/// `selfie-fleet --chaos`: the fleet's journey while hosts are killed, PostgreSQL restarts and Replicate
/// misbehaves; then the checks of ``ChaosChecker``.
///
/// The seed fixes the schedule: when each kill comes, which host it hits and what it waits for (an
/// upload, a create or a download in flight), when PostgreSQL restarts, when the 429 storms blow, the
/// simulator's random stream and each host's image-write failures. Which request a fault meets depends
/// on timing, so two runs with one seed inject the same faults at the same moments, not byte for byte the
/// same history.
struct ChaosRun: Sendable {
    let options: RunCommand
    let folder: URL
    let owner: String

    private func say(_ line: String) { emit(line) }

    /// The chaos schedule, drawn from the seed before anything starts.
    struct Schedule: Sendable {
        struct Kill: Sendable {
            var after: Double
            var host: Int
            var waitFor: InFlight.Kind
        }
        var kills: [Kill] = []
        var databaseRestartAfter: Double
        var storms: [(after: Double, seconds: Double)] = []

        init(seed: UInt64, kills count: Int, hosts: Int) {
            var random = SplitMix(seed: seed ^ 0xC4A0_5EED)
            func uniform(_ range: ClosedRange<Double>) -> Double {
                range.lowerBound + (range.upperBound - range.lowerBound) * Double(random.next() >> 11) / Double(1 << 53)
            }
            var at = 4.0
            let kinds = InFlight.Kind.allCases
            for index in 0..<count {
                at += uniform(1.5...5)
                kills.append(
                    Kill(after: at, host: Int(random.next() % UInt64(hosts)), waitFor: kinds[index % kinds.count]))
            }
            databaseRestartAfter = uniform(15...30)
            var storm = 10.0
            for _ in 0..<40 {
                storm += uniform(30...60)
                storms.append((storm, uniform(2...4)))
            }
        }
    }

    /// What the chaos did, for the checks and the figures.
    actor Log {
        var killsByPhase: [String: Int] = [:]
        var restarts = 0
        var databaseRestarts = 0
        var storms = 0
        var events: [String] = []
        func kill(phase: String) { killsByPhase[phase, default: 0] += 1 }
        func restarted() { restarts += 1 }
        func databaseRestarted() { databaseRestarts += 1 }
        func stormed() { storms += 1 }
        func note(_ text: String) { events.append(text) }
    }

    func run() async throws -> Bool {
        let users = options.resolvedUsers
        let interval = options.resolvedReconcileInterval
        let runStart = ContinuousClock.now
        let deadline = runStart + .seconds(options.timeout)
        let schedule = Schedule(seed: options.seed, kills: options.kills, hosts: options.instances)
        say("selfie-fleet --chaos: seed \(options.seed) (the same seed replays the same schedule of faults)")
        say("  \(users) users on \(options.instances) host processes, \(options.kills) kills; folder \(folder.path)")

        let (databaseURL, server) = try await FleetRun.database(given: options.databaseURL, prefix: "chaos")
        say(server == nil ? "  (a given database is not restarted)" : "  (the database restarts once)")
        var pgConfiguration = try PostgresConnectionURL(databaseURL).clientConfiguration()
        pgConfiguration.options.maximumConnections = 4
        let postgres = PostgresClient(configuration: pgConfiguration)
        let postgresTask = Task { await postgres.run() }
        defer { postgresTask.cancel() }
        let store = PostgresSelfieModelStore(client: postgres)
        try await store.migrate()

        var children: [ChildProcess] = []
        defer { for child in children where child.isRunning { kill(child.pid, SIGKILL) } }
        guard options.replicateBaseURL == nil else {
            throw FleetFailure(
                "--chaos starts its own selfie-sim (its faults are set at start); drop --replicate-base-url")
        }
        let token = "chaos-" + UUID().uuidString.lowercased()
        let simulator = try ChildProcess(
            name: "selfie-sim", executable: FleetRun.sibling("selfie-sim"),
            arguments: [
                "--port", "0", "--time-scale", String(options.timeScale), "--seed", String(options.seed),
                "--owner", owner, "--token", token,
                "--server-error-rate", "0.2", "--retry-after",
                "--training-failure-rate", "0.1", "--prediction-failure-rate", "0.1", "--nsfw-share", "0.5",
                // Of every webhook: 50% lost; of the rest 60% sent twice (30% of all); delays and reordering
                // on top, some delays past the reconciler's interval.
                "--webhook-drop-rate", "0.5", "--webhook-duplicate-rate", "0.6",
                "--webhook-delay-rate", "0.4", "--webhook-reorder-rate", "0.4",
                "--webhook-max-delay", String(interval * 3),
                "--slow-answer-rate", "0.03", "--slow-answer-ms", "500-8000",
            ],
            environment: ProcessInfo.processInfo.environment, log: folder.appendingPathComponent("selfie-sim.log"))
        children.append(simulator)
        let simLine = try await simulator.waitForLine(containing: "listening on", timeout: .seconds(60))
        let simBase = String(simLine.split(separator: " ").last ?? "")
        let apiBase = simBase + "/v1"

        let images = folder.appendingPathComponent("images", isDirectory: true)
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        var environment = FleetRun.hostEnvironment(
            token: token, apiBase: apiBase, owner: owner, databaseURL: databaseURL, monthlyQuota: 3)
        environment["FLEET_CHAOS_IMAGE_FAILURE_RATE"] = "0.1"
        environment["FLEET_CHAOS_SEED"] = String(options.seed)
        // Shorter than the slowest answers, so some calls time out after they took effect.
        environment["FLEET_REPLICATE_TIMEOUT"] = "4"
        // Each job's record, start, attach and end is in the host logs, for the reader of a failed run.
        if environment["FLEET_LOG_LEVEL"] == nil { environment["FLEET_LOG_LEVEL"] = "info" }
        let hostEnvironment = environment

        func startHost(_ index: Int, port: Int, generation: Int) throws -> ChildProcess {
            try ChildProcess(
                name: "host \(index)", executable: FleetRun.sibling("selfie-fleet"),
                arguments: [
                    "host", "--index", String(index), "--images", images.path, "--reconcile-interval", String(interval),
                    "--port", String(port),
                ],
                environment: hostEnvironment,
                log: folder.appendingPathComponent(
                    generation == 0 ? "host-\(index).log" : "host-\(index)-r\(generation).log"))
        }
        var hosts: [ChildProcess] = []
        var ports: [Int] = []
        for index in 0..<options.instances {
            let host = try startHost(index, port: 0, generation: 0)
            children.append(host)
            hosts.append(host)
        }
        for host in hosts {
            let line = try await host.waitForLine(containing: "listening on", timeout: .seconds(120))
            ports.append(Int(line.split(separator: ":").last ?? "") ?? 0)
        }
        let hostURLs = ports.map { "http://127.0.0.1:\($0)" }
        say("  hosts at \(hostURLs.joined(separator: ", ")); selfie-sim at \(simBase)")

        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(64, users + 16)
        httpConfiguration.timeout.connect = .seconds(10)
        httpConfiguration.redirectConfiguration = .disallow
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let client = FleetClient(http: http, hosts: hostURLs)
        let log = Log()
        let liveHosts = HostTable(hosts)

        // The users' selfies, rendered before the chaos starts.
        let persons = (0..<min(options.selfiePersons, users)).map {
            SyntheticSelfies.make(count: 12, seed: UInt64($0) + 1)
        }
        let looks = try LookCatalog.builtIn().looks.map(\.id.rawValue)

        // The chaos: kills and restarts, one database restart, 429 storms.
        let chaosStart = ContinuousClock.now
        func elapsed() -> Double {
            let time = ContinuousClock.now - chaosStart
            return Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
        }
        let killer = Task {
            var generation = 0
            for planned in schedule.kills {
                try await Task.sleep(until: chaosStart + .milliseconds(Int(planned.after * 1000)))
                let target = planned.host
                var phase = "other"
                let waitUntil = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < waitUntil {
                    if let answer = try? await client.send(.GET, "/__fleet/inflight", host: target),
                        (answer.json[planned.waitFor.rawValue] as? Int ?? 0) > 0
                    {
                        phase = planned.waitFor.rawValue
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let victim = await liveHosts.host(target)
                kill(victim.pid, SIGKILL)
                await log.kill(phase: phase)
                await log.note(String(format: "%.1fs kill host %d (%@)", elapsed(), target, phase))
                await victim.stop(signal: SIGKILL)
                generation += 1
                let restarted = try startHost(target, port: ports[target], generation: generation)
                _ = try await restarted.waitForLine(containing: "listening on", timeout: .seconds(120))
                await liveHosts.replace(target, with: restarted)
                await log.restarted()
            }
        }
        let databaseRestarter = Task {
            guard let server else { return }
            try await Task.sleep(until: chaosStart + .milliseconds(Int(schedule.databaseRestartAfter * 1000)))
            await log.note(String(format: "%.1fs PostgreSQL: immediate shutdown", elapsed()))
            try await server.restartImmediately(downtime: .seconds(2))
            await log.databaseRestarted()
            await log.note(String(format: "%.1fs PostgreSQL: started again", elapsed()))
        }
        let stormer = Task {
            for storm in schedule.storms {
                try await Task.sleep(until: chaosStart + .milliseconds(Int(storm.after * 1000)))
                try await Self.setFaults(http: http, base: simBase, ["rate_limit_rate": 0.7])
                await log.stormed()
                try await Task.sleep(for: .milliseconds(Int(storm.seconds * 1000)))
                try await Self.setFaults(http: http, base: simBase, ["rate_limit_rate": 0.0])
            }
        }

        // The users.
        let usersStart = ContinuousClock.now
        let outcomes = await withTaskGroup(of: ChaosOutcome.self) { group in
            for index in 0..<users {
                let journey = ChaosJourney(
                    client: client, index: index, selfies: persons[index % persons.count], runStart: usersStart,
                    looks: looks, trainingPoll: .milliseconds(Int(options.trainingPoll * 1000)),
                    generationPoll: .milliseconds(Int(options.generationPoll * 1000)), deadline: deadline,
                    seed: options.seed)
                group.addTask { await journey.run() }
            }
            var done: [ChaosOutcome] = []
            for await outcome in group { done.append(outcome) }
            return done.sorted { $0.base.index < $1.base.index }
        }
        let usersSeconds = elapsed()
        // Kills planned for after the users finished still happen, so every run has its full count.
        do { try await killer.value } catch { say("  the kills stopped early: \(error)") }
        stormer.cancel()
        do { try await databaseRestarter.value } catch { say("  the database restart failed: \(error)") }
        try? await Self.setFaults(http: http, base: simBase, ["rate_limit_rate": 0.0])

        // Every job must reach its end through webhooks or the reconciler, within the settle bound.
        let bound = 10 * interval + 60
        let settleDeadline = ContinuousClock.now + .milliseconds(Int(bound * 1000))
        let signedUp = outcomes.compactMap { try? UserID($0.base.user) }
        var open = try await Self.openJobs(store, users: signedUp)
        while open > 0, ContinuousClock.now < settleDeadline {
            try await Task.sleep(for: .seconds(2))
            open = try await Self.openJobs(store, users: signedUp)
        }
        let settleSeconds = elapsed() - usersSeconds
        // The checks read Replicate's lists without faults (the reading is not under test).
        try await Self.setFaults(
            http: http, base: simBase, ["server_error_rate": 0.0, "slow_answer_rate": 0.0, "rate_limit_rate": 0.0])
        if !options.sabotages.isEmpty {
            try await FleetRun(options: options).applySabotage(
                outcomes: outcomes.map(\.base), store: store, http: http, apiBase: apiBase, token: token,
                images: images)
        }
        let ledger = try await SimulatorLedger.read(http: http, apiBase: apiBase, token: token)
        let countsResponse = try await http.execute(
            HTTPClientRequest(url: simBase + FaultsPath.counts), timeout: .seconds(30))
        let countsBody = try await countsResponse.body.collect(upTo: 1 << 20)
        let simulatorFaults =
            (try? JSONSerialization.jsonObject(with: Data(countsBody.readableBytesView))) as? [String: Int] ?? [:]

        let checker = ChaosChecker(
            store: store, owner: try ReplicateOwner(owner), imagesRoot: images, endBound: 2 * 30 + 13 * interval + 60)
        var verdict = try await checker.check(outcomes, ledger: ledger)
        if verdict.nonTerminal > 0 {
            // For the reader of a failed run: database sessions left inside a transaction hold row locks that
            // every claim skips.
            for line in try await Self.idleTransactions(postgres) { verdict.failures.append(line) }
        }
        if open > 0 {
            verdict.failures.append("\(open) jobs were not terminal \(Int(bound)) s after the users finished")
        }
        let kills = await log.killsByPhase.values.reduce(0, +)
        if kills < options.kills { verdict.failures.append("only \(kills) of \(options.kills) kills happened") }
        if options.kills >= 20 {
            for phase in InFlight.Kind.allCases where await log.killsByPhase[phase.rawValue, default: 0] == 0 {
                verdict.failures.append("no kill landed mid-\(phase.rawValue)")
            }
        }
        if server != nil, await log.databaseRestarts != 1 {
            verdict.failures.append("PostgreSQL was restarted \(await log.databaseRestarts) times, not once")
        }
        let imageFailures = Self.countLines(in: folder, containing: "chaos: image write failed")

        for host in await liveHosts.all { await host.stop() }
        try await http.shutdown()

        let report = ChaosReport(
            seed: options.seed, users: users, instances: options.instances, usersSeconds: usersSeconds,
            settleSeconds: settleSeconds, verdict: verdict, outcomes: outcomes,
            killsByPhase: await log.killsByPhase, restarts: await log.restarts,
            databaseRestarts: await log.databaseRestarts, storms: await log.storms,
            simulatorFaults: simulatorFaults, imageWriteFailures: imageFailures, events: await log.events)
        report.printTable()
        if let summary = options.summary {
            try report.json().write(to: URL(fileURLWithPath: summary))
            say("summary written to \(summary)")
        }
        if !verdict.failures.isEmpty {
            say("\nFAILED: \(verdict.failures.count) problems (the first 50):")
            for failure in verdict.failures.prefix(50) { say("  - \(failure)") }
            say("logs: \(folder.path); replay with --seed \(options.seed)")
            return false
        }
        say("\nPASSED: every check held under chaos (seed \(options.seed)).")
        if options.workDirectory == nil { try? FileManager.default.removeItem(at: folder) }
        return true
    }

    enum FaultsPath {
        static let faults = "/__selfie-sim/faults"
        static let counts = "/__selfie-sim/fault-counts"
    }

    static func setFaults(http: HTTPClient, base: String, _ values: [String: Double]) async throws {
        var request = HTTPClientRequest(url: base + FaultsPath.faults)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: values)))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
    }

    /// Sessions that have sat inside a transaction for more than 30 s, with their last statement.
    static func idleTransactions(_ postgres: PostgresClient) async throws -> [String] {
        let rows = try await postgres.query(
            """
            SELECT pid, state, extract(epoch FROM now() - xact_start)::float8, left(query, 160)
              FROM pg_stat_activity
             WHERE xact_start IS NOT NULL AND now() - xact_start > interval '30 seconds'
               AND pid <> pg_backend_pid()
            """
        ).collect()
        return try rows.map { row in
            let (pid, state, seconds, query) = try row.decode((Int32, String?, Double, String?).self)
            return String(
                format: "database session %d has been %@ for %.0f s in one transaction; last statement: %@", pid,
                state ?? "?", seconds, query ?? "?")
        }
    }

    /// Jobs in the store that have not ended, read user by user through the store (as the owner role, the
    /// store's row-level security shows each user's rows only to that user's reads).
    static func openJobs(_ store: PostgresSelfieModelStore, users: [UserID]) async throws -> Int {
        var open = 0
        for id in users {
            let user = AuthenticatedUser.verifiedByHost(id, via: "chaos settle")
            open += try await store.trainingAttempts(for: user).filter { !$0.status.isTerminal }.count
            open += try await store.generations(for: user, limit: 100).filter { !$0.status.isTerminal }.count
        }
        return open
    }

    static func countLines(in folder: URL, containing marker: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasPrefix("host-") }.reduce(0) { total, file in
            let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            return total + text.components(separatedBy: "\n").filter { $0.contains(marker) }.count
        }
    }
}

/// The live host process for each index, replaced when a host is restarted.
actor HostTable {
    private var hosts: [ChildProcess]
    init(_ hosts: [ChildProcess]) { self.hosts = hosts }
    func host(_ index: Int) -> ChildProcess { hosts[index] }
    func replace(_ index: Int, with host: ChildProcess) { hosts[index] = host }
    var all: [ChildProcess] { hosts }
}
