import Foundation

/// `DELETE /models/{owner}/{name}/versions/{id}` and `DELETE /models/{owner}/{name}`, as Replicate
/// documents them: only the caller's own private models; a model only once it has no versions left.
///
/// A version's deletion is processed at once here (Replicate accepts it with 202 and processes it within
/// minutes), and takes the version's finished predictions with it. What a deletion removes is gone for
/// every later call.
extension SimulatorEngine {
    func deleteVersion(modelKey: String, id: String, owner: String) -> SimulatorResponse {
        guard let model = models[modelKey], isVisible(model, to: owner) else { return .notFound }
        if let refusal = refuseDeletion(of: model, by: owner, what: "versions of") { return refusal }
        guard let version = versions[id], version.modelKey == modelKey else { return .notFound }
        versions[version.id] = nil
        models[modelKey]?.versionIDs.removeAll { $0 == version.id }
        let gone = predictions.filter {
            $0.value.details.modelKey == modelKey && $0.value.details.versionID == version.id
                && $0.value.job.status.isTerminal
        }
        for key in gone.keys { predictions[key] = nil }
        return SimulatorResponse(status: 202)
    }

    func deleteModel(_ key: String, owner: String) -> SimulatorResponse {
        guard let model = models[key], isVisible(model, to: owner) else { return .notFound }
        if let refusal = refuseDeletion(of: model, by: owner, what: "") { return refusal }
        guard model.versionIDs.isEmpty else {
            return .problem(
                409, title: "Conflict",
                detail: "This model has versions. Delete every version of the model before deleting the model.")
        }
        models[key] = nil
        return SimulatorResponse(status: 204)
    }

    /// Replicate deletes only the caller's own, private models (and their versions).
    private func refuseDeletion(of model: ModelRecord, by owner: String, what: String) -> SimulatorResponse? {
        let subject = what.isEmpty ? "this model" : "\(what) this model"
        guard model.owner == owner else {
            return .problem(403, title: "Forbidden", detail: "You do not have permission to delete \(subject).")
        }
        guard model.visibility == "private" else {
            return .problem(
                403, title: "Forbidden", detail: "Only private models can be deleted; \(subject) is public.")
        }
        return nil
    }
}

extension SimulatorEngine {
    package func inventory(owner: String) -> SimulatorInventory {
        let now = clock.now
        return SimulatorInventory(
            models: models.values.filter { $0.owner == owner }.sorted { $0.key < $1.key }.map {
                SimulatorInventory.Model(name: $0.key, versionIDs: $0.versionIDs)
            },
            files: files.values.filter { $0.owner == owner && $0.expiresAt > now }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { SimulatorInventory.File(id: $0.id, name: $0.name) })
    }
}

/// What the simulator holds for one account: see ``ReplicateSimulator/inventory(of:)``.
public struct SimulatorInventory: Sendable, Hashable {
    /// A model of the account with its versions.
    public struct Model: Sendable, Hashable {
        /// `owner/name`.
        public var name: String
        /// Its versions' ids, oldest first.
        public var versionIDs: [String]
    }

    /// An unexpired uploaded file.
    public struct File: Sendable, Hashable {
        /// The file's id.
        public var id: String
        /// The name given at upload.
        public var name: String
    }

    /// The account's models, by name.
    public var models: [Model]
    /// The account's unexpired files, oldest first.
    public var files: [File]
}
