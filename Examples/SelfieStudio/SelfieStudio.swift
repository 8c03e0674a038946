import ArgumentParser
import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices

/// `selfie-studio`: SSELFIE Studio's AI photo system from the command line.
@main
struct SelfieStudio: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfie-studio",
        abstract: "Train a personal FLUX model from selfies and create professional photos with it.",
        discussion: """
            Every user has their own model, {owner}/{userId}-selfie-lora, trained with ostris/flux-dev-lora-trainer \
            and the trigger word user{userId}. Configuration comes from the environment: REPLICATE_API_TOKEN, \
            REPLICATE_API_BASE_URL, REPLICATE_OWNER, REPLICATE_WEBHOOK_SECRET, PUBLIC_URL, DATABASE_URL. Without \
            them, the embedded defaults are used: the SQLite store in --data and the in-process simulator, whose \
            state is kept in --data too (simulator-state.json), so separate commands share one simulated Replicate. \
            SELFIE_STUDIO_SIMULATOR_PACE_MS sets how long each step of its clock is shown for (40 ms by default).

            Ctrl-C stops a command, not the training or photos it started: `status --user ID --wait` and \
            `photos --user ID --wait` pick them up again.
            """,
        subcommands: [
            DemoCommand.self, TrainCommand.self, StatusCommand.self, GenerateCommand.self, LooksCommand.self,
            PhotosCommand.self, ComplianceCommand.self, DeleteCommand.self,
        ])
}

/// Options every command shares.
struct StudioOptions: ParsableArguments {
    @Option(name: .long, help: "The data folder: the SQLite database, stored photos and the simulator's state.")
    var data: String = "./.selfie-studio"

    @Flag(name: .long, help: "Log what the library does (to stderr).")
    var verbose = false

    func runtime() async throws -> StudioRuntime {
        let verbose = verbose
        let logger = Logger(label: "selfie-studio") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .critical
            return handler
        }
        do {
            return try await StudioRuntime.make(
                dataDirectory: URL(fileURLWithPath: data, isDirectory: true), logger: logger)
        } catch let error as SelfieModelKitError {
            let detail = error.code == .configuration && !error.detail.isEmpty ? "\n\(error.detail)" : ""
            Terminal().error(error.userMessage + detail)
            throw ExitCode.failure
        }
    }

    /// Builds the runtime, runs `body` with it, and shuts the runtime down on every path, so the store is
    /// closed and the simulator's state saved even when the command fails or is interrupted. Errors users
    /// can act on become their message on standard error and exit code 1.
    ///
    /// Ctrl-C (or `SIGTERM`) cancels `body` instead of ending the process on the spot: a training or
    /// generation already started is kept, on the in-process simulator too, and the exit code is 128 plus
    /// the signal's number, as a shell expects. A second Ctrl-C ends the process at once. `resume` says how
    /// to pick up what the command was following.
    func withRuntime<T: Sendable>(
        resume: String? = nil, _ body: @escaping @Sendable (StudioRuntime) async throws -> T
    ) async throws -> T {
        let runtime = try await runtime()
        let work = Task { try await body(runtime) }
        let interruption = Interruption { work.cancel() }
        let outcome = await work.result
        interruption.stop()
        await runtime.shutdown()
        if let signal = interruption.receivedSignal {
            Terminal().error(
                "Interrupted. What was started goes on and is kept: "
                    + (resume
                        ?? "`selfie-studio status --user ID --wait` follows a training, "
                        + "`selfie-studio photos --user ID --wait` finishes photos in progress."))
            throw ExitCode(128 + signal)
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw Self.explained(error, onSimulator: runtime.simulator != nil)
        }
    }

    /// Prints what `error` means for the user and returns the exit code; other errors pass through.
    static func explained(_ error: any Error, onSimulator: Bool) -> any Error {
        let terminal = Terminal()
        switch error {
        case let error as SelfieModelKitError:
            terminal.error(error.userMessage)
            if error.code == .jobFailed, !error.detail.isEmpty {
                // A developer's tool: what Replicate (or the transport) actually said.
                terminal.error("Details: \(error.detail)")
            }
            if onSimulator, error.code == .jobFailed, error.rule.hasSuffix(".refused") {
                terminal.error(
                    "The in-process simulator does not know this model. If simulator-state.json was removed from "
                        + "the data folder, train the model again with `selfie-studio train`.")
            }
        case let error as ReplicateError:
            var message = "Replicate refused the request"
            if let status = error.httpStatus { message += " (\(status))" }
            if let detail = error.detail ?? error.title { message += ": \(detail)" }
            terminal.error(message)
        case let error as StudioFailure:
            terminal.error(error.description)
        default:
            return error
        }
        return ExitCode.failure
    }

    func user(_ id: String) throws -> AuthenticatedUser {
        do {
            return AuthenticatedUser.verifiedByHost(try UserID(id), via: "selfie-studio command line")
        } catch let error as SelfieModelKitError {
            throw ValidationError("--user: \(error.userMessage)")
        }
    }
}

/// A command's own failure (a training or generation that did not succeed), shown to the user as is.
struct StudioFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
