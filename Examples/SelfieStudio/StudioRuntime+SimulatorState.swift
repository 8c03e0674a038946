import Foundation
import SelfieModelKit
import SelfieModelKitTesting

extension StudioRuntime {
    /// Where the in-process simulator keeps its world between commands.
    static func simulatorStateFile(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("simulator-state.json")
    }

    /// Brings back the simulator's world saved by an earlier command, if there is one.
    static func restoreSimulator(_ simulator: ReplicateSimulator, from file: URL) async throws {
        do {
            try await simulator.restoreIfPresent(from: file)
        } catch {
            throw SelfieModelKitError(
                .configuration, rule: "selfie-studio.simulator-state",
                userMessage: """
                    The simulator's saved state in \(file.path) can't be used (\(error.detail)). Move it away to \
                    start the simulator afresh; models trained before then have to be trained again.
                    """)
        }
    }

    /// Saves the simulator's world for the next command. A failure is reported, never fatal: the command's
    /// own work is done and stored.
    static func saveSimulator(_ simulator: ReplicateSimulator, to file: URL) async {
        do {
            try await simulator.save(to: file)
        } catch {
            Terminal().error("Could not save the simulator's state: \(error.detail)")
        }
    }
}
