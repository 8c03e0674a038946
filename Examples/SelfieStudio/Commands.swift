import ArgumentParser
import Foundation
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitValidation

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Add the selfies in a folder for a user and train their model.",
        discussion: """
            Checks every photo in the folder (hidden files and subfolders are skipped), keeps the good ones, \
            then trains the user's own model and follows it to the end. Exits 1 when the training cannot start \
            or does not succeed. Ctrl-C stops following, not the training: `selfie-studio status --user ID --wait` \
            picks it up again.
            """)
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id (lowercase letters and digits, at least one digit).") var user: String
    @Option(help: "A folder of selfies (JPEG, PNG or WebP).") var images: String

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: images, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--images: there is no folder at \(images).")
        }
    }

    func run() async throws {
        let user = try options.user(user)
        let uploads = try selfieUploads()
        let terminal = Terminal()
        try await options.withRuntime(resume: TrainingOutcome.resume(for: user)) { runtime in
            let intake = try await runtime.services.training.addSelfies(uploads, for: user)
            for result in intake.results {
                let mark = result.refusal == nil ? terminal.green("✓") : terminal.red("✗")
                terminal.line("\(mark) \(result.fileName)\(result.refusal.map { ": " + $0.userMessage } ?? "")")
            }
            terminal.line(intake.summary)
            let started = try await runtime.services.training.startTraining(for: user)
            terminal.line(
                "Training \(ReplicateModelID.selfieModel(for: user.id, owner: runtime.services.context.owner))")
            let attempt = try await runtime.followTraining(of: user, from: started, terminal: terminal)
            try await TrainingOutcome.report(attempt, of: user, on: runtime, terminal: terminal)
        }
    }

    /// The files of the folder, by name; hidden files and subfolders are skipped.
    private func selfieUploads() throws -> [SelfieUpload] {
        let folder = URL(fileURLWithPath: images, isDirectory: true)
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(
                at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]
            )
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw ValidationError("--images: the folder \(images) can't be read (\(error.localizedDescription)).")
        }
        guard !files.isEmpty else { throw ValidationError("--images: the folder \(images) has no files.") }
        return try files.map { file in
            do {
                return SelfieUpload(data: try Data(contentsOf: file), fileName: file.lastPathComponent)
            } catch {
                throw ValidationError(
                    "--images: \(file.lastPathComponent) can't be read (\(error.localizedDescription)).")
            }
        }
    }
}

/// How a followed training ended, told to the user.
enum TrainingOutcome {
    /// How to follow the training of an interrupted command.
    static func resume(for user: AuthenticatedUser) -> String {
        "`selfie-studio status --user \(user.id) --wait` follows the training."
    }

    /// Prints the user's status when `attempt` succeeded; otherwise throws why it did not.
    static func report(
        _ attempt: TrainingAttempt, of user: AuthenticatedUser, on runtime: StudioRuntime, terminal: Terminal
    ) async throws {
        guard attempt.status == .succeeded else {
            throw StudioFailure(attempt.failure?.userMessage ?? "The training ended \(attempt.status).")
        }
        let status = try await runtime.services.training.status(for: user)
        terminal.line("\(terminal.green("✓")) \(status.message)")
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a user's selfies, model and training.",
        discussion: """
            With --wait, a training in progress (one that `train` started and Ctrl-C stopped following) is \
            followed to its end; the command then exits 1 if the training did not succeed.
            """)
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String
    @Flag(help: "Follow a training in progress to its end.") var wait = false

