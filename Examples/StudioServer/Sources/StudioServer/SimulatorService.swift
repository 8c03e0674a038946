import SelfieModelKitTesting
import ServiceLifecycle

/// Runs the in-process simulator on wall time (moving jobs on and sending webhooks as they fall due).
struct SimulatorService: Service {
    let simulator: ReplicateSimulator

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await simulator.run() }
        } catch is CancellationError {
            return  // shutting down
        }
    }
}
