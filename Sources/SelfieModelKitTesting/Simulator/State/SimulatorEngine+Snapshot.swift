import Foundation

extension SimulatorEngine {
    /// The world as a snapshot document (see ``ReplicateSimulator/snapshot()`` for what it keeps).
    package func snapshot() throws(SimulatorStateError) -> Data {
        let now = clock.now
        let document = SimulatorSnapshot(
            format: SimulatorSnapshot.currentFormat, clock: now, randomState: random.state, sequence: sequence,
            accounts: accountsByToken.values.sorted { ($0.owner, $0.token) < ($1.owner, $1.token) }.map {
                SimulatorSnapshot.Account(owner: $0.owner, token: $0.token, webhookSecret: $0.webhookSecret)
            },
            models: models.values.sorted { $0.key < $1.key },
            versions: versions.values.sorted { $0.id < $1.id },
            files: files.values.filter { $0.expiresAt > now }.sorted { $0.id < $1.id },
            trainings: trainings.values.sorted { $0.id < $1.id },
            predictions: predictions.values.sorted { $0.id < $1.id },
            deliveryFiles: deliveryFiles.sorted { $0.key < $1.key }.map {
                SimulatorSnapshot.Delivery(key: $0.key, entry: $0.value)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return try encoder.encode(document)
        } catch {
            throw SimulatorStateError(.storage, "the simulator state could not be encoded: \(error)")
        }
    }

    /// Replaces the world with the one in `data`.
    ///
    /// The clock moves forward to the snapshot's time (a virtual clock never goes back; jobs whose next
    /// step fell due meanwhile move on with the next request or ``advance(to:)``). Accounts of this
    /// simulator stay and win over the snapshot's for the same token or owner; configured trainer versions
    /// the snapshot lacks are added. The random generator continues from a mix of the snapshot's state and
    /// this simulator's, so ids differ from any a copy of the same snapshot handed out under another seed.
    package func restore(from data: Data) throws(SimulatorStateError) {
        let decoder = JSONDecoder()
        guard let header = try? decoder.decode(SimulatorSnapshot.Header.self, from: data) else {
            throw SimulatorStateError(.unreadable, "it is not a simulator snapshot")
        }
        guard header.format == SimulatorSnapshot.currentFormat else {
            throw SimulatorStateError(
                .unsupportedFormat,
                "the snapshot's format is \"\(header.format)\"; this simulator reads \"\(SimulatorSnapshot.currentFormat)\""
            )
        }
        let document: SimulatorSnapshot
        do {
            document = try decoder.decode(SimulatorSnapshot.self, from: data)
        } catch {
            throw SimulatorStateError(.unreadable, "the simulator snapshot is damaged: \(error)")
        }
        apply(document)
    }

    private func apply(_ document: SimulatorSnapshot) {
        clock.moveForward(to: document.clock)
        for saved in document.accounts where accountsByToken[saved.token] == nil {
            let account = SimulatorAccount(owner: saved.owner, token: saved.token, webhookSecret: saved.webhookSecret)
            accountsByToken[saved.token] = account
            if secrets[saved.owner] == nil { secrets[saved.owner] = saved.webhookSecret }
        }
        var models = Dictionary(document.models.map { ($0.key, $0) }) { _, last in last }
        var versions = Dictionary(document.versions.map { ($0.id, $0) }) { _, last in last }
        Self.installTrainers(configuration.trainerVersions, models: &models, versions: &versions, created: clock.now)
        self.models = models
        self.versions = versions
        files = Dictionary(document.files.map { ($0.id, $0) }) { _, last in last }
        trainings = Dictionary(document.trainings.map { ($0.id, $0) }) { _, last in last }
        predictions = Dictionary(document.predictions.map { ($0.id, $0) }) { _, last in last }
        deliveryFiles = Dictionary(document.deliveryFiles.map { ($0.key, $0.entry) }) { _, last in last }

        // Pending webhook deliveries are not kept; each job's next milestone is.
        deliveries = MinHeap()
        milestones = MinHeap()
        for training in trainings.values {
            if let pending = training.pending {
                milestones.insert(
                    ScheduledMilestone(
                        at: pending.at, sequence: pending.token, job: .training(training.id), token: pending.token))
            }
        }
        for prediction in predictions.values {
            if let pending = prediction.pending {
                milestones.insert(
                    ScheduledMilestone(
                        at: pending.at, sequence: pending.token, job: .prediction(prediction.id), token: pending.token))
            }
        }
        sequence = max(sequence, document.sequence)
        let mixed = SimulatorHash.sha256(Data("selfie-sim restore\n\(document.randomState)\n\(random.state)".utf8))
        random = SimulatorRandom(seed: mixed.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
}
