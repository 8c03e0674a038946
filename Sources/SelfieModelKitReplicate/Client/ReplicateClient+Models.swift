import Foundation
import HTTPTypes
import SelfieModelKit

extension ReplicateClient {
    /// Who may see and run a model.
    public enum Visibility: String, Sendable, Hashable {
        /// Only the owner.
        case `private`
        /// Everyone.
        case `public`
    }

    /// Creates a model: `POST /models`.
    ///
    /// - Parameters:
    ///   - model: the model to create, `owner/name`; the owner must be the token's account or one of its
    ///     organisations.
    ///   - visibility: `private` by default.
    ///   - hardware: a hardware SKU such as `gpu-t4`; fine-tunes run on their trainer's hardware anyway.
    ///   - description: a short description.
    ///   - user: the user this is done for, or `nil` for system work.
    /// - Throws: ``ReplicateError``; `.conflict` when the model exists already.
    public func createModel(
        _ model: ReplicateModelID, visibility: Visibility = .private, hardware: String = "gpu-t4",
        description: String? = nil, for user: UserID? = nil
    ) async throws -> ReplicateModel {
        struct Body: Encodable {
            var owner: String
            var name: String
            var visibility: String
            var hardware: String
            var description: String?
        }
        let body = try JSONEncoder().encode(
            Body(
                owner: model.owner.rawValue, name: model.name, visibility: visibility.rawValue, hardware: hardware,
                description: description))
        return try await send(endpoint(.post, "/models", json: body), for: user, as: ReplicateModel.self)
    }

    /// Reads a model: `GET /models/{owner}/{name}`.
    public func model(_ model: ReplicateModelID, for user: UserID? = nil) async throws -> ReplicateModel {
        try await send(endpoint(.get, "/models/\(model.owner)/\(model.name)"), for: user, as: ReplicateModel.self)
    }

    /// Reads a version with its `openapi_schema`: `GET /models/{owner}/{name}/versions/{id}`.
    public func version(
        _ version: ModelVersionID, of model: ReplicateModelID, for user: UserID? = nil
    ) async throws -> ModelVersion {
        try await send(
            endpoint(.get, "/models/\(model.owner)/\(model.name)/versions/\(version)"), for: user,
            as: ModelVersion.self)
    }

    /// Reads the account's webhook signing secret: `GET /webhooks/default/secret`.
    public func defaultWebhookSecret() async throws -> WebhookSecret {
        struct Body: Decodable { var key: String }
        let body = try await send(endpoint(.get, "/webhooks/default/secret"), for: nil, as: Body.self)
        do {
            return try WebhookSecret(body.key)
        } catch {
            throw ReplicateError(.decoding, detail: "The webhook secret in the response was empty.")
        }
    }

    /// Downloads an output file (an image URL from a prediction's output, or a training's weights).
    ///
    /// A URL on the API's own origin (the Files API, or the simulator's outputs) is fetched with the
    /// token and under the rate budget. A URL on any other host is fetched without the token and outside
    /// the budget: Replicate's delivery URLs are capabilities that need no token, and the token must not
    /// leak to a third party. Retries follow the `GET` rules. Output URLs expire an hour after the
    /// prediction ends (404 or 410 then).
    ///
    /// Redirects (301, 302, 303, 307, 308) are followed here, at most ``maximumDownloadRedirects`` of them,
    /// never from `https` to `http`; every hop decides afresh whether it is the API's origin, so the token
    /// never follows a redirect to another host. (Transports never follow redirects themselves.)
    public func download(_ url: URL, for user: UserID? = nil) async throws -> Data {
        var current = url
        for _ in 0...Self.maximumDownloadRedirects {
            guard let target = RequestTarget(url: current) else {
                throw ReplicateError(.invalidConfiguration, detail: "Only absolute http(s) URLs can be downloaded.")
            }
            var download = Endpoint(method: .get, target: target)
            download.isAPICall = target.isSameOrigin(as: base)
            download.returnsRedirects = true
            let (response, body) = try await perform(download, for: user)
            guard (300..<400).contains(response.status.code) else { return body }
            guard Self.followedRedirects.contains(response.status.code),
                let location = response.headerFields[.location],
                let next = URL(string: location, relativeTo: current)?.absoluteURL,
                next.scheme == "https" || current.scheme == "http"
            else {
                throw ReplicateError(
                    .unexpectedStatus, httpStatus: response.status.code,
                    detail: "The download answered a redirect that is not followed (to \(target.authority)).")
            }
            current = next
        }
        throw ReplicateError(
            .unexpectedStatus,
            detail: "The download was redirected more than \(Self.maximumDownloadRedirects) times.")
    }

    /// The most redirects ``download(_:for:)`` follows.
    public static let maximumDownloadRedirects = 5

    /// The redirect statuses ``download(_:for:)`` follows (a `GET` stays a `GET` for each).
    static let followedRedirects: Set<Int> = [301, 302, 303, 307, 308]
}
