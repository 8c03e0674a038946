import Foundation

/// The run's figures: printed as a table and written as JSON with stable keys.
struct FleetReport: Sendable {
    let users: Int
    let instances: Int
    let wallSeconds: Double
    let verdict: FleetVerdict
    /// Bytes in the image store after the run (selfies and photos of every user).
    let imageBytes: Int
    let outcomes: [UserOutcome]
    let ledger: SimulatorLedger
    let latencies: [String: [Double]]
    let resources: (names: [String], peaks: [Int], cpu: [Double], series: [ResourceSampler.Sample])
    let database: DatabaseFigures
    let predictionsPerMinute: Double
    /// The budget's burst allowance (a tenth of a minute's creates, as `RateLimit` sets it).
    var burst: Int { max(1, Int(predictionsPerMinute) / 10) }
    let timeScale: Double

    /// Below this many waiting generation intents there is no backlog: the budget is not what holds them.
    static let backlogThreshold = 10
    /// A backlog shorter than this says nothing about the budget's use (its burst alone would dominate).
    static let minimumBacklogSeconds = 10.0

    /// ``budget``'s use, or `nil` when the run had no backlog long enough to measure it.
    var budgetUse: Double? {
        let budget = self.budget
        return budget.backlogSeconds >= Self.minimumBacklogSeconds ? budget.use : nil
    }

    // MARK: Figures

    /// Prediction creates while at least ``backlogThreshold`` intents waited, against the most the budget
    /// allows in that time (its burst plus its rate).
    var budget: (use: Double, backlogSeconds: Double, createsInBacklog: Int) {
        enum Event { case intent, create }
        var events: [(Date, Event)] = verdict.intents.map { ($0, .intent) }
        events += ledger.predictions.compactMap { $0.createdAt.map { ($0, .create) } }
        events.sort { $0.0 < $1.0 }
        var waiting = 0
        var backlogSeconds = 0.0
        var creates = 0
        var previous: Date?
        for (date, event) in events {
            if let previous, waiting >= Self.backlogThreshold { backlogSeconds += date.timeIntervalSince(previous) }
            switch event {
            case .intent: waiting += 1
            case .create:
                if waiting >= Self.backlogThreshold { creates += 1 }
                waiting -= 1
            }
            previous = date
        }
        // The most the budget could grant in the stretch: its burst, then its sustained rate.
        let allowed = backlogSeconds > 0 ? Double(burst) + backlogSeconds * predictionsPerMinute / 60 : 0
        return (allowed > 0 ? Double(creates) / allowed : 0, backlogSeconds, creates)
    }

