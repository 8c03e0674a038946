import ArgumentParser
import Foundation
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitValidation

/// Runs `body` and turns library errors into their user-facing messages.
func withFriendlyErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SelfieModelKitError {
        let terminal = Terminal()
        print(terminal.red("✗ \(error.userMessage)"))
        throw ExitCode.failure
    }
}

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Add the selfies in a folder for a user and train their model.")
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id (lowercase letters and digits, at least one digit).") var user: String
    @Option(help: "A folder of selfies (JPEG, PNG or WebP).") var images: String

    func run() async throws {
        let runtime = try await options.runtime()
        let user = try options.user(user)
        let terminal = Terminal()
        try await withFriendlyErrors {
            let folder = URL(fileURLWithPath: images, isDirectory: true)
            let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { !$0.hasDirectoryPath }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            let uploads = try files.map { SelfieUpload(data: try Data(contentsOf: $0), fileName: $0.lastPathComponent) }
            let intake = try await runtime.training.addSelfies(uploads, for: user)
            for result in intake.results {
                let mark = result.refusal == nil ? terminal.green("✓") : terminal.red("✗")
                terminal.line("\(mark) \(result.fileName)\(result.refusal.map { ": " + $0.userMessage } ?? "")")
            }
            terminal.line(intake.summary)
            var attempt = try await runtime.training.startTraining(for: user)
            let bar = Terminal.ProgressBar(terminal: terminal)
            while !attempt.status.isTerminal {
                try await runtime.tick(seconds: 20)
                attempt = try await runtime.training.status(for: user).latestAttempt ?? attempt
                bar.update(attempt.progress ?? 0, label: attempt.status.rawValue)
            }
            bar.finish()
            terminal.line(try await runtime.training.status(for: user).message)
        }
        await runtime.shutdown()
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a user's model.")
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String

    func run() async throws {
        let runtime = try await options.runtime()
        let user = try options.user(user)
        try await withFriendlyErrors {
            let status = try await runtime.training.status(for: user)
            print("selfies:  \(status.selfieCount)")
            if let model = status.model {
                print("model:    \(model.replicateModelID)\(model.replicateVersionID.map { ":\($0)" } ?? "")")
                print("status:   \(model.trainingStatus)")
            }
            print(status.message)
        }
        await runtime.shutdown()
    }
}

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Create photos on a user's own model, from a prompt (Maya) or a look.")
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String
    @Option(help: "What the photo should show; Maya writes the prompt.") var prompt: String?
    @Option(help: "A Photoshoot look id (see `selfie-studio looks`).") var look: String?
    @Option(help: "Where to write the photos.") var output: String = "./selfie-studio-output"

    func validate() throws {
        guard (prompt == nil) != (look == nil) else { throw ValidationError("Give exactly one of --prompt or --look.") }
    }

    func run() async throws {
        let runtime = try await options.runtime()
        let user = try options.user(user)
        let terminal = Terminal()
        try await withFriendlyErrors {
            var generation: GenerationRecord
            if let prompt {
                let (reply, started) = try await runtime.maya.generate(user: user, from: prompt + ". Surprise me.")
                terminal.line("Maya: \(reply.text)")
                guard let started else { return }
                generation = started
            } else {
                generation = try await runtime.generation.generate(user: user, look: PhotoshootLookID(look ?? ""))
            }
            while !generation.status.isTerminal {
                try await runtime.tick(seconds: 5)
                generation = try await runtime.generation.generation(generation.id, for: user)
            }
            guard generation.status == .succeeded else {
                terminal.line(terminal.red("✗ \(generation.failure?.userMessage ?? generation.status.rawValue)"))
                throw ExitCode.failure
            }
            let folder = URL(fileURLWithPath: output, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for photo in try await runtime.generation.photos(for: user) where photo.generationID == generation.id {
                let (_, data) = try await runtime.generation.photo(photo.id, for: user)
                let file = folder.appendingPathComponent("\(photo.id).png")
                try data.write(to: file)
                terminal.line("\(terminal.green("✓")) \(file.path)")
            }
        }
        await runtime.shutdown()
    }
}

struct LooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "looks", abstract: "List the Photoshoot's looks.")

    func run() async throws {
        let catalog = try LookCatalog.builtIn()
        let terminal = Terminal()
        terminal.line("Photoshoot catalog \(catalog.catalogVersion)")
        for collection in catalog.collections {
            terminal.line("\n" + terminal.bold(collection.title))
            for look in collection.looks {
                terminal.line("  \(look.id.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)) \(look.title)")
            }
        }
    }
}

struct PhotosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "photos", abstract: "List a user's photos.")
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String

    func run() async throws {
        let runtime = try await options.runtime()
        let user = try options.user(user)
        try await withFriendlyErrors {
            let photos = try await runtime.generation.photos(for: user)
            if photos.isEmpty { print("No photos yet.") }
            for photo in photos {
                print(
                    "\(photo.id)  \(photo.width)×\(photo.height)  \(photo.isFavourite ? "★" : " ")  \(photo.createdAt)")
            }
        }
        await runtime.shutdown()
    }
}

struct ComplianceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Audit stored records and sent generation requests against the specification.")
    @OptionGroup var options: StudioOptions
    @Option(help: "The user ids to audit.") var user: [String] = []

    func run() async throws {
        let runtime = try await options.runtime()
        var records: [UserModelRecord] = []
        var requests: [RecordedPredictionRequest] = []
        for id in user {
            let authenticated = try options.user(id)
            if let record = try await runtime.context.store.userModel(for: authenticated) { records.append(record) }
            for generation in try await runtime.context.store.generations(for: authenticated, limit: 1000) {
                requests.append(RecordedPredictionRequest(user: authenticated.id, body: generation.requestBody))
            }
        }
        let report = runtime.context.auditor.audit(records: records, requests: requests)
        print(report)
        await runtime.shutdown()
        if !report.isCompliant { throw ExitCode(2) }
    }
}
