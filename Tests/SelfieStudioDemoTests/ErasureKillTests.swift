import Foundation
import SelfieModelKitTesting
import Testing

/// `selfie-studio delete` killed with SIGKILL after each step of the erasure, then run again: the second
/// run finishes, and nothing of the user is left in the SQLite store, the image folder or the simulated
/// Replicate (whose world the killed process wrote first, as a real Replicate keeps what it answered).
@Suite("selfie-studio delete, killed after each step and run again")
struct ErasureKillTests {
    static let steps = ["begin", "cancel-jobs", "delete-model", "delete-files", "delete-images", "delete-rows"]

    @Test("a SIGKILL after any step, then delete again: nothing of the user is left, the other user stays")
    func killedAfterEachStep() async throws {
        let workspace = try CommandsTests.Workspace()
        defer { workspace.remove() }
        for user in ["42", "77"] {
            let train = try workspace.studio(["train", "--user", user, "--images", workspace.selfies.path])
            #expect(train.status == 0, "train failed:\n\(train.output)")
        }
        let look = try CommandsTests.firstLookID()
        let generate = try workspace.studio([
            "generate", "--user", "42", "--look", look, "--output", workspace.photos.path,
        ])
        #expect(generate.status == 0, "generate failed:\n\(generate.output)")

        for step in Self.steps {
            let copy = workspace.root.appendingPathComponent("kill-\(step)")
            try FileManager.default.copyItem(at: workspace.data, to: copy)
            let killed = try Executable.run(
                "selfie-studio",
                arguments: ["delete", "--user", "42", "--confirm", "--kill-after-step", step, "--data", copy.path],
                environment: ["REPLICATE_API_TOKEN": "", "DATABASE_URL": "", "NO_COLOR": "1"])
            #expect(killed.status == 9, "after \(step) the process was not killed:\n\(killed.output)")

            let again = try Executable.run(
                "selfie-studio", arguments: ["delete", "--user", "42", "--confirm", "--data", copy.path],
                environment: ["REPLICATE_API_TOKEN": "", "DATABASE_URL": "", "NO_COLOR": "1"])
            #expect(again.status == 0, "the second delete after \(step) failed:\n\(again.output)")
            #expect(again.output.contains(step == "delete-rows" ? "already complete" : ": complete"), "\(again.output)")

            let status = try Executable.run(
                "selfie-studio", arguments: ["status", "--user", "42", "--data", copy.path],
                environment: ["REPLICATE_API_TOKEN": "", "DATABASE_URL": "", "NO_COLOR": "1"])
            #expect(status.output.contains("selfies:  0") && !status.output.contains("model:"), "\(status.output)")
            let images = copy.appendingPathComponent("images/users")
            #expect(!FileManager.default.fileExists(atPath: images.appendingPathComponent("42").path))
            #expect(FileManager.default.fileExists(atPath: images.appendingPathComponent("77").path))

            let simulator = ReplicateSimulator(
                configuration: .init(accounts: [SimulatorAccount(owner: "sandrasocial", token: "r8_kill_test")]))
            try await simulator.restoreIfPresent(from: copy.appendingPathComponent("simulator-state.json"))
            let inventory = await simulator.inventory(of: "sandrasocial")
            #expect(inventory.models.map(\.name) == ["sandrasocial/77-selfie-lora"], "after \(step): \(inventory)")
            #expect(!inventory.files.contains { $0.name == "selfies-42.zip" }, "after \(step): \(inventory)")
        }
    }
}
