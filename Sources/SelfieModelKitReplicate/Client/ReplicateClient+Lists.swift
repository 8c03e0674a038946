import Foundation
import HTTPTypes
import SelfieModelKit

/// One page of a Replicate list endpoint: `{"previous": …, "next": …, "results": […]}`.
struct ReplicatePage<Item: Decodable & Sendable>: Decodable, Sendable {
    var results: [Item]
    /// The absolute URL of the next (older) page; `nil` on the last page.
    var next: String?
}

/// A job that a list endpoint returns with its creation time.
protocol ReplicateListed: Decodable, Sendable {
    var createdAt: Date? { get }
}

extension Prediction: ReplicateListed {}
extension Training: ReplicateListed {}

extension ReplicateClient {
    /// The most pages ``listPredictions(createdAfter:maxPages:for:)`` and
    /// ``listTrainings(createdAfter:maxPages:for:)`` read by default: 5,000 jobs.
    public static let defaultMaxListPages = 50

    /// The account's most recent predictions, newest first: the first page of `GET /predictions` (100 at
    /// Replicate).
    public func listPredictions(for user: UserID? = nil) async throws -> [Prediction] {
        try await send(endpoint(.get, "/predictions"), for: user, as: ReplicatePage<Prediction>.self).results
    }

    /// The account's most recent trainings, newest first: the first page of `GET /trainings`.
    public func listTrainings(for user: UserID? = nil) async throws -> [Training] {
        try await send(endpoint(.get, "/trainings"), for: user, as: ReplicatePage<Training>.self).results
    }

    /// Every prediction of the account created at or after `cutoff`, newest first, read page by page from
    /// `GET /predictions` (following each page's `next` until a page reaches past `cutoff` or is the last).
    ///
    /// The reconciler uses it to find a prediction whose create call reached Replicate while the host
    /// crashed before recording its id, however busy the account is. Each page is one call under the rate
    /// budget. `next` is followed only when it stays under the client's base URL (same scheme, host, port
    /// and path prefix), so the token is never sent elsewhere.
    /// - Parameters:
    ///   - cutoff: the oldest creation time of interest.
    ///   - maxPages: the most pages read.
    ///   - user: whose request this is, for the rate budget's fairness.
    /// - Throws: ``ReplicateError`` with code `.listTooLong` when `maxPages` pages did not reach back to
    ///   `cutoff` (the answer would be incomplete), `.offBaseLink` for a `next` link off the base URL, or
    ///   the error of a failed page.
    public func listPredictions(
        createdAfter cutoff: Date, maxPages: Int = defaultMaxListPages, for user: UserID? = nil
    ) async throws -> [Prediction] {
        try await list("/predictions", createdAfter: cutoff, maxPages: maxPages, for: user, as: Prediction.self)
    }

    /// Every training of the account created at or after `cutoff`, newest first, read page by page from
    /// `GET /trainings`; see ``listPredictions(createdAfter:maxPages:for:)``.
    public func listTrainings(
        createdAfter cutoff: Date, maxPages: Int = defaultMaxListPages, for user: UserID? = nil
    ) async throws -> [Training] {
        try await list("/trainings", createdAfter: cutoff, maxPages: maxPages, for: user, as: Training.self)
    }

    private func list<Item: ReplicateListed>(
        _ path: String, createdAfter cutoff: Date, maxPages: Int, for user: UserID?, as type: Item.Type
    ) async throws -> [Item] {
        var found: [Item] = []
        var next: Endpoint? = endpoint(.get, path)
        var pages = 0
        while let current = next {
            guard pages < maxPages else {
                throw ReplicateError(
                    .listTooLong,
                    detail: "\(pages) pages of GET \(path) did not reach back to \(cutoff)",
                    request: "GET \(path)")
            }
            pages += 1
            let page = try await send(current, for: user, as: ReplicatePage<Item>.self)
            found += page.results.filter { ($0.createdAt ?? .distantFuture) >= cutoff }
            // Newest first: once a page holds a job older than the cutoff, later pages hold only older ones.
            if page.results.contains(where: { ($0.createdAt ?? .distantFuture) < cutoff }) { break }
            next = try page.next.map { try pageEndpoint($0, of: path) }
        }
        return found
    }

    /// The endpoint of a page's `next` link, which must stay under the base URL.
    func pageEndpoint(_ link: String, of path: String) throws -> Endpoint {
        guard let url = URL(string: link), let target = RequestTarget(url: url), target.isSameOrigin(as: base),
            target.path.hasPrefix(base.path + "/")
        else {
            throw ReplicateError(
                .offBaseLink,
                detail: "the next page of GET \(path) is not under the API base URL; it was not followed",
                request: "GET \(path)")
        }
        return Endpoint(method: .get, target: target)
    }
}