    func run() async throws {
        let user = try options.user(user)
        let wait = wait
        let terminal = Terminal()
        try await options.withRuntime(resume: TrainingOutcome.resume(for: user)) { runtime in
            var status = try await runtime.services.training.status(for: user)
            if let attempt = status.latestAttempt, !attempt.status.isTerminal {
                // A training in progress: ask Replicate where it stands before answering.
                try await runtime.services.reconciler.reconcileOnce()
                status = try await runtime.services.training.status(for: user)
            }
            print("selfies:  \(status.selfieCount)")
            if let model = status.model {
                print("model:    \(model.replicateModelID)\(model.replicateVersionID.map { ":\($0)" } ?? "")")
                print("status:   \(model.trainingStatus)")
            }
            print(status.message)
            if wait, let attempt = status.latestAttempt, !attempt.status.isTerminal {
                let ended = try await runtime.followTraining(of: user, from: attempt, terminal: terminal)
                try await TrainingOutcome.report(ended, of: user, on: runtime, terminal: terminal)
            }
        }
    }
}

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Create photos on a user's own model, from a prompt (Maya) or a look.",
        discussion: """
            With --prompt, Maya turns what you describe into a prompt and chooses what you leave open. With \
            --look, a curated Photoshoot look is used (see `selfie-studio looks`). The user's model must be \
            trained. Exits 1 when the photos cannot be made. Ctrl-C stops waiting, not the photos: \
            `selfie-studio photos --user ID --wait` finishes them.
            """)
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String
    @Option(help: "What the photo should show; Maya writes the prompt.") var prompt: String?
    @Option(help: "A Photoshoot look id (see `selfie-studio looks`).") var look: String?
    @Option(help: "Where to write the photos.") var output: String = "./selfie-studio-output"

    func validate() throws {
        guard (prompt == nil) != (look == nil) else { throw ValidationError("Give exactly one of --prompt or --look.") }
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--prompt: say what the photo should show.")
        }
        if let look {
            let catalog = try LookCatalog.builtIn()
            guard (try? catalog.look(PhotoshootLookID(look))) != nil else {
                throw ValidationError("--look: there is no look \"\(look)\". See `selfie-studio looks`.")
            }
        }
    }

    func run() async throws {
        let user = try options.user(user)
        let terminal = Terminal()
        try await options.withRuntime(resume: PhotosCommand.resume(for: user)) { runtime in
            let started: GenerationRecord
            if let prompt {
                // One message, no conversation: ask Maya to decide whatever the prompt leaves open.
                let request = prompt.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
                let (reply, generated) = try await runtime.services.maya.generate(
                    user: user, from: request + ". Surprise me.")
                terminal.line("Maya: \(reply.text)")
                guard let generated else {
                    throw StudioFailure("Maya needs a little more to go on. Describe the photo in a few more words.")
                }
                started = generated
            } else {
                let look = try runtime.services.generation.catalog.look(PhotoshootLookID(look ?? ""))
                terminal.line("Photoshoot look: \(look.title)")
                started = try await runtime.services.generation.generate(user: user, look: look.id)
            }
            terminal.line("Generation \(started.id) started; waiting for the photos…")
            let generation = try await runtime.followGeneration(started, of: user)
            guard generation.status == .succeeded else {
                throw StudioFailure(
                    generation.failure?.userMessage ?? "The photos could not be made (\(generation.status)).")
            }
            let folder = URL(fileURLWithPath: output, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for photo in try await runtime.services.generation.photos(of: generation.id, for: user) {
                let (_, data) = try await runtime.services.generation.photo(photo.id, for: user)
                let file = folder.appendingPathComponent("\(photo.id).png")
                try data.write(to: file)
                terminal.line("\(terminal.green("✓")) \(file.path)  \(photo.width)×\(photo.height)")
            }
        }
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
    static let configuration = CommandConfiguration(
        commandName: "photos", abstract: "List a user's photos.",
        discussion: """
            With --wait, generations still in progress (ones that `generate` started and Ctrl-C stopped waiting \
            for) are followed to their end first.
            """)
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String
    @Flag(help: "Finish the generations in progress before listing.") var wait = false

    /// How to finish the photos of an interrupted command.
    static func resume(for user: AuthenticatedUser) -> String {
        "`selfie-studio photos --user \(user.id) --wait` finishes the photos."
    }

    func run() async throws {
        let user = try options.user(user)
        let wait = wait
        let terminal = Terminal()
        try await options.withRuntime(resume: Self.resume(for: user)) { runtime in
            if wait {
                let unfinished = try await runtime.services.context.store.generations(for: user, limit: 100)
                    .filter { !$0.status.isTerminal }
                for started in unfinished {
                    terminal.line("Waiting for generation \(started.id) (\(started.source.rawValue))…")
                    let ended = try await runtime.followGeneration(started, of: user)
                    let mark = ended.status == .succeeded ? terminal.green("✓") : terminal.red("✗")
                    terminal.line(
                        "\(mark) generation \(ended.id): \(ended.status)\(ended.failure.map { ", " + $0.userMessage } ?? "")"
                    )
                }
            }
            let photos = try await runtime.services.generation.photos(for: user)
            guard !photos.isEmpty else {
                print("No photos yet. Create some with `selfie-studio generate`.")
                return
            }
            let dates = ISO8601DateFormatter()
            for photo in photos {
                let favourite = photo.isFavourite ? "★" : " "
                print(
                    "\(photo.id)  \(photo.width)×\(photo.height)  \(favourite)  \(dates.string(from: photo.createdAt))")
            }
            print("\(photos.count) photo\(photos.count == 1 ? "" : "s")")
        }
    }
}

struct ComplianceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Audit stored records and sent generation requests against the specification.",
        discussion: "Exits 0 when compliant, 2 when there is a violation, 1 when the audit cannot run.")
    @OptionGroup var options: StudioOptions
    @Option(help: "A user id to audit (repeat for several).") var user: [String] = []

    func validate() throws {
        guard !user.isEmpty else { throw ValidationError("Give at least one --user to audit.") }
    }

    func run() async throws {
        let users = try user.map { try options.user($0) }
        let isCompliant = try await options.withRuntime { runtime in
            var records: [UserModelRecord] = []
            var requests: [RecordedPredictionRequest] = []
            var histories: [UserID: [ModelVersionHistoryEntry]] = [:]
            for authenticated in users {
                histories[authenticated.id] = try await runtime.services.context.store.versionHistory(
                    for: authenticated)
                if let record = try await runtime.services.context.store.userModel(for: authenticated) {
                    records.append(record)
                } else {
                    Terminal().line("user \(authenticated.id) has no model yet.")
                }
                for generation in try await runtime.services.context.store.generations(for: authenticated, limit: 1000)
                {
                    requests.append(
                        RecordedPredictionRequest(
                            user: authenticated.id, body: generation.requestBody, recordedAt: generation.createdAt))
                }
            }
            let report = runtime.services.context.auditor.audit(
                records: records, requests: requests, versionHistories: histories)
            print(report)
            return report.isCompliant
        }
        if !isCompliant { throw ExitCode(2) }
    }
}
