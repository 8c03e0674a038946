import Foundation
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

/// The subcommands as a user runs them: each a separate process on one data folder, so the in-process
/// simulator has to come back from `simulator-state.json` for a model trained by `train` to exist for
/// `generate`.
@Suite("selfie-studio commands in separate processes")
struct CommandsTests {
    /// A temporary folder with `data`, `selfies` (12 synthetic PNGs) and `photos` inside.
    struct Workspace {
        let root: URL
        var data: URL { root.appendingPathComponent("data") }
        var selfies: URL { root.appendingPathComponent("selfies") }
        var photos: URL { root.appendingPathComponent("photos") }
        var stateFile: URL { data.appendingPathComponent("simulator-state.json") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("studio-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: selfies, withIntermediateDirectories: true)
            for selfie in SyntheticSelfies.make(count: 12, seed: 42) {
                try selfie.png.write(to: selfies.appendingPathComponent(selfie.filename))
            }
        }

        /// Runs `selfie-studio` with `arguments` on this data folder, on the embedded defaults.
        func studio(_ arguments: [String]) throws -> Executable.Result {
            try start(arguments).finish()
        }

        /// Starts `selfie-studio` with `arguments` on this data folder, on the embedded defaults.
        func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Executable.Running {
            try Executable.start(
                "selfie-studio", arguments: arguments + ["--data", data.path],
                environment: ["REPLICATE_API_TOKEN": "", "DATABASE_URL": "", "NO_COLOR": "1"].merging(environment) {
                    $1
                })
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// The first look id `selfie-studio looks` lists.
    static func firstLookID() throws -> String {
        let looks = try Executable.run("selfie-studio", arguments: ["looks"], environment: ["NO_COLOR": "1"])
        #expect(looks.status == 0, "looks failed:\n\(looks.output)")
        let line = try #require(looks.output.split(separator: "\n").first { $0.hasPrefix("  ") })
        return try #require(line.split(separator: " ").first.map(String.init))
    }

    @Test("train, status, generate by look and by prompt, photos and compliance, each in its own process")
    func journeyAcrossProcesses() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }

        let train = try workspace.studio(["train", "--user", "42", "--images", workspace.selfies.path])
        #expect(train.status == 0, "train failed:\n\(train.output)")
        #expect(train.output.contains("Your personal model is ready."))
        #expect(FileManager.default.fileExists(atPath: workspace.stateFile.path))

        let status = try workspace.studio(["status", "--user", "42"])
        #expect(status.status == 0, "status failed:\n\(status.output)")
        #expect(status.output.contains("selfies:  12"))
        #expect(status.output.contains("status:   completed"))
        #expect(status.output.contains("Your personal model is ready."))

        // Both at once: one command at a time holds the data folder's simulator, so neither loses the
        // other's prediction when it saves.
        let look = try Self.firstLookID()
        let lookRun = try workspace.start([
            "generate", "--user", "42", "--look", look, "--output", workspace.photos.path,
        ])
        let promptRun = try workspace.start([
            "generate", "--user", "42", "--prompt", "A confident headshot for my website, modern office",
            "--output", workspace.photos.path,
        ])
        let byLook = lookRun.finish()
        let byPrompt = promptRun.finish()
        #expect(byLook.status == 0, "generate --look failed:\n\(byLook.output)")
        #expect(byPrompt.status == 0, "generate --prompt failed:\n\(byPrompt.output)")
        #expect(byPrompt.output.contains("Maya: "))
        let state = try JSONSerialization.jsonObject(with: try Data(contentsOf: workspace.stateFile)) as? [String: Any]
        #expect((state?["predictions"] as? [Any])?.count == 2, "the simulator's saved state holds both predictions")

        let photos = try workspace.studio(["photos", "--user", "42"])
        #expect(photos.status == 0, "photos failed:\n\(photos.output)")
        #expect(photos.output.split(separator: "\n").filter { $0.contains("×") }.count == 6)
        #expect(photos.output.contains("6 photos"))
        let written = try FileManager.default.contentsOfDirectory(at: workspace.photos, includingPropertiesForKeys: nil)
        #expect(written.count == 6)
        for file in written {
            let header = try PhotoInspector.readHeader(try Data(contentsOf: file))
            #expect(header.format == .png)
            #expect(header.width * 4 == header.height * 3)
        }

        let compliance = try workspace.studio(["compliance", "--user", "42"])
        #expect(compliance.status == 0, "compliance failed:\n\(compliance.output)")
        #expect(compliance.output.contains("Result: COMPLIANT"))
        #expect(
            !(train.output + status.output + byLook.output + byPrompt.output).contains(
                Executable.simulatorTokenMarker))
    }

