import Foundation
import SelfieModelKit
import SelfieModelKitTesting

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

/// This process's exclusive hold on a data folder's simulator, so that two commands running at once cannot
/// overwrite each other's saved state. The operating system releases it if the process dies.
final class SimulatorStateLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock in `dataDirectory`, waiting (and saying so) while another command holds it.
    init(in dataDirectory: URL) throws {
        let path = dataDirectory.appendingPathComponent("simulator-state.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw SelfieModelKitError(
                .storage, rule: "selfie-studio.simulator-lock",
                userMessage: "Can't create \(path) (\(String(cString: strerror(errno)))).")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            Terminal().note("Waiting for another selfie-studio command that is using \(dataDirectory.path)…")
            guard flock(descriptor, LOCK_EX) == 0 else {
                close(descriptor)
                throw SelfieModelKitError(
                    .storage, rule: "selfie-studio.simulator-lock",
                    userMessage: "Can't lock \(path) (\(String(cString: strerror(errno)))).")
            }
        }
        self.descriptor = descriptor
    }

    /// Lets the next command in.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
