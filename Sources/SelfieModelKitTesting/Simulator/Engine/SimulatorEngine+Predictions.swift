import Foundation

extension SimulatorEngine {
    static let nsfwMessage =
        "All generated images contained NSFW content. Try running it again with a different prompt."

    /// FLUX's native sizes at one megapixel, width and height.
    static let nativeSizes: [String: (Int, Int)] = [
        "1:1": (1024, 1024), "16:9": (1344, 768), "21:9": (1536, 640), "3:2": (1216, 832), "2:3": (832, 1216),
        "4:5": (896, 1088), "5:4": (1088, 896), "3:4": (896, 1152), "4:3": (1152, 896), "9:16": (768, 1344),
        "9:21": (640, 1536),
    ]

    /// Resolves a prediction's `version`: a bare id or `owner/name:id`, visible to `owner`, of a trained
    /// (predictor) version.
    private func resolveVersion(_ reference: String, owner: String) -> VersionRecord? {
        var id = reference
        var modelKey: String?
        if let colon = reference.lastIndex(of: ":") {
            modelKey = String(reference[..<colon])
            id = String(reference[reference.index(after: colon)...])
        }
        guard let version = versions[id], let model = models[version.modelKey], isVisible(model, to: owner) else {
            return nil
        }
        if let modelKey, modelKey != version.modelKey { return nil }
        guard case .predictor = version.kind else { return nil }
        return version
    }

    func createPrediction(_ request: Request, owner: String) async -> SimulatorResponse {
        let body: JSONObject
        switch jsonBody(
            request, allowed: ["version", "input", "webhook", "webhook_completed", "webhook_events_filter", "stream"])
        {
        case .success(let object): body = object
        case .failure(let response): return response
        }
        guard let reference = body["version"]?.stringValue else {
            return .validationFailed([
                InvalidField(type: "required", field: "(root)", description: "version is required")
            ])
        }
        guard let version = resolveVersion(reference, owner: owner) else {
            return .invalidVersion
        }
        guard let input = (body["input"] ?? [:]).objectValue else {
            return .validationFailed([
                InvalidField(type: "invalid_type", field: "input", description: "Invalid type. Expected: object")
            ])
        }
        let webhook: WebhookTarget?
        switch webhookTarget(body) {
        case .success(let target): webhook = target
        case .failure(let response): return response
        }
        let schema = InputSchema.fluxLoRAPredictor
        let validated = schema.validate(input)
        guard validated.failures.isEmpty else { return .validationFailed(validated.failures) }
        let now = clock.now
        let numOutputs = validated.value("num_outputs", schema: schema)?.integerValue ?? 1
        let steps = validated.value("num_inference_steps", schema: schema)?.integerValue ?? 28
        let fast = validated.value("go_fast", schema: schema)?.boolValue ?? false
        var failure: String?
        if random.chance(configuration.faults.predictionFailureRate) {
            let nsfw = random.chance(configuration.faults.nsfwShareOfPredictionFailures)
            failure = nsfw ? Self.nsfwMessage : "CUDA error: an illegal memory access was encountered"
            faultCounts.predictionFailures += 1
            if nsfw { faultCounts.nsfwFailures += 1 }
        }
        var prediction = PredictionRecord(
            SimulatedJob(
                id: newID(), owner: owner, input: input, accepted: validated.accepted, dropped: validated.dropped,
                createdAt: now, webhook: webhook),
            PredictionDetails(
                modelKey: version.modelKey, versionID: version.id,
                seed: validated.accepted["seed"]?.integerValue ?? Int(random.next() % 65536), numOutputs: numOutputs,
                secondsPerOutput: Double(steps) * (fast ? 0.07 : 0.12) * random.value(in: 0.9...1.1),
                failure: failure))
        let coldBoot = random.chance(0.05)
        let boot = coldBoot ? random.value(in: 20...60) : random.value(in: 0.4...2.5)
        prediction.pending = schedule(.prediction(prediction.id), .boot, after: scaled(boot))
        predictions[prediction.id] = prediction
        models[version.modelKey]?.runCount += 1
        emitPrediction(prediction.id, event: "start", at: now)
        if let prefer = request.header("prefer"), let wait = Self.preferWait(prefer) {
            await waitForPrediction(prediction.id, seconds: wait)
        }
        return .json(201, predictionJSON(predictions[prediction.id]!))
    }

