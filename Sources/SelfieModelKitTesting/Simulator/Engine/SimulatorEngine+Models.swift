import Foundation

extension SimulatorEngine {
    static let hardwareSKUs: Set<String> = [
        "cpu", "gpu-t4", "gpu-l40s", "gpu-l40s-2x", "gpu-a100-large", "gpu-a100-large-2x", "gpu-h100",
    ]

    func createModel(_ request: Request, owner: String) -> SimulatorResponse {
        let allowed: Set<String> = [
            "owner", "name", "visibility", "hardware", "description", "github_url", "paper_url", "license_url",
            "cover_image_url",
        ]
        let body: JSONObject
        switch jsonBody(request, allowed: allowed) {
        case .success(let object): body = object
        case .failure(let response): return response
        }
        var failures: [InvalidField] = []
        for key in ["owner", "name", "visibility", "hardware"] where body[key]?.stringValue == nil {
            failures.append(InvalidField(type: "required", field: "(root)", description: "\(key) is required"))
        }
        let visibility = body["visibility"]?.stringValue ?? ""
        if !visibility.isEmpty, visibility != "public", visibility != "private" {
            failures.append(
                InvalidField(
                    type: "enum", field: "visibility",
                    description: "visibility must be one of the following: \"public\", \"private\""))
        }
        let hardware = body["hardware"]?.stringValue ?? ""
        if !hardware.isEmpty, !Self.hardwareSKUs.contains(hardware) {
            failures.append(
                InvalidField(
                    type: "enum", field: "hardware", description: "\(hardware) is not a valid hardware SKU"))
        }
        let name = body["name"]?.stringValue ?? ""
        if !name.isEmpty, !Self.isValidModelName(name) {
            failures.append(
                InvalidField(
                    type: "pattern", field: "name",
                    description: "Model names may only contain lowercase letters, numbers, dashes, underscores "
                        + "and periods, and cannot start or end with a dash, underscore or period."))
        }
        guard failures.isEmpty else { return .validationFailed(failures) }
        let modelOwner = body["owner"]!.stringValue!
        guard modelOwner == owner else {
            return .problem(
                403, title: "Forbidden",
                detail: "You do not have permission to create models for the owner \"\(modelOwner)\".")
        }
        let key = "\(modelOwner)/\(name)"
        guard models[key] == nil else {
            return .problem(409, title: "Conflict", detail: "A model with that name and owner already exists.")
        }
        let model = ModelRecord(
            owner: modelOwner, name: name, description: body["description"]?.stringValue, visibility: visibility,
            hardware: hardware, createdAt: clock.now)
        models[key] = model
        return .json(201, modelJSON(model))
    }

    static func isValidModelName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let allowed: (UInt8) -> Bool = {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
        let isEdge: (UInt8) -> Bool = { $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
        guard (1...100).contains(bytes.count), bytes.allSatisfy(allowed), let first = bytes.first,
            let last = bytes.last
        else { return false }
        return !isEdge(first) && !isEdge(last)
    }

    func getModel(_ key: String, owner: String) -> SimulatorResponse {
        guard let model = models[key], isVisible(model, to: owner) else { return .notFound }
        return .json(200, modelJSON(model))
    }

    func listVersions(_ key: String, owner: String) -> SimulatorResponse {
        guard let model = models[key], isVisible(model, to: owner) else { return .notFound }
        let results = model.versionIDs.reversed().compactMap { versions[$0].map(versionJSON) }
        return .json(200, ["next": .null, "previous": .null, "results": .array(results)])
    }

    func getVersion(modelKey: String, id: String, owner: String) -> SimulatorResponse {
        guard let model = models[modelKey], isVisible(model, to: owner), let version = versions[id],
            version.modelKey == modelKey
        else { return .notFound }
        return .json(200, versionJSON(version))
    }

    func modelJSON(_ model: ModelRecord) -> JSONValue {
        let latest = model.versionIDs.last.flatMap { versions[$0] }.map(versionJSON) ?? .null
        return [
            "url": .string("https://replicate.com/\(model.key)"), "owner": .string(model.owner),
            "name": .string(model.name), "description": .optional(model.description),
            "visibility": .string(model.visibility), "github_url": .null, "paper_url": .null, "license_url": .null,
            "run_count": .int(model.runCount), "cover_image_url": .null, "default_example": .null,
            "latest_version": latest,
        ]
    }

    func versionJSON(_ version: VersionRecord) -> JSONValue {
        let schema: InputSchema
        switch version.kind {
        case .predictor: schema = .fluxLoRAPredictor
        case .trainer: schema = .fluxLoRATrainer
        }
        return [
            "id": .string(version.id), "created_at": .string(SimulatorDate.string(version.createdAt)),
            "cog_version": "0.14.3", "openapi_schema": schema.openAPISchema(),
        ]
    }

    /// Adds a trained version to `modelKey` (or moves it to the top if it exists).
    func addTrainedVersion(id: String, modelKey: String, look: TrainingLook) {
        guard var model = models[modelKey] else { return }
        if versions[id] == nil {
            versions[id] = VersionRecord(id: id, modelKey: modelKey, createdAt: clock.now, kind: .predictor(look))
        }
        model.versionIDs.removeAll { $0 == id }
        model.versionIDs.append(id)
        models[modelKey] = model
    }
}

extension SimulatorEngine {
    /// Fixture support: creates `owner/name` if needed and gives it a trained version for `images`
    /// (as if a training had succeeded), returning the version id.
    package func installTrainedVersion(
        owner: String, name: String, images: [Data], triggerWord: String, visibility: String
    ) -> String {
        let key = "\(owner)/\(name)"
        if models[key] == nil {
            models[key] = ModelRecord(
                owner: owner, name: name, description: nil, visibility: visibility, hardware: "gpu-t4",
                createdAt: clock.now)
        }
        let digests = images.map { SimulatorHash.sha256($0) }
        let look = TrainingLook(
            imageDigests: digests, identity: SimulatorHash.sha256(digests.flatMap { $0 }), triggerWord: triggerWord)
        let id = SimulatorHash.sha256Hex(Data("installed\n\(SimulatorHash.hex(look.identity))\n\(key)".utf8))
        addTrainedVersion(id: id, modelKey: key, look: look)
        return id
    }
}
