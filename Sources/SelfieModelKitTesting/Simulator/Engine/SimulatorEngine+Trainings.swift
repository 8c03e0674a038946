import Foundation

extension SimulatorEngine {
    /// Log lines per training (a tqdm line every `steps / 40` steps).
    static let trainingLogLines = 40

    func createTraining(
        _ request: Request, trainerModel: String, trainerVersion: String, owner: String
    )
        -> SimulatorResponse
    {
        let body: JSONObject
        switch jsonBody(
            request, allowed: ["destination", "input", "webhook", "webhook_completed", "webhook_events_filter"])
        {
        case .success(let object): body = object
        case .failure(let response): return response
        }
        guard configuration.trainerVersions[trainerModel]?.contains(trainerVersion) == true else {
            return .invalidVersion
        }
        guard let destination = body["destination"]?.stringValue, let model = models[destination],
            model.owner == owner
        else { return .destinationNotFound }
        let webhook: WebhookTarget?
        switch webhookTarget(body) {
        case .success(let target): webhook = target
        case .failure(let response): return response
        }
        let input = body["input"]?.objectValue ?? JSONObject()
        let validated = InputSchema.fluxLoRATrainer.validate(input)
        guard validated.failures.isEmpty else { return .validationFailed(validated.failures) }
        let steps = validated.value("steps", schema: .fluxLoRATrainer)?.integerValue ?? 1000
        var failAtStep: Int?
        if random.chance(configuration.faults.trainingFailureRate) {
            faultCounts.trainingFailures += 1
            failAtStep = max(1, Int(Double(steps) * random.value(in: 0.1...0.9)))
        }
        let now = clock.now
        var training = TrainingRecord(
            SimulatedJob(
                id: newID(), owner: owner, input: input, accepted: validated.accepted, dropped: validated.dropped,
                createdAt: now, webhook: webhook),
            TrainingDetails(
                trainerModel: trainerModel, trainerVersion: trainerVersion, destination: destination, steps: steps,
                secondsPerStep: random.value(in: 0.95...1.05), failAtStep: failAtStep))
        training.pending = schedule(.training(training.id), .boot, after: scaled(random.value(in: 20...60)))
        trainings[training.id] = training
        emitTraining(training.id, event: "start", at: now)
        var json = trainingJSON(training)
        if case .object(var object) = json, case .object(var urls)? = object["urls"] {
            urls["get"] = .string("\(apiBase)/predictions/\(training.id)")
            urls["cancel"] = .string("\(apiBase)/predictions/\(training.id)/cancel")
            object["urls"] = .object(urls)
            json = .object(object)
        }
        return .json(201, json)
    }

    func getTraining(_ id: String, owner: String) -> SimulatorResponse {
        guard let training = trainings[id], training.owner == owner else { return .notFound }
        return .json(200, trainingJSON(training))
    }

    func listTrainings(_ request: Request, owner: String) -> SimulatorResponse {
        let mine = trainings.values.filter { $0.owner == owner }.sorted {
            ($0.createdAt, $0.id) > ($1.createdAt, $1.id)
        }
        return page(mine, key: { ($0.createdAt, $0.id) }, request: request, path: "/trainings", render: trainingJSON)
    }

    func cancelTraining(_ id: String, owner: String) -> SimulatorResponse {
        guard var training = trainings[id], training.owner == owner else { return .notFound }
        if !training.status.isTerminal {
            let now = clock.now
            training.status = .canceled
            training.completedAt = now
            training.pending = nil
            training.logs += "Training canceled.\n"
            trainings[id] = training
            emitTraining(id, event: "completed", at: now)
        }
        return .json(200, trainingJSON(trainings[id]!))
    }

    func trainingJSON(_ training: TrainingRecord) -> JSONValue {
        var metrics = JSONObject()
        if let started = training.startedAt, let completed = training.completedAt {
            metrics["predict_time"] = .double(completed.timeIntervalSince(started))
            metrics["total_time"] = .double(completed.timeIntervalSince(training.createdAt))
        }
        return [
            "id": .string(training.id), "model": .string(training.trainerModel),
            "version": .string(training.trainerVersion), "input": .object(training.input),
            "logs": .string(training.logs),
            "output": training.output, "error": .optional(training.error), "status": .string(training.status.rawValue),
            "source": "api", "created_at": .string(SimulatorDate.string(training.createdAt)),
            "started_at": .optional(training.startedAt.map(SimulatorDate.string)),
            "completed_at": .optional(training.completedAt.map(SimulatorDate.string)),
            "metrics": .object(metrics),
            "urls": [
                "get": .string("\(apiBase)/trainings/\(training.id)"),
                "cancel": .string("\(apiBase)/trainings/\(training.id)/cancel"),
                "web": .string("https://replicate.com/p/\(training.id)"),
            ],
        ]
    }

    private func emitTraining(_ id: String, event: String, at date: Date) {
        guard var training = trainings[id] else { return }
        emit(
            event: event, jobID: id, owner: training.owner, target: &training.webhook, body: trainingJSON(training),
            at: date)
        trainings[id]?.webhook = training.webhook
    }

    private func failTraining(_ id: String, message: String, at date: Date) {
        trainings[id]?.status = .failed
        trainings[id]?.error = message
        trainings[id]?.logs += message + "\n"
        trainings[id]?.completedAt = date
        emitTraining(id, event: "logs", at: date)
        emitTraining(id, event: "completed", at: date)
    }

