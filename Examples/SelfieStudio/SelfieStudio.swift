import ArgumentParser
import Foundation
import Logging
import SelfieModelKit
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
            them, the embedded defaults are used: the SQLite store in --data and the in-process simulator.
            """,
        subcommands: [
            DemoCommand.self, TrainCommand.self, StatusCommand.self, GenerateCommand.self, LooksCommand.self,
            PhotosCommand.self, ComplianceCommand.self,
        ])
}

/// Options every command shares.
struct StudioOptions: ParsableArguments {
    @Option(name: .long, help: "The data folder: the SQLite database and stored photos.")
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
            throw ValidationError(
                error.code == .configuration ? "\(error.userMessage)\n\(error.detail)" : error.userMessage)
        }
    }

    func user(_ id: String) throws -> AuthenticatedUser {
        do {
            return AuthenticatedUser.verifiedByHost(try UserID(id), via: "selfie-studio command line")
        } catch let error as SelfieModelKitError {
            throw ValidationError("--user: \(error.userMessage)")
        }
    }
}
