import Foundation
import HTTPTypes
import SelfieModelKit

extension ReplicateClient {
    /// Every version of `model`, newest first: `GET /models/{owner}/{name}/versions`, page by page.
    ///
    /// - Throws: ``ReplicateError``; `httpStatus` 404 when the model does not exist (or is not visible),
    ///   `.listTooLong` past `maxPages` pages.
    public func listVersions(
        of model: ReplicateModelID, maxPages: Int = defaultMaxListPages, for user: UserID? = nil
    ) async throws -> [ModelVersion] {
        try await listAll(
            "/models/\(model.owner)/\(model.name)/versions", maxPages: maxPages, for: user, as: ModelVersion.self)
    }

    /// Deletes a version of one of the account's own private models:
    /// `DELETE /models/{owner}/{name}/versions/{id}`.
    ///
    /// Replicate answers 202 and processes the deletion within minutes; the version's predictions and their
    /// output files go with it. It refuses (4xx) a version that a deployment uses, that another version is
    /// overridden to use, or that someone else ran predictions with.
    /// - Throws: ``ReplicateError``; `httpStatus` 404 when the version is gone already.
    public func deleteVersion(
        _ version: ModelVersionID, of model: ReplicateModelID, for user: UserID? = nil
    ) async throws {
        _ = try await perform(
            endpoint(.delete, "/models/\(model.owner)/\(model.name)/versions/\(version)"), for: user)
    }

    /// Deletes one of the account's own private models: `DELETE /models/{owner}/{name}` (204).
    ///
    /// Replicate deletes only a model without versions: delete every version first
    /// (``deleteVersion(_:of:for:)``), and retry while their deletions are still being processed.
    /// - Throws: ``ReplicateError``; `httpStatus` 404 when the model is gone already, 409 while it still has
    ///   versions.
    public func deleteModel(_ model: ReplicateModelID, for user: UserID? = nil) async throws {
        _ = try await perform(endpoint(.delete, "/models/\(model.owner)/\(model.name)"), for: user)
    }

    /// Every unexpired file the account uploaded through the Files API, newest first: `GET /files`, page by
    /// page.
    public func listFiles(maxPages: Int = defaultMaxListPages, for user: UserID? = nil) async throws -> [ReplicateFile]
    {
        try await listAll("/files", maxPages: maxPages, for: user, as: ReplicateFile.self)
    }

    /// Deletes an uploaded file: `DELETE /files/{id}` (204); later requests for it answer 404.
    /// - Throws: ``ReplicateError``; `httpStatus` 404 when it is gone already (or was never the account's).
    public func deleteFile(_ id: String, for user: UserID? = nil) async throws {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw ReplicateError(.invalidConfiguration, detail: "A file id is letters, digits, dashes and underscores.")
        }
        _ = try await perform(endpoint(.delete, "/files/\(id)"), for: user)
    }

    /// The id of a file uploaded to this client's API, read from its `urls.get` (`{base}/files/{id}`), or
    /// `nil` for any other URL.
    public func uploadedFileID(in url: String) -> String? {
        guard let parsed = URL(string: url), let target = RequestTarget(url: parsed), target.isSameOrigin(as: base)
        else { return nil }
        let prefix = base.path + "/files/"
        guard target.path.hasPrefix(prefix) else { return nil }
        let rest = target.path.dropFirst(prefix.count)
        let id = rest.prefix { $0 != "/" && $0 != "?" }
        return id.isEmpty ? nil : String(id)
    }

    /// Every item of a list endpoint, following each page's `next` (under the base URL only).
    private func listAll<Item: Decodable & Sendable>(
        _ path: String, maxPages: Int, for user: UserID?, as type: Item.Type
    ) async throws -> [Item] {
        var found: [Item] = []
        var next: Endpoint? = endpoint(.get, path)
        var pages = 0
        while let current = next {
            guard pages < maxPages else {
                throw ReplicateError(
                    .listTooLong, detail: "GET \(path) has more than \(maxPages) pages", request: "GET \(path)")
            }
            pages += 1
            let page = try await send(current, for: user, as: ReplicatePage<Item>.self)
            found += page.results
            next = try page.next.map { try pageEndpoint($0, of: path) }
        }
        return found
    }
}