    @Test("Mistakes get a helpful message and a non-zero exit, never a crash")
    func helpfulErrors() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }

        let untrained = try workspace.studio([
            "generate", "--user", "7", "--prompt", "a portrait in a park", "--output", workspace.photos.path,
        ])
        #expect(untrained.status == 1, "\(untrained.output)")
        #expect(untrained.output.contains("✗ "))
        #expect(FileManager.default.fileExists(atPath: workspace.stateFile.path), "a failed command saves too")

        let noFolder = try workspace.studio(
            ["train", "--user", "7", "--images", workspace.root.appendingPathComponent("missing").path])
        #expect(noFolder.status != 0)
        #expect(noFolder.output.contains("there is no folder"))

        let unknownLook = try workspace.studio(["generate", "--user", "7", "--look", "no-such-look"])
        #expect(unknownLook.status != 0)
        #expect(unknownLook.output.contains("selfie-studio looks"))

        let nobody = try workspace.studio(["compliance"])
        #expect(nobody.status != 0)
        #expect(nobody.output.contains("--user"))

        try Data("{not json".utf8).write(to: workspace.stateFile)
        let damaged = try workspace.studio(["status", "--user", "7"])
        #expect(damaged.status != 0)
        #expect(damaged.output.contains("simulator-state.json"))
    }

    @Test("Ctrl-C during train keeps the training: `status --wait` follows it to the end and the model works")
    func interruptedTraining() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }

        let train = try workspace.start(["train", "--user", "42", "--images", workspace.selfies.path])
        // Wait until the training is under way (the progress bar prints a line per tenth without a
        // terminal), then interrupt, as Ctrl-C does.
        var before = Data()
        while !String(decoding: before, as: UTF8.self).contains("%") {
            let chunk = train.pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            before.append(chunk)
        }
        #expect(String(decoding: before, as: UTF8.self).contains("%"), "no progress bar before the end")
        kill(train.process.processIdentifier, SIGINT)
        let interrupted = train.finish()
        let output = String(decoding: before, as: UTF8.self) + interrupted.output
        #expect(interrupted.status == 128 + SIGINT, "train was not interrupted:\n\(output)")
        #expect(output.contains("Interrupted."))
        #expect(!output.contains("Your personal model is ready."), "the training ended before the interrupt")
        #expect(FileManager.default.fileExists(atPath: workspace.stateFile.path), "the simulator's state was saved")

        let status = try workspace.studio(["status", "--user", "42"])
        #expect(status.status == 0, "status failed:\n\(status.output)")
        #expect(status.output.contains("Your personal model is training"), "\(status.output)")

        let waited = try workspace.studio(["status", "--user", "42", "--wait"])
        #expect(waited.status == 0, "status --wait failed:\n\(waited.output)")
        #expect(waited.output.contains("Your personal model is ready."), "\(waited.output)")

        let look = try Self.firstLookID()
        let generate = try workspace.studio([
            "generate", "--user", "42", "--look", look, "--output", workspace.photos.path,
        ])
        #expect(generate.status == 0, "generate after the interrupted training failed:\n\(generate.output)")
    }

    @Test("Ctrl-C during generate keeps the generation: `photos --wait` finishes it")
    func interruptedGeneration() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let train = try workspace.studio(["train", "--user", "42", "--images", workspace.selfies.path])
        try #require(train.status == 0, "train failed:\n\(train.output)")

        let look = try Self.firstLookID()
        // A slower simulator clock, so that the photos are still being made when the signal arrives.
        let generate = try workspace.start(
            ["generate", "--user", "42", "--look", look, "--output", workspace.photos.path],
            environment: ["SELFIE_STUDIO_SIMULATOR_PACE_MS": "1500"])
        var before = Data()
        while !String(decoding: before, as: UTF8.self).contains("started; waiting for the photos") {
            let chunk = generate.pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            before.append(chunk)
        }
        kill(generate.process.processIdentifier, SIGINT)
        let interrupted = generate.finish()
        let output = String(decoding: before, as: UTF8.self) + interrupted.output
        #expect(interrupted.status == 128 + SIGINT, "generate was not interrupted:\n\(output)")
        #expect(output.contains("Interrupted."))

        let waited = try workspace.studio(["photos", "--user", "42", "--wait"])
        #expect(waited.status == 0, "photos --wait failed:\n\(waited.output)")
        #expect(waited.output.contains("succeeded"), "\(waited.output)")
        #expect(waited.output.contains("3 photos"), "\(waited.output)")
    }
}