    /// Prediction creates in each 10-second window from the first one, as a per-minute rate.
    var createsPerMinuteSeries: [[Double]] {
        let dates = ledger.predictions.compactMap(\.createdAt).sorted()
        guard let first = dates.first else { return [] }
        var buckets: [Int: Int] = [:]
        for date in dates { buckets[Int(date.timeIntervalSince(first) / 10), default: 0] += 1 }
        let last = buckets.keys.max() ?? 0
        return (0...last).map { [Double($0 * 10), Double(buckets[$0] ?? 0) * 6] }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    var latencyPercentiles: [(String, count: Int, p50: Double, p95: Double, p99: Double)] {
        latencies.keys.sorted().map { route in
            let sorted = latencies[route, default: []].sorted()
            return (
                route, sorted.count, Self.percentile(sorted, 50), Self.percentile(sorted, 95),
                Self.percentile(sorted, 99)
            )
        }
    }

    /// Each user's wait: from sending their three generate calls together until the last of the three was
    /// started (the rate budget serves users round-robin, so a user's three go in three rounds). Users who
    /// sent theirs in the same second form a cohort; the spread is the gap between the longest and the
    /// shortest wait in a cohort, whichever instances served them.
    var userWaits: [(issuedAt: Double, wait: Double)] {
        outcomes.compactMap { outcome in
            guard let issued = outcome.generationWaits.first?.issuedAt else { return nil }
            return (issued, outcome.generationWaits.map(\.seconds).max() ?? 0)
        }
    }

    var fairness:
        (cohorts: Int, medianSpread: Double, p95Spread: Double, maxSpread: Double, perInstanceMeanWait: [Double])
    {
        let cohorts = Dictionary(grouping: userWaits) { Int($0.issuedAt) }.values.filter { $0.count >= 2 }
        let spreads = cohorts.map { cohort -> Double in
            let waits = cohort.map(\.wait)
            return (waits.max() ?? 0) - (waits.min() ?? 0)
        }.sorted()
        let calls = outcomes.flatMap(\.generationWaits)
        var perInstance: [Double] = []
        for instance in 0..<instances {
            let waits = calls.filter { $0.host == instance }.map(\.seconds)
            perInstance.append(waits.isEmpty ? 0 : waits.reduce(0, +) / Double(waits.count))
        }
        return (
            cohorts.count, Self.percentile(spreads, 50), Self.percentile(spreads, 95), spreads.last ?? 0, perInstance
        )
    }

    var rowsPerUser: Double {
        let total = database.rows.values.reduce(0, +)
        return users > 0 ? Double(total) / Double(users) : 0
    }

    // MARK: Output

    func printTable() {
        func row(_ name: String, _ value: String) {
            emit("  " + name.padding(toLength: 34, withPad: " ", startingAt: 0) + value)
        }
        let budget = self.budget
        let fairness = self.fairness
        emit("\nselfie-fleet results")
        row("users / instances", "\(users) / \(instances)")
        row("wall time", String(format: "%.1f s", wallSeconds))
        row("users completed", "\(verdict.usersCompleted)")
        row("lost / duplicated", "\(verdict.lost) / \(verdict.duplicated)")
        row("provenance violations", "\(verdict.provenanceViolations)")
        row("quota errors", "\(verdict.quotaErrors)")
        row("cross-user reads", "\(verdict.crossUserLeaks)")
        row("stray image-store files", "\(verdict.strayFiles)")
        row("photos missing or differing", "\(verdict.photoMismatches)")
        row("jobs not terminal", "\(verdict.nonTerminal)")
        row("jobs at the simulator", "\(ledger.predictions.count) predictions, \(ledger.trainings.count) trainings")
        row(
            "budget use (backlog ≥ \(Self.backlogThreshold))",
            budgetUse.map {
                String(
                    format: "%.3f  (%d creates in %.1f s of backlog; budget %.0f/min)", $0, budget.createsInBacklog,
                    budget.backlogSeconds, predictionsPerMinute)
            } ?? String(format: "no backlog of %.0f s or more to measure it", Self.minimumBacklogSeconds))
        row(
            "fairness (users asking together)",
            String(
                format: "%d cohorts, spread median %.2f s, p95 %.2f s, max %.2f s", fairness.cohorts,
                fairness.medianSpread, fairness.p95Spread, fairness.maxSpread))
        row(
            "mean generate wait per instance",
            fairness.perInstanceMeanWait.map { String(format: "%.2f s", $0) }.joined(separator: ", "))
        for (index, name) in resources.names.enumerated() {
            row(
                "\(name): peak RSS / CPU",
                String(format: "%.1f MiB / %.1f s", Double(resources.peaks[index]) / 1_048_576, resources.cpu[index]))
        }
        row("image store", String(format: "%.1f MiB", Double(imageBytes) / 1_048_576))
        row("database size", String(format: "%.1f MiB", Double(database.bytes) / 1_048_576))
        row(
            "rows per user",
            String(
                format: "%.1f  (%@)", rowsPerUser,
                database.rows.sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        emit("  latency per service call (ms):      count      p50      p95      p99")
        for (route, count, p50, p95, p99) in latencyPercentiles {
            emit(
                "    " + route.padding(toLength: 32, withPad: " ", startingAt: 0)
                    + String(format: "%7d %8.1f %8.1f %8.1f", count, p50, p95, p99))
        }
    }

    func json() throws -> Data {
        let budget = self.budget
        let fairness = self.fairness
        var latency: [String: [String: Double]] = [:]
        for (route, count, p50, p95, p99) in latencyPercentiles {
            latency[route] = ["count": Double(count), "p50": p50, "p95": p95, "p99": p99]
        }
        let object: [String: Any] = [
            "users": users, "instances": instances, "time_scale": timeScale,
            "users_completed": verdict.usersCompleted, "lost": verdict.lost, "duplicated": verdict.duplicated,
            "provenance_violations": verdict.provenanceViolations, "quota_errors": verdict.quotaErrors,
            "cross_user_leaks": verdict.crossUserLeaks, "stray_files": verdict.strayFiles,
            "photo_mismatches": verdict.photoMismatches,
            "non_terminal": verdict.nonTerminal, "failures": Array(verdict.failures.prefix(200)),
            "budget_use": budgetUse ?? NSNull(), "backlog_seconds": budget.backlogSeconds,
            "creates_in_backlog": budget.createsInBacklog, "budget_per_minute": predictionsPerMinute,
            "creates_per_minute_series": createsPerMinuteSeries,
            "latency_ms": latency,
            "peak_rss_bytes": Dictionary(uniqueKeysWithValues: zip(resources.names, resources.peaks)),
            "cpu_seconds": Dictionary(uniqueKeysWithValues: zip(resources.names, resources.cpu)),
            "rss_series": [
                "names": resources.names,
                "samples": resources.series.map { [$0.seconds] + $0.rss.map(Double.init) },
            ],
            "image_bytes": imageBytes, "db_bytes": database.bytes, "db_rows": database.rows,
            "rows_per_user": rowsPerUser,
            "fairness": [
                "cohorts": fairness.cohorts, "median_spread_seconds": fairness.medianSpread,
                "p95_spread_seconds": fairness.p95Spread, "max_spread_seconds": fairness.maxSpread,
                "per_instance_mean_wait_seconds": fairness.perInstanceMeanWait,
            ],
            "user_waits": userWaits.map { [$0.issuedAt, $0.wait] },
            "wall_seconds": wallSeconds,
            "simulator_predictions": ledger.predictions.count, "simulator_trainings": ledger.trainings.count,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
    }
}
