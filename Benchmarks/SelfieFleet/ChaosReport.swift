import Foundation

/// The chaos run's figures: the faults injected by kind, the recoveries, the time each job took to reach
/// its end, and the checks.
struct ChaosReport: Sendable {
    let seed: UInt64
    let users: Int
    let instances: Int
    let usersSeconds: Double
    let settleSeconds: Double
    let verdict: ChaosVerdict
    let outcomes: [ChaosOutcome]
    let killsByPhase: [String: Int]
    let restarts: Int
    let databaseRestarts: Int
    let storms: Int
    let simulatorFaults: [String: Int]
    let imageWriteFailures: Int
    let events: [String]

    private static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }

    private var retries: Int { outcomes.reduce(0) { $0 + $1.retries } }
    private var adopted: Int { outcomes.reduce(0) { $0 + $1.adoptedGenerations } }

    func printTable() {
        func row(_ name: String, _ value: String) {
            emit("  " + name.padding(toLength: 44, withPad: " ", startingAt: 0) + value)
        }
        emit("\nselfie-fleet --chaos, seed \(seed): \(users) users on \(instances) hosts")
        row("users' journeys (s)", String(format: "%.1f, then %.1f to settle", usersSeconds, settleSeconds))
        emit("  faults injected")
        row(
            "  host SIGKILLs by what was in flight",
            killsByPhase.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        row("  host restarts", "\(restarts)")
        row("  PostgreSQL immediate shutdowns + starts", "\(databaseRestarts)")
        row("  429 storms (70% of calls for 2-4 s, every 30-60 s)", "\(storms)")
        row("  image-store writes failed", "\(imageWriteFailures)")
        for (kind, count) in simulatorFaults.sorted(by: { $0.key < $1.key }) { row("  replicate: \(kind)", "\(count)") }
        emit("  recoveries")
        row("  requests the users' apps sent again", "\(retries)")
        row("  generations found after a lost answer", "\(adopted)")
        row("  trainings succeeded / failed", "\(verdict.trainingsSucceeded) / \(verdict.trainingsFailed)")
        row("  generations succeeded / failed", "\(verdict.generationsSucceeded) / \(verdict.generationsFailed)")
        let seen = Dictionary(
            (outcomes.flatMap(\.trainingFailures) + outcomes.flatMap(\.generationFailures)).map { ($0, 1) },
            uniquingKeysWith: +)
        for (message, count) in seen.sorted(by: { $0.value > $1.value }) {
            row("  failure the users read (\(count)×)", String(message.prefix(90)))
        }
        emit("  time from record to end (s)")
        for (kind, values) in verdict.timeToEnd.sorted(by: { $0.key < $1.key }) {
            row(
                "  \(kind) (\(values.count))",
                String(
                    format: "p50 %.1f, p95 %.1f, max %.1f", Self.quantile(values, 0.5), Self.quantile(values, 0.95),
                    values.max() ?? 0))
        }
        emit("  time from the end at Replicate to the end in the store (s)")
        for (kind, values) in verdict.timeToLearn.sorted(by: { $0.key < $1.key }) {
            row(
                "  \(kind) (\(values.count))",
                String(
                    format: "p50 %.1f, p95 %.1f, max %.1f", Self.quantile(values, 0.5), Self.quantile(values, 0.95),
                    values.max() ?? 0))
        }
        emit("  checks")
        row("  not terminal", "\(verdict.nonTerminal)")
        row("  lost", "\(verdict.lost)")
        row("  duplicated", "\(verdict.duplicated)")
        row("  charged wrongly", "\(verdict.wronglyCharged)")
        row("  crossed between users", "\(verdict.crossed)")
        row("  photos missing or changed / stray files", "\(verdict.photoMismatches) / \(verdict.strayFiles)")
    }

    func json() throws -> Data {
        var timeToEnd: [String: Any] = [:]
        for (kind, values) in verdict.timeToEnd {
            timeToEnd[kind] = [
                "count": values.count, "p50": Self.quantile(values, 0.5), "p95": Self.quantile(values, 0.95),
                "max": values.max() ?? 0,
            ]
        }
        let object: [String: Any] = [
            "seed": seed, "users": users, "instances": instances, "users_seconds": usersSeconds,
            "settle_seconds": settleSeconds,
            "faults": [
                "host_kills_by_phase": killsByPhase, "host_restarts": restarts, "database_restarts": databaseRestarts,
                "rate_limit_storms": storms, "image_write_failures": imageWriteFailures, "replicate": simulatorFaults,
            ],
            "recoveries": [
                "requests_retried": retries, "generations_adopted": adopted,
                "trainings_succeeded": verdict.trainingsSucceeded, "trainings_failed": verdict.trainingsFailed,
                "generations_succeeded": verdict.generationsSucceeded, "generations_failed": verdict.generationsFailed,
            ],
            "time_to_end_seconds": timeToEnd,
            "time_to_learn_seconds": Dictionary(
                uniqueKeysWithValues: verdict.timeToLearn.map { kind, values in
                    (
                        kind,
                        [
                            "count": values.count, "p50": Self.quantile(values, 0.5),
                            "p95": Self.quantile(values, 0.95), "max": values.max() ?? 0,
                        ] as [String: Any]
                    )
                }),
            "failures_users_read": Dictionary(
                (outcomes.flatMap(\.trainingFailures) + outcomes.flatMap(\.generationFailures)).map { ($0, 1) },
                uniquingKeysWith: +),
            "non_terminal": verdict.nonTerminal, "lost": verdict.lost, "duplicated": verdict.duplicated,
            "wrongly_charged": verdict.wronglyCharged, "crossed": verdict.crossed,
            "photo_mismatches": verdict.photoMismatches, "stray_files": verdict.strayFiles,
            "failures": verdict.failures, "events": events,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
