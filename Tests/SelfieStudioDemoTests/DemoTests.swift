import Foundation
import SelfieModelKitValidation
import Testing

/// Runs the README's first command, `selfie-studio demo`, as a user would, and checks what it leaves behind.
@Suite("selfie-studio demo")
struct DemoTests {
    @Test("the demo exits 0, writes real 3:4 PNG photos, and reports compliance")
    func demo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("photos")
        let result = try Executable.run(
            "selfie-studio",
            arguments: ["demo", "--output", output.path, "--data", folder.appendingPathComponent("data").path],
            environment: ["REPLICATE_API_TOKEN": "", "DATABASE_URL": ""])
        #expect(result.status == 0, "demo failed:\n\(result.output)")
        #expect(result.output.contains("Running on the simulator: the photos are simulator renders, not AI output."))
        #expect(result.output.contains("Result: COMPLIANT"))
        #expect(result.output.contains("0 violations"))
        #expect(
            result.output.contains(#""guidance":2.8,"num_inference_steps":35,"num_outputs":3,"aspect_ratio":"3:4""#))
        #expect(!result.output.contains(Executable.simulatorTokenMarker))

        let photos = try FileManager.default.contentsOfDirectory(at: output, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "png" }
        #expect(photos.count == 6, "Maya and the Photoshoot each make 3 photos")
        for photo in photos {
            let header = try PhotoInspector.readHeader(try Data(contentsOf: photo))
            #expect(header.format == .png)
            #expect(
                header.width * 4 == header.height * 3, "\(photo.lastPathComponent) is \(header.width)×\(header.height)")
        }
    }

    @Test("--help works for every command")
    func help() throws {
        for command in [[], ["demo"], ["train"], ["status"], ["generate"], ["looks"], ["photos"], ["compliance"]] {
            let result = try Executable.run("selfie-studio", arguments: command + ["--help"])
            #expect(result.status == 0, "\(command) --help failed:\n\(result.output)")
            #expect(result.output.contains("USAGE"))
        }
    }

    @Test("a bad user id gets a helpful error, not a crash")
    func badUser() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Executable.run(
            "selfie-studio", arguments: ["status", "--user", "Not-Valid", "--data", folder.path],
            environment: ["REPLICATE_API_TOKEN": "", "DATABASE_URL": ""])
        #expect(result.status != 0)
        #expect(result.output.contains("lowercase letters"))
    }
}

enum Executable {
    /// The simulator's token must never appear in the demo's output.
    static let simulatorTokenMarker = "r8_selfie_studio_demo_token"

    struct Result {
        let status: Int32
        let output: String
    }

    /// The built products folder: where the test bundle itself lives.
    static func productsDirectory() throws -> URL {
        let executable = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("selfie-studio").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile)
    }

    /// A started process whose output is collected by ``finish()``.
    struct Running {
        let process: Process
        let pipe: Pipe

        /// Waits for the process to end and returns its status and output (stdout and stderr together).
        func finish() -> Result {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
        }
    }

    /// Starts the built product `name`; an empty value in `environment` removes that variable.
    static func start(_ name: String, arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = try productsDirectory().appendingPathComponent(name)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment {
            if value.isEmpty { merged.removeValue(forKey: key) } else { merged[key] = value }
        }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return Running(process: process, pipe: pipe)
    }

    static func run(_ name: String, arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try start(name, arguments: arguments, environment: environment).finish()
    }
}
