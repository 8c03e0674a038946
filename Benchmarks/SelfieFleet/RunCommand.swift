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

#if canImport(Glibc)
    import Glibc
#endif

/// `selfie-fleet run` (the default): sets up the world, drives the users, checks, reports.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the fleet (the default command).")

    @Option(help: "How many users (default 1000; 100 with --chaos).")
    var users: Int?

    @Option(help: "How many host processes.")
    var instances = 3

    @Option(
        help: "Use this PostgreSQL (a role that may serve: not a superuser, not BYPASSRLS) and leave the data there.")
    var databaseURL: String?

    @Option(
        help:
            "Use this selfie-sim (its API base, ending in /v1); REPLICATE_API_TOKEN and REPLICATE_OWNER come from the environment."
    )
    var replicateBaseURL: String?

    @Option(help: "Write the figures as JSON to this file.")
    var summary: String?

    @Option(help: "selfie-sim's time scale (0.01 turns a 20-minute training into 12 seconds).")
    var timeScale = 0.01

    @Option(help: "Seed of the simulator and of the users' routing.")
    var seed: UInt64 = 1

    @Option(help: "How many users are in flight at once (0: all of them).")
    var concurrency = 0

    @Option(help: "Seconds between a user's training-status polls.")
    var trainingPoll = 5.0

    @Option(help: "Seconds between a user's generation-status polls.")
    var generationPoll = 2.0

    @Option(help: "Seconds the hosts' reconcilers wait between passes (default 15; 3 with --chaos).")
    var reconcileInterval: Double?

    @Flag(
        help: """
            Chaos: SIGKILL and restart hosts (mid-upload, mid-create, mid-download), restart PostgreSQL once,             drop, repeat, delay and reorder webhooks, 5xx, slow answers, 429 storms, failed trainings, NSFW,             failed image writes; then check nothing was lost, duplicated, charged wrongly or crossed.             --seed replays the schedule.
            """)
    var chaos = false

    @Option(help: "How many host SIGKILLs the chaos run makes.")
    var kills = 20

    @Option(help: "Give up after this many seconds.")
    var timeout = 3600.0

    @Option(help: "Keep the run's folder (logs, images) here instead of a temporary one.")
    var workDirectory: String?

    @Option(help: "How many distinct synthetic people the users' selfies show (rendered before the run).")
    var selfiePersons = 16

    @Option(
        help: ArgumentHelp(
            "Break the run on purpose to prove the checks catch it: comma-separated duplicate-prediction, "
                + "corrupt-photo, stray-file, quota.", visibility: .hidden))
    var sabotage: String?

    /// The number of users: as given, or the default of the run's kind.
    var resolvedUsers: Int { users ?? (chaos ? 100 : 1000) }

    /// The reconcilers' interval: as given, or the default of the run's kind.
    var resolvedReconcileInterval: Double { reconcileInterval ?? (chaos ? 3 : 15) }

    func validate() throws {
        let users = resolvedUsers
        guard !chaos || instances >= 2 else { throw ValidationError("--chaos needs at least 2 --instances.") }
        guard kills >= 0 else { throw ValidationError("--kills must not be negative.") }
        guard users >= 2 else { throw ValidationError("--users must be at least 2 (the isolation checks pair users).") }
        guard instances >= 1 else { throw ValidationError("--instances must be at least 1.") }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive.") }
        guard selfiePersons >= 1 else { throw ValidationError("--selfie-persons must be at least 1.") }
        for name in sabotages where !Sabotage.allCases.map(\.rawValue).contains(name.rawValue) {
            throw ValidationError("unknown --sabotage \(name.rawValue)")
        }
    }

    var sabotages: [Sabotage] {
        (sabotage ?? "").split(separator: ",").map { Sabotage(rawValue: String($0)) ?? .unknown }
    }

    func run() async throws {
        let fleet = try FleetRun(options: self)
        let ok =
            chaos
            ? try await ChaosRun(options: self, folder: fleet.folder, owner: fleet.owner).run() : try await fleet.run()
        if !ok { throw ExitCode(1) }
    }
}

/// Deliberate faults for proving that the fleet's checks fail when they should (`--sabotage`).
enum Sabotage: String, Sendable, CaseIterable {
    /// After the users finish, one generation's exact request is sent to Replicate a second time.
    case duplicatePrediction = "duplicate-prediction"
    /// One stored photo's bytes are changed in the image store.
    case corruptPhoto = "corrupt-photo"
    /// One user's selfie file is copied into another user's folder of the image store.
    case strayFile = "stray-file"
    /// The hosts allow 2 generations a month instead of 3.
    case quota
    /// A name that is none of the above (refused by validation).
    case unknown
}
