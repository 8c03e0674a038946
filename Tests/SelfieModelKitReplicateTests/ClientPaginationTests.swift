import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

@testable import SelfieModelKitReplicate

@Suite("Client: paginated lists")
struct ClientPaginationTests {
    /// A prediction object with `id` created at `created` (an ISO 8601 time).
    private static func prediction(_ id: String, _ created: String) -> String {
        #"{"id":"\#(id)","version":"\#(Fixtures.versionHash)","status":"processing","created_at":"\#(created)"}"#
    }

    /// A list page: `results` and the `next` link (`nil` for `null`).
    private static func page(_ results: [String], next: String?) -> ScriptedReply {
        let link = next.map { "\"\($0)\"" } ?? "null"
        return .json(200, #"{"previous":null,"next":\#(link),"results":[\#(results.joined(separator: ","))]}"#)
    }

    private static func cutoff(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("follows next, with the token, until a page reaches past the cutoff; keeps only what is not older")
    func followsNextUntilCutoff() async throws {
        let (client, transport, _) = try Fixtures.client([
            Self.page(
                [Self.prediction("p5", "2025-07-16T10:05:00Z"), Self.prediction("p4", "2025-07-16T10:04:00Z")],
                next: "https://api.replicate.com/v1/predictions?cursor=abc"),
            Self.page(
                [Self.prediction("p3", "2025-07-16T10:03:00Z"), Self.prediction("p2", "2025-07-16T10:02:00Z")],
                next: "https://api.replicate.com/v1/predictions?cursor=def"),
            Self.page([Self.prediction("p1", "2025-07-16T10:01:00Z")], next: nil),
        ])
        let found = try await client.listPredictions(createdAfter: Self.cutoff("2025-07-16T10:02:30Z"))
        #expect(found.map(\.id.rawValue) == ["p5", "p4", "p3"])
        let requests = await transport.requests
        #expect(requests.map(\.path) == ["/v1/predictions", "/v1/predictions?cursor=abc"])
        #expect(requests.allSatisfy { $0.request.authority == "api.replicate.com" })
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer r8_test_token_0123456789abcdef" })
    }

    @Test("stops at the last page (next is null)")
    func stopsAtLastPage() async throws {
        let (client, transport, _) = try Fixtures.client([
            Self.page(
                [Self.prediction("p2", "2025-07-16T10:02:00Z")],
                next: "https://api.replicate.com/v1/predictions?cursor=x"),
            Self.page([Self.prediction("p1", "2025-07-16T10:01:00Z")], next: nil),
        ])
        let found = try await client.listPredictions(createdAfter: Self.cutoff("2025-07-16T09:00:00Z"))
        #expect(found.map(\.id.rawValue) == ["p2", "p1"])
        #expect(await transport.requests.count == 2)
    }

    @Test(
        "a next link off the API base is not followed, and the token never leaves",
        arguments: [
            "https://evil.example/v1/predictions?cursor=abc", "http://api.replicate.com/v1/predictions?cursor=abc",
            "https://api.replicate.com:8443/v1/predictions?cursor=abc", "https://api.replicate.com/other/predictions",
        ])
    func refusesForeignNext(_ link: String) async throws {
        let (client, transport, _) = try Fixtures.client([
            Self.page([Self.prediction("p2", "2025-07-16T10:02:00Z")], next: link),
            Self.page([Self.prediction("p1", "2025-07-16T10:01:00Z")], next: nil),
        ])
        let error = await #expect(throws: ReplicateError.self) {
            try await client.listPredictions(createdAfter: Self.cutoff("2025-07-16T09:00:00Z"))
        }
        #expect(error?.code == .offBaseLink)
        #expect(await transport.requests.map(\.path) == ["/v1/predictions"])
    }

    @Test("a list that does not reach the cutoff within the page bound throws rather than answer in part")
    func pageBound() async throws {
        let pages = (0..<3).map { index in
            Self.page(
                [Self.prediction("p\(9 - index)", "2025-07-16T10:0\(9 - index):00Z")],
                next: "https://api.replicate.com/v1/predictions?cursor=c\(index)")
        }
        let (client, transport, _) = try Fixtures.client(pages)
        let error = await #expect(throws: ReplicateError.self) {
            try await client.listPredictions(createdAfter: Self.cutoff("2025-07-16T09:00:00Z"), maxPages: 2)
        }
        #expect(error?.code == .listTooLong)
        #expect(await transport.requests.count == 2)
    }

    @Test("trainings page the same way")
    func trainings() async throws {
        let training = Fixtures.trainingJSON(status: "processing")
        let (client, transport, _) = try Fixtures.client([
            Self.page([training], next: "https://api.replicate.com/v1/trainings?cursor=t1"),
            Self.page([], next: nil),
        ])
        let found = try await client.listTrainings(createdAfter: Self.cutoff("2025-07-16T09:00:00Z"))
        #expect(found.count == 1)
        #expect(await transport.requests.map(\.path) == ["/v1/trainings", "/v1/trainings?cursor=t1"])
    }
}