    func runTrainingStep(_ id: String, _ step: JobStep, at date: Date) {
        guard var training = trainings[id], !training.status.isTerminal else { return }
        switch step {
        case .boot:
            training.status = .processing
            training.startedAt = date
            training.logs += "Extracting input_images...\n"
            trainings[id] = training
            guard let url = training.accepted["input_images"]?.stringValue else {
                failTraining(id, message: "ValueError: input_images is required: pass a zip file of images.", at: date)
                return
            }
            let archive: TrainingArchive
            switch resolveInputURL(url, owner: training.owner).flatMap({ data in
                TrainingArchive.read(data).map { (data, $0) }
            }) {
            case .success(let (data, read)):
                archive = read
                let trigger = training.accepted["trigger_word"]?.stringValue ?? "TOK"
                training.look = archive.look(triggerWord: trigger)
                training.zipDigest = SimulatorHash.sha256Hex(data)
            case .failure(let failure):
                let message = failure.message
                let text =
                    message.hasPrefix("zipfile.") || message.hasPrefix("ValueError")
                    ? message : "Failed to download input_images: \(message)"
                failTraining(id, message: text, at: date)
                return
            }
            if !training.dropped.isEmpty {
                training.logs +=
                    "selfie-sim: ignored input keys not in the trainer's schema: "
                    + training.dropped.joined(separator: ", ") + "\n"
            }
            training.logs += "Found \(archive.images.count) images and \(archive.captionCount) captions\n"
            let autocaption = training.accepted["autocaption"]?.boolValue ?? true
            let preprocess = autocaption ? 10 + 4 * Double(archive.images.count) : 8
            if autocaption { training.logs += "Loading Llava 1.5 for autocaptioning...\n" }
            training.pending = schedule(.training(id), .preprocess, after: scaled(preprocess))
            trainings[id] = training
            emitTraining(id, event: "logs", at: date)
        case .preprocess:
            let count = training.look?.imageDigests.count ?? 0
            training.logs += "Captioned \(count) images\nStarting training: \(training.steps) steps\n"
            let chunk = max(1, training.steps / Self.trainingLogLines)
            training.pending = schedule(
                .training(id), .train(step: min(chunk, training.steps)),
                after: scaled(Double(min(chunk, training.steps)) * training.secondsPerStep))
            trainings[id] = training
            emitTraining(id, event: "logs", at: date)
        case .train(let current):
            if let failAt = training.failAtStep, current >= failAt {
                trainings[id] = training
                failTraining(
                    id,
                    message: "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB "
                        + "(GPU 0; 79.15 GiB total capacity).", at: date)
                return
            }
            training.logs += tqdmLine(training, step: current) + "\n"
            if current >= training.steps {
                training.logs += "Saving LoRA weights to output/flux_train_replicate/lora.safetensors\n"
                training.pending = schedule(.training(id), .upload, after: scaled(30))
            } else {
                let chunk = max(1, training.steps / Self.trainingLogLines)
                let next = min(training.steps, current + chunk)
                training.pending = schedule(
                    .training(id), .train(step: next), after: scaled(Double(next - current) * training.secondsPerStep))
            }
            trainings[id] = training
            emitTraining(id, event: "logs", at: date)
        case .upload:
            finishTraining(&training, at: date)
            trainings[id] = training
            emitTraining(id, event: "output", at: date)
            emitTraining(id, event: "completed", at: date)
        default:
            return
        }
    }

    private func finishTraining(_ training: inout TrainingRecord, at date: Date) {
        let look =
            training.look
            ?? TrainingLook(imageDigests: [], identity: [UInt8](repeating: 0, count: 32), triggerWord: "TOK")
        let versionID = SimulatorHash.sha256Hex(Data("\(training.zipDigest ?? "")\n\(training.destination)".utf8))
        addTrainedVersion(id: versionID, modelKey: training.destination, look: look)
        let token = random.replicateID(length: 40)
        let rank = training.accepted["lora_rank"]?.integerValue ?? 16
        deliveryFiles["\(token)/trained_model.tar"] = DeliveryEntry(
            file: .weights(
                TrainedWeights.tar(
                    versionID: versionID, destination: training.destination, triggerWord: look.triggerWord, rank: rank)),
            predictionID: nil, contentType: "application/x-tar")
        training.output = [
            "version": .string("\(training.destination):\(versionID)"),
            "weights": .string("\(deliveryBase)/\(token)/trained_model.tar"),
        ]
        training.status = .succeeded
        training.completedAt = date
        training.logs += "Uploaded weights. Training complete.\n"
    }

    private func tqdmLine(_ training: TrainingRecord, step: Int) -> String {
        let total = training.steps
        let percent = Int((Double(step) / Double(total) * 100).rounded(.down))
        let filled = min(10, percent / 10)
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 10 - filled)
        let elapsed = Double(step) * training.secondsPerStep
        let remaining = Double(total - step) * training.secondsPerStep
        let learningRate = training.accepted["learning_rate"]?.numberValue ?? 0.0004
        let progress = Double(step) / Double(total)
        let loss = 0.18 + 0.3 * exp(-3 * progress) + 0.02 * sin(Double(step))
        let head = "flux_train_replicate: " + String(format: "%3d", percent) + "%|" + bar + "| \(step)/\(total) "
        let times = "[" + Self.clockString(elapsed) + "<" + Self.clockString(remaining) + ", "
        let rates = String(format: "%5.2fs/it, lr: %.1e loss: %.1e]", training.secondsPerStep, learningRate, loss)
        return head + times + rates
    }

    static func clockString(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 3600 {
            return String(format: "%d:%02d:%02d", whole / 3600, (whole % 3600) / 60, whole % 60)
        }
        return String(format: "%02d:%02d", whole / 60, whole % 60)
    }
}