    /// `Prefer: wait` (60 s) or `wait=N` (1 to 60).
    static func preferWait(_ header: String) -> Double? {
        for piece in header.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if piece == "wait" { return 60 }
            if piece.hasPrefix("wait="), let value = Int(piece.dropFirst(5)), (1...60).contains(value) {
                return Double(value)
            }
        }
        return nil
    }

    /// Blocks until the prediction is terminal or `seconds` pass: on a virtual clock virtual time runs
    /// (milestones and webhooks included); on the system clock the request really waits.
    private func waitForPrediction(_ id: String, seconds: Double) async {
        let deadline = clock.now.addingTimeInterval(seconds)
        while let prediction = predictions[id], !prediction.status.isTerminal, clock.now < deadline {
            if clock.isVirtual {
                let next = min(deadline, prediction.pending?.at ?? deadline)
                await advance(to: next)
            } else {
                let pause = min(0.02, max(0.001, deadline.timeIntervalSince(clock.now)))
                try? await Task.sleep(for: .seconds(pause))
                applyMilestones(until: clock.now)
            }
        }
    }

    func getPrediction(_ id: String, owner: String) -> SimulatorResponse {
        if let prediction = predictions[id], prediction.owner == owner {
            return .json(200, predictionJSON(prediction))
        }
        if let training = trainings[id], training.owner == owner {
            return .json(200, trainingJSON(training))
        }
        return .notFound
    }

    func listPredictions(_ request: Request, owner: String) -> SimulatorResponse {
        let mine = predictions.values.filter { $0.owner == owner }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return page(
            mine, key: { ($0.createdAt, $0.id) }, request: request, path: "/predictions", render: predictionJSON)
    }

    func cancelPrediction(_ id: String, owner: String) -> SimulatorResponse {
        if trainings[id]?.owner == owner, predictions[id] == nil { return cancelTraining(id, owner: owner) }
        guard var prediction = predictions[id], prediction.owner == owner else { return .notFound }
        if !prediction.status.isTerminal {
            let now = clock.now
            prediction.status = .canceled
            prediction.completedAt = now
            prediction.pending = schedule(.prediction(id), .removeData, after: configuration.outputRetention)
            predictions[id] = prediction
            emitPrediction(id, event: "completed", at: now)
        }
        return .json(200, predictionJSON(predictions[id]!))
    }

    func predictionJSON(_ prediction: PredictionRecord) -> JSONValue {
        var metrics = JSONObject()
        if let started = prediction.startedAt, let completed = prediction.completedAt {
            if prediction.status == .succeeded { metrics["image_count"] = .int(prediction.numOutputs) }
            metrics["predict_time"] = .double(completed.timeIntervalSince(started))
            metrics["total_time"] = .double(completed.timeIntervalSince(prediction.createdAt))
        }
        let output: JSONValue =
            prediction.dataRemoved ? .null : prediction.outputURLs.map { .array($0.map { .string($0) }) } ?? .null
        return [
            "id": .string(prediction.id), "model": .string(prediction.modelKey),
            "version": .string(prediction.versionID),
            "input": prediction.dataRemoved ? [:] : .object(prediction.input),
            "logs": .string(prediction.dataRemoved ? "" : prediction.logs), "output": output,
            "data_removed": .bool(prediction.dataRemoved), "error": .optional(prediction.error),
            "status": .string(prediction.status.rawValue), "source": "api",
            "created_at": .string(SimulatorDate.string(prediction.createdAt)),
            "started_at": .optional(prediction.startedAt.map(SimulatorDate.string)),
            "completed_at": .optional(prediction.completedAt.map(SimulatorDate.string)),
            "urls": [
                "cancel": .string("\(apiBase)/predictions/\(prediction.id)/cancel"),
                "get": .string("\(apiBase)/predictions/\(prediction.id)"),
                "web": .string("https://replicate.com/p/\(prediction.id)"),
            ],
            "metrics": .object(metrics),
        ]
    }

    private func emitPrediction(_ id: String, event: String, at date: Date) {
        guard var prediction = predictions[id] else { return }
        emit(
            event: event, jobID: id, owner: prediction.owner, target: &prediction.webhook,
            body: predictionJSON(prediction), at: date)
        predictions[id]?.webhook = prediction.webhook
    }

    func runPredictionStep(_ id: String, _ step: JobStep, at date: Date) {
        guard var prediction = predictions[id] else { return }
        if case .removeData = step {
            prediction.dataRemoved = true
            for url in prediction.outputURLs ?? [] where url.hasPrefix(deliveryBase + "/") {
                deliveryFiles[String(url.dropFirst(deliveryBase.count + 1))] = nil
            }
            predictions[id] = prediction
            return
        }
        guard !prediction.status.isTerminal else { return }
        let steps = prediction.accepted["num_inference_steps"]?.integerValue ?? 28
        switch step {
        case .boot:
            prediction.status = .processing
            prediction.startedAt = date
            prediction.logs += "Using seed: \(prediction.seed)\n"
            if !prediction.dropped.isEmpty {
                prediction.logs +=
                    "selfie-sim: ignored input keys not in the model's schema: "
                    + prediction.dropped.joined(separator: ", ") + "\n"
            }
            prediction.logs += "Loaded LoRAs in 0.82s\n"
            prediction.pending = schedule(
                .prediction(id), .denoise(output: 1), after: scaled(prediction.secondsPerOutput))
            predictions[id] = prediction
            emitPrediction(id, event: "logs", at: date)
        case .denoise(let output):
            let rate = Double(steps) / max(0.001, prediction.secondsPerOutput)
            prediction.logs +=
                "100%|##########| \(steps)/\(steps) [" + Self.clockString(prediction.secondsPerOutput)
                + "<00:00, " + String(format: "%.2f", rate) + "it/s]\n"
            if output < prediction.numOutputs {
                prediction.pending = schedule(
                    .prediction(id), .denoise(output: output + 1), after: scaled(prediction.secondsPerOutput))
            } else {
                prediction.pending = schedule(.prediction(id), .finish, after: scaled(0.3))
            }
            predictions[id] = prediction
            emitPrediction(id, event: "logs", at: date)
        case .finish:
            finishPrediction(&prediction, at: date)
            prediction.pending = schedule(.prediction(id), .removeData, after: configuration.outputRetention)
            predictions[id] = prediction
            if prediction.status == .succeeded { emitPrediction(id, event: "output", at: date) }
            emitPrediction(id, event: "completed", at: date)
        default:
            return
        }
    }

    private func finishPrediction(_ prediction: inout PredictionRecord, at date: Date) {
        prediction.completedAt = date
        if let failure = prediction.failure {
            if failure == Self.nsfwMessage {
                for index in 0..<prediction.numOutputs {
                    prediction.logs += "NSFW content detected in image \(index)\n"
                }
            }
            prediction.status = .failed
            prediction.error = failure
            return
        }
        guard let version = versions[prediction.versionID], case .predictor(let look) = version.kind else { return }
        let requested = prediction.accepted["output_format"]?.stringValue ?? "webp"
        let format = ["jpg", "webp"].contains(requested) ? requested : "png"
        let contentType = ["jpg": "image/jpeg", "webp": "image/webp"][format] ?? "image/png"
        let (width, height) = outputSize(prediction.accepted)
        let prompt = prediction.accepted["prompt"]?.stringValue ?? ""
        let quality = prediction.accepted["output_quality"]?.integerValue ?? 80
        var urls: [String] = []
        for index in 0..<prediction.numOutputs {
            let token = random.replicateID(length: 40)
            let name = "out-\(index).\(format)"
            deliveryFiles["\(token)/\(name)"] = DeliveryEntry(
                file: .image(
                    ImageJob(
                        look: look, modelKey: version.modelKey, versionID: version.id, predictionID: prediction.id,
                        seed: prediction.seed, prompt: prompt, index: index, width: width, height: height,
                        format: format, quality: quality)), predictionID: prediction.id,
                contentType: contentType)
            urls.append("\(deliveryBase)/\(token)/\(name)")
        }
        prediction.logs += "Total safe images: \(prediction.numOutputs) out of \(prediction.numOutputs)\n"
        prediction.outputURLs = urls
        prediction.status = .succeeded
    }

    /// The rendered size: the requested aspect ratio (or custom width and height) at FLUX's native size,
    /// scaled so the long side is ``ReplicateSimulator/Configuration/imageLongSide``.
    func outputSize(_ input: JSONObject) -> (Int, Int) {
        let ratio = input["aspect_ratio"]?.stringValue ?? "1:1"
        var size: (Int, Int)
        if ratio == "custom" {
            size = (input["width"]?.integerValue ?? 1024, input["height"]?.integerValue ?? 1024)
        } else {
            size = Self.nativeSizes[ratio] ?? (1024, 1024)
        }
        if input["megapixels"]?.stringValue == "0.25" { size = (size.0 / 2, size.1 / 2) }
        guard let longSide = configuration.imageLongSide, longSide > 0 else { return size }
        let parts = ratio.split(separator: ":").compactMap { Int($0) }
        if ratio != "custom", parts.count == 2 {
            let (a, b) = (parts[0], parts[1])
            return a >= b ? (longSide, max(1, longSide * b / a)) : (max(1, longSide * a / b), longSide)
        }
        let scale = Double(longSide) / Double(max(size.0, size.1))
        return (max(1, Int(Double(size.0) * scale)), max(1, Int(Double(size.1) * scale)))
    }

    /// Serves a file under the delivery base URL; images are rendered on demand (deterministically).
    func serveDelivery(_ key: String, method: String) -> SimulatorResponse {
        guard method == "GET" || method == "HEAD" else { return .methodNotAllowed(method) }
        guard let entry = deliveryFiles[key] else {
            return SimulatorResponse(
                status: 404, headers: [("Content-Type", "text/plain")], body: Data("Not Found".utf8))
        }
        let body: Data
        switch entry.file {
        case .weights(let data): body = data
        case .image(let job): body = SimulatedOutputRenderer.file(job)
        }
        return SimulatorResponse(
            status: 200, headers: [("Content-Type", entry.contentType)], body: method == "HEAD" ? Data() : body)
    }
}
