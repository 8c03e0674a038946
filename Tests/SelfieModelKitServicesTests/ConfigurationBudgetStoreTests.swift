import Foundation
import HTTPTypes
import Logging
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import Testing

@Suite("Configuration: the Replicate client's budget store")
struct ConfigurationBudgetStoreTests {
    /// Answers every request with an empty list page.
    struct EmptyPages: HTTPTransport {
        func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
            (HTTPResponse(status: .ok), Data(#"{"previous":null,"next":null,"results":[]}"#.utf8))
        }
    }

    /// Grants every permit and remembers the buckets it was asked for.
    actor RecordingStore: RateBudgetStore {
        private(set) var asked: [RateBucket] = []

        func takePermit(from bucket: RateBucket, limit: RateLimit, now: Date) -> PermitDecision {
            asked.append(bucket)
            return .granted
        }

        func pause(_ bucket: RateBucket, until date: Date) {}
    }

    @Test("makeReplicateClient takes its permits from the store it is given")
    func usesTheGivenStore() async throws {
        let configuration = try Configuration(environment: ["REPLICATE_API_TOKEN": ConfigurationTests.token])
        let store = RecordingStore()
        let client = try configuration.makeReplicateClient(
            transport: EmptyPages(), logger: Logger(label: "test"), budgetStore: store)
        #expect(try await client.listPredictions().isEmpty)
        #expect(try await client.listTrainings().isEmpty)
        #expect(await store.asked == [.general, .general])
    }
}
