import ArgumentParser
import Foundation
import Logging
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation

/// `selfie-studio demo`: the whole journey on embedded defaults.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a demo user, check 12 synthetic selfies, train, generate with Maya and the Photoshoot.",
        discussion: """
            Runs on the SQLite store in --data and the in-process Replicate simulator unless REPLICATE_API_TOKEN \
            (Replicate, or REPLICATE_API_BASE_URL) or DATABASE_URL (PostgreSQL) is set. Exits non-zero on any \
            failure or compliance violation.
            """)

    @OptionGroup var options: StudioOptions

    @Option(name: .long, help: "Where to write the generated photos.")
    var output: String = "./selfie-studio-output"

    func run() async throws {
        try await options.withRuntime { runtime in try await demo(on: runtime) }
    }

    private func demo(on runtime: StudioRuntime) async throws {
        let terminal = Terminal()
        let outputDirectory = URL(fileURLWithPath: output, isDirectory: true)
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)

        terminal.line(terminal.bold("SelfieModelKit demo"))
        terminal.line("  Replicate: \(runtime.replicateDescription)")
        terminal.line("  Store:     \(runtime.storeDescription)")
        if runtime.simulator != nil {
            terminal.line(
                terminal.yellow("  Running on the simulator: the photos are simulator renders, not AI output."))
        }

        terminal.heading(1, "Demo user")
        let userID = try UserID("demo\(Int(Date().timeIntervalSince1970))")
        let user = AuthenticatedUser.verifiedByHost(userID, via: "selfie-studio demo")
        terminal.line(
            "   user \(userID)  →  model \(ReplicateModelID.selfieModel(for: userID, owner: runtime.services.context.owner)), trigger word \(TriggerWord(for: userID))"
        )

        terminal.heading(2, "12 synthetic selfies (clearly synthetic test portraits)")
        let selfies = SyntheticSelfies.make(count: 12, seed: UInt64(truncatingIfNeeded: userID.rawValue.hashValue))
        for selfie in selfies { terminal.line("   \(selfie.filename)  \(selfie.width)×\(selfie.height) PNG") }

        terminal.heading(3, "Checking the selfies")
        let intake = try await runtime.services.training.addSelfies(
            selfies.map { SelfieUpload(data: $0.png, fileName: $0.filename) }, for: user)
        for result in intake.results {
            if let refusal = result.refusal {
                terminal.line("   \(terminal.red("✗")) \(result.fileName): \(refusal.userMessage)")
            } else if let photo = result.photo {
                let stripped =
                    photo.stripped.isEmpty
                    ? "no metadata" : "stripped \(photo.stripped.map(\.name).joined(separator: ", "))"
                terminal.line(
                    "   \(terminal.green("✓")) \(result.fileName): \(photo.format) \(photo.width)×\(photo.height), \(stripped)"
                )
            }
        }
        terminal.line("   \(intake.summary)")

        terminal.heading(
            4, "Training \(ReplicateModelID.selfieModel(for: userID, owner: runtime.services.context.owner))")
        let started = try await runtime.services.training.startTraining(for: user)
        terminal.line("   training \(started.trainingID?.rawValue ?? "-") started with ostris/flux-dev-lora-trainer")
        let attempt = try await runtime.followTraining(of: user, from: started, terminal: terminal)
        guard attempt.status == .succeeded else {
            throw StudioFailure(
                "training ended \(attempt.status): \(attempt.failure?.userMessage ?? "no reason given")")
        }
        let record = try await runtime.services.context.store.userModel(for: user)
        terminal.line(
            "   \(terminal.green("✓")) completed: \(record?.replicateModelID.description ?? "?"):\(record?.replicateVersionID?.rawValue ?? "?")"
        )

        terminal.heading(5, "Generating")
        let request = "A confident headshot for my LinkedIn profile, modern office, soft window light"
        terminal.line("   Maya, asked: \"\(request)\"")
        let (reply, mayaGeneration) = try await runtime.services.maya.generate(
            user: user, from: request + ". Surprise me.")
        terminal.line("   Maya: \(reply.text)")
        guard let mayaGeneration else { throw StudioFailure("Maya did not produce a prompt") }
        let look = runtime.services.generation.catalog.looks[0]
        terminal.line("   Photoshoot look: \(look.title) (\(look.id))")
        let photoshootGeneration = try await runtime.services.generation.generate(user: user, look: look.id)
        var finished: [GenerationRecord] = []
        for started in [mayaGeneration, photoshootGeneration] {
            let current = try await runtime.followGeneration(started, of: user)
            guard current.status == .succeeded else {
                throw StudioFailure(
                    "generation \(current.id) ended \(current.status): \(current.failure?.userMessage ?? "")")
            }
            finished.append(current)
            terminal.line(
                "   \(terminal.green("✓")) \(current.source.rawValue) generation \(current.id): succeeded, seed \(current.seed)"
            )
        }

        terminal.heading(6, "Photos written to \(outputDirectory.path)")
        for photo in try await runtime.services.generation.photos(for: user) {
            let (_, data) = try await runtime.services.generation.photo(photo.id, for: user)
            let source = finished.first { $0.id == photo.generationID }?.source.rawValue ?? "photo"
            let file = outputDirectory.appendingPathComponent("\(userID)-\(source)-\((photo.outputIndex ?? 0) + 1).png")
            try data.write(to: file)
            terminal.line(
                "   \(file.lastPathComponent)  \(photo.width)×\(photo.height)  sha256 \(photo.sha256.prefix(12))…")
        }

        terminal.heading(7, "Requests sent to Replicate (secrets redacted)")
        let sent = await runtime.recorder.requests()
        var index = 0
        while index < sent.count {
            let request = sent[index]
            var repeats = 1
            while index + repeats < sent.count, sent[index + repeats].method == request.method,
                sent[index + repeats].path == request.path, sent[index + repeats].status == request.status,
                request.body == nil
            {
                repeats += 1
            }
            let times = repeats > 1 ? terminal.dim("  ×\(repeats) (polling)") : ""
            terminal.line(
                "   \(request.method) \(request.path) → \(request.status.map(String.init) ?? "no response")\(times)")
            if let authorization = request.headers["authorization"], index == 0 {
                terminal.line(terminal.dim("     authorization: \(authorization)"))
            }
            if request.method == "POST", request.headers["content-type"] == "application/json", let body = request.body
            {
                terminal.line(terminal.dim("     \(String(decoding: body, as: UTF8.self))"))
            }
            index += repeats
        }
        let predictionBodies = sent.filter { $0.method == "POST" && $0.path.hasSuffix("/predictions") }.compactMap(
            \.body)
        let report = runtime.services.context.auditor.audit(
            records: [record].compactMap { $0 },
            requests: predictionBodies.map { RecordedPredictionRequest(user: userID, body: $0) })
        terminal.line()
        terminal.line(report.isCompliant ? terminal.green(report.description) : terminal.red(report.description))
        guard report.isCompliant else { throw ExitCode(2) }
        guard predictionBodies.count == 2 else {
            throw StudioFailure("expected 2 prediction requests, saw \(predictionBodies.count)")
        }
    }
}
