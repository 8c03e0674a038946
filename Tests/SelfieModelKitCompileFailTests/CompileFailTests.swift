import Foundation
import SelfieModelKitValidation
import Testing

/// Compiles small programs against the built modules and checks that the illegal ones are rejected by
/// the compiler, each for the expected reason. A control program proves the harness itself works.
@Suite("Illegal constructions do not compile")
struct CompileFailTests {
    static let prelude = """
        import Foundation
        import SelfieModelKitValidation

        let user = AuthenticatedUser.verifiedByHost(try UserID("42"), via: "test")
        let record = UserModelRecord(
            userID: user.id, replicateModelID: .selfieModel(for: user.id, owner: .sandrasocial),
            replicateVersionID: try ModelVersionID(String(repeating: "a", count: 64)),
            triggerWord: TriggerWord(for: user.id), trainingStatus: .completed, createdAt: Date(), updatedAt: Date())

        """

    @Test("the control program compiles")
    func control() throws {
        let result = try Compiler.typecheck(
            Self.prelude + """
                let model = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
                let request = try GenerationRequest(
                    model: model, prompt: try UserPrompt("portrait", for: model), seed: .random())
                print(request.jsonBody().count)
                """)
        #expect(result.succeeded, "\(result.diagnostics)")
    }

    @Test(
        "illegal construction is rejected",
        arguments: [
            IllegalSnippet(
                name: "a TrainedUserModel without a record",
                code: """
                    let model = TrainedUserModel(
                        user: user, reference: try ModelVersionReference(parsing: "sandrasocial/42-selfie-lora:\\(String(repeating: "a", count: 64))"),
                        triggerWord: TriggerWord(for: user.id), versionSchemaJSON: nil)
                    """,
                expectedDiagnostic: "TrainedUserModel"),
            IllegalSnippet(
                name: "a TrainedUserModel decoded from JSON",
                code: """
                    let model = try JSONDecoder().decode(TrainedUserModel.self, from: Data("{}".utf8))
                    """,
                expectedDiagnostic: "Decodable"),
            IllegalSnippet(
                name: "a GenerationRequest from a model string",
                code: """
                    let model = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
                    let request = try GenerationRequest(
                        model: "sandrasocial/42-selfie-lora:\\(String(repeating: "a", count: 64))",
                        prompt: try UserPrompt("portrait", for: model), seed: .random())
                    """,
                expectedDiagnostic: "cannot convert value of type 'String'"),
            IllegalSnippet(
                name: "a GenerationRequest from a version reference",
                code: """
                    let model = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
                    let request = GenerationRequest(
                        version: model.reference, prompt: try UserPrompt("portrait", for: model), seed: .random())
                    """,
                expectedDiagnostic: "version"),
            IllegalSnippet(
                name: "changing a locked parameter",
                code: """
                    LockedGenerationParameters.guidance = 3.5
                    """,
                expectedDiagnostic: "'let' constant"),
            IllegalSnippet(
                name: "changing a built request's version",
                code: """
                    let model = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
                    var request = try GenerationRequest(
                        model: model, prompt: try UserPrompt("portrait", for: model), seed: .random())
                    request.version = try ModelVersionReference(parsing: "other/7-selfie-lora:\\(String(repeating: "b", count: 64))")
                    """,
                expectedDiagnostic: "'let' constant"),
            IllegalSnippet(
                name: "a bare UserID where an AuthenticatedUser is required",
                code: """
                    let model = try TrainedUserModel(record: record, for: try UserID("42"), owner: .sandrasocial)
                    """,
                expectedDiagnostic:
                    "cannot convert value of type 'UserID' to expected argument type 'AuthenticatedUser'"),
            IllegalSnippet(
                name: "an AuthenticatedUser made with a memberwise initializer",
                code: """
                    let forged = AuthenticatedUser(id: try UserID("7"), mechanism: "none")
                    """,
                expectedDiagnostic: "AuthenticatedUser"),
        ])
    func illegal(snippet: IllegalSnippet) throws {
        let result = try Compiler.typecheck(Self.prelude + snippet.code)
        #expect(!result.succeeded, "\(snippet.name) compiled but must not")
        #expect(
            result.diagnostics.contains(snippet.expectedDiagnostic),
            "\(snippet.name) failed for another reason than expected:\n\(result.diagnostics)")
    }
}

struct IllegalSnippet: Sendable, CustomTestStringConvertible {
    let name: String
    let code: String
    let expectedDiagnostic: String
    var testDescription: String { name }
}

enum Compiler {
    struct Result {
        let succeeded: Bool
        let diagnostics: String
    }

    /// The folder holding the built `.swiftmodule` files: `Modules` beside the running test bundle.
    static func modulesDirectory() throws -> URL {
        let executable = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Modules")
            if FileManager.default.fileExists(
                atPath: candidate.appendingPathComponent("SelfieModelKitValidation.swiftmodule").path)
            {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        throw CompilerError(
            message: "no Modules folder with SelfieModelKitValidation.swiftmodule above \(executable.path)")
    }

    static func swiftc() -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/opt/swift/usr/bin/swiftc"
    }

    static func typecheck(_ source: String) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compile-fail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("main.swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swiftc())
        process.arguments = [
            "-typecheck", "-swift-version", "6", "-I", try modulesDirectory().path,
            "-module-cache-path", folder.appendingPathComponent("cache").path, file.path,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(succeeded: process.terminationStatus == 0, diagnostics: String(decoding: output, as: UTF8.self))
    }
}

struct CompilerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
