import Foundation
import HTTPTypes
import SelfieModelKit

/// One page of a Replicate list endpoint: `{"previous": …, "next": …, "results": […]}`.
struct ReplicatePage<Item: Decodable & Sendable>: Decodable, Sendable {
    var results: [Item]
}

extension ReplicateClient {
    /// The account's most recent predictions, newest first: the first page of `GET /predictions`.
    ///
    /// The reconciler uses it to find a prediction whose create call may have reached Replicate while the
    /// host crashed before recording its id.
    public func listPredictions(for user: UserID? = nil) async throws -> [Prediction] {
        try await send(endpoint(.get, "/predictions"), for: user, as: ReplicatePage<Prediction>.self).results
    }

    /// The account's most recent trainings, newest first: the first page of `GET /trainings`.
    public func listTrainings(for user: UserID? = nil) async throws -> [Training] {
        try await send(endpoint(.get, "/trainings"), for: user, as: ReplicatePage<Training>.self).results
    }
}
