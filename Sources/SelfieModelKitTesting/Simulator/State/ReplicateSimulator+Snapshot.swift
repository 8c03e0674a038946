import Foundation

extension ReplicateSimulator {
    /// The simulated world as a JSON document that ``restore(from:)`` brings back, in this process or a
    /// later one, so that a program run as separate commands (train now, generate later) keeps talking to
    /// the same Replicate.
    ///
    /// Kept, so that a restored simulator answers `GET` of every model, version, file, training and
    /// prediction exactly as this one does, serves the same output images and weights, and runs predictions
    /// on trained versions:
    /// - the accounts (tokens and webhook secrets: treat the snapshot like the simulator's configuration);
    /// - models with their versions (trained versions with the look they learned), uploaded files that have
    ///   not expired (bytes included), trainings and predictions with their inputs, logs, outputs and webhook
    ///   targets, and each running job's next step, so jobs in flight carry on;
    /// - the output files: images by what renders them again, byte for byte; trained weights as bytes;
    /// - the clock's time and the random generator's state.
    ///
    /// Not kept: webhook deliveries still waiting to be sent (a host recovers the outcome by polling or
    /// reconciling, as with real Replicate), the recorded requests and webhook attempts, the rate-limit
    /// windows, and anything the restoring simulator's ``Configuration`` sets (faults, rate limits, base
    /// URLs, time scale, retention, image size, seed). Output links keep the delivery base URL they were made
    /// with, so restore into a simulator with the same base URLs.
    ///
    /// ```swift
    /// let state = try await simulator.snapshot()
    /// // ... later, perhaps in another process:
    /// let next = ReplicateSimulator(configuration: configuration, clock: .virtual())
    /// try await next.restore(from: state)
    /// ```
    public func snapshot() async throws(SimulatorStateError) -> Data {
        try await engine.snapshot()
    }

    /// Replaces this simulator's world with the one `snapshot` holds (see ``snapshot()`` for what that is).
    ///
    /// A virtual clock moves forward to the snapshot's time (never back; a later start time is kept, and
    /// jobs whose next step fell due meanwhile move on). This simulator's own accounts stay and win over
    /// the snapshot's; configured trainer versions the snapshot lacks are added. Random choices continue from
    /// a mix of the snapshot's generator and this simulator's seed: the same pair always behaves the same,
    /// and a fresh seed per process never hands out an id that another copy of the snapshot handed out.
    /// Within the restored world an id is never handed out twice.
    public func restore(from snapshot: Data) async throws(SimulatorStateError) {
        try await engine.restore(from: snapshot)
    }

    /// Writes ``snapshot()`` to `file` atomically (a reader sees the old or the new state, never half).
    public func save(to file: URL) async throws(SimulatorStateError) {
        let data = try await snapshot()
        do {
            try data.write(to: file, options: .atomic)
        } catch {
            throw SimulatorStateError(.storage, "could not write \(file.path): \(error.localizedDescription)")
        }
    }

    /// Restores from `file` if it exists; returns whether it did.
    @discardableResult
    public func restoreIfPresent(from file: URL) async throws(SimulatorStateError) -> Bool {
        guard FileManager.default.fileExists(atPath: file.path) else { return false }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw SimulatorStateError(.storage, "could not read \(file.path): \(error.localizedDescription)")
        }
        try await restore(from: data)
        return true
    }
}
