import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitValidation
import Testing

@testable import SelfieModelKitReplicate

@Suite("ReplicateClient: errors, retries and backoff")
struct ClientRetryTests {
    static let request = try! Fixtures.generationRequest()
    static let body = request.jsonBody()
    static let throttled = #"{"detail":"Request was throttled. Your rate limit resets in ~30s.","status":429}"#
    static let predictionID = try! PredictionID("gm3qorzdhgbfurvjtvhg6dckhu")

    @Test("a POST refused with 429 is retried after Retry-After, and the caller never sees the 429")
    func postRetriedAfter429() async throws {
        let (client, transport, clock) = try Fixtures.client([
            .json(429, Self.throttled, headers: ["Retry-After": "7"]),
            .json(429, Self.throttled),
            .json(201, Fixtures.predictionJSON),
        ])
        let prediction = try await client.createPrediction(Self.request)
        #expect(prediction.status == .succeeded)
        #expect(await transport.requests.count == 3)
        #expect(await transport.requests.allSatisfy { $0.body == Self.body })
        let sleeps = clock.sleeps.map(\.seconds)
        #expect(sleeps.count >= 2)
        #expect(sleeps[0] >= 30 - 1e-6)
    }

    @Test("ratelimit-reset is honoured when there is no Retry-After")
    func rateLimitReset() async throws {
        let (client, _, clock) = try Fixtures.client([
            .json(429, #"{"detail":"Request was throttled."}"#, headers: ["ratelimit-reset": "12"]),
            .json(200, Fixtures.predictionJSON),
        ])
        _ = try await client.prediction(Self.predictionID)
        #expect(clock.sleeps.map(\.seconds).contains { $0 >= 12 - 1e-6 && $0 < 14 })
    }

    @Test("a POST that got a 500 is not retried: it may have created the prediction")
    func postNotRetriedAfter500() async throws {
        let (client, transport, _) = try Fixtures.client([
            .json(500, #"{"detail":"Internal server error","status":500}"#), .json(201, Fixtures.predictionJSON),
        ])
        let error = await #expect(throws: ReplicateError.self) {
            try await client.createPrediction(Self.request)
        }
        #expect(error?.code == .serverError)
        #expect(error?.httpStatus == 500)
        #expect(await transport.requests.count == 1)
    }

    @Test("a POST whose transport failed after sending is not retried")
    func postNotRetriedAfterMaybeSent() async throws {
        let (client, transport, _) = try Fixtures.client([
            .failure(HTTPTransportError(requestMayHaveBeenSent: true, reason: "connection reset")),
            .json(201, Fixtures.predictionJSON),
        ])
        let error = await #expect(throws: ReplicateError.self) {
            try await client.createPrediction(Self.request)
        }
        #expect(error?.code == .transport)
        #expect(error?.requestMayHaveBeenSent == true)
        #expect(await transport.requests.count == 1)
    }

    @Test("a POST that provably never left is retried")
    func postRetriedWhenNotSent() async throws {
        let (client, transport, _) = try Fixtures.client([
            .failure(HTTPTransportError(requestMayHaveBeenSent: false, reason: "connection refused")),
            .json(201, Fixtures.predictionJSON),
        ])
        _ = try await client.createPrediction(Self.request)
        #expect(await transport.requests.count == 2)
    }

    @Test("a GET is retried after 5xx and network failures with growing backoff, up to maxAttempts")
    func getRetried() async throws {
        let (client, transport, clock) = try Fixtures.client([
            .json(502, "<html>bad gateway</html>"),
            .failure(HTTPTransportError(requestMayHaveBeenSent: true, reason: "reset")),
            .json(503, "{}"),
            .json(200, Fixtures.predictionJSON),
        ])
        _ = try await client.prediction(Self.predictionID)
        #expect(await transport.requests.count == 4)
        #expect(clock.sleeps.map(\.seconds) == [0.25, 0.5, 1.0])

        let (failing, failingTransport, _) = try Fixtures.client(Array(repeating: .json(500, "{}"), count: 9))
        let error = await #expect(throws: ReplicateError.self) { try await failing.prediction(Self.predictionID) }
        #expect(error?.code == .serverError)
        #expect(await failingTransport.requests.count == 5)
    }

    @Test("429s past the retry budget surface as rate-limited with the wait Replicate asked for")
    func throttleBudgetExhausted() async throws {
        let policy = RetryPolicy(maxRateLimitWait: .seconds(60), random: { 0 })
        let (client, transport, _) = try Fixtures.client(
            Array(repeating: .json(429, Self.throttled), count: 10), retryPolicy: policy)
        let error = await #expect(throws: ReplicateError.self) {
            try await client.createPrediction(Self.request)
        }
        #expect(error?.code == .rateLimited)
        #expect(error?.retryAfter == .seconds(30))
        #expect(await transport.requests.count == 3)
    }

    @Test(
        "problem+json maps to codes with title, detail and invalid_fields",
        arguments: [
            (
                401,
                #"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#,
                "unauthenticated"
            ),
            (404, #"{"detail":"The specified training destination does not exist","status":404}"#, "not-found"),
            (409, #"{"detail":"A model with that name and owner already exists.","status":409}"#, "conflict"),
            (400, #"{"detail":"A model with that name and owner already exists."}"#, "conflict"),
            (413, "", "payload-too-large"),
            (418, "I'm a teapot", "unexpected-status"),
        ])
    func errorMapping(status: Int, body: String, code: String) async throws {
        let (client, _, _) = try Fixtures.client([.json(status, body)])
        let error = await #expect(throws: ReplicateError.self) { try await client.prediction(Self.predictionID) }
        #expect(error?.code.rawValue == code)
        #expect(error?.httpStatus == status)
    }

    @Test("422 input validation carries every invalid field")
    func invalidFields() async throws {
        let problem = """
            {"title":"Input validation failed","detail":"- input.num_outputs: Must be less than or equal to 4\\n\
            - input.aspect_ratio: aspect_ratio must be one of the following",\
            "status":422,"invalid_fields":[{"type":"number_lte","field":"input.num_outputs",\
            "description":"Must be less than or equal to 4"},{"type":"enum","field":"input.aspect_ratio",\
            "description":"aspect_ratio must be one of the following"}]}
            """
        let (client, _, _) = try Fixtures.client([.json(422, problem)])
        let error = try #require(
            await #expect(throws: ReplicateError.self) {
                try await client.createPrediction(Self.request)
            })
        #expect(error.code == .invalidRequest)
        #expect(error.title == "Input validation failed")
        #expect(error.invalidFields.map(\.field) == ["input.num_outputs", "input.aspect_ratio"])
        #expect(error.invalidFields.map(\.type) == ["number_lte", "enum"])
    }

    @Test("the token never appears in an error, even when a server echoes it")
    func tokenRedacted() async throws {
        let echo =
            #"{"title":"Bad token r8_test_token_0123456789abcdef","detail":"token r8_test_token_0123456789abcdef is wrong"}"#
        let (client, _, _) = try Fixtures.client([
            .json(401, echo),
            .failure(
                HTTPTransportError(requestMayHaveBeenSent: true, reason: "proxy said r8_test_token_0123456789abcdef")),
        ])
        for _ in 0..<2 {
            do {
                _ = try await client.cancelPrediction(Self.predictionID)
                Issue.record("expected an error")
            } catch let error as ReplicateError {
                let text = "\(error) \(String(reflecting: error))"
                #expect(!text.contains("r8_test_token"))
                #expect(text.contains("[redacted]"))
            }
        }
    }

    @Test("an undecodable success body is a decoding error")
    func decodingError() async throws {
        let (client, _, _) = try Fixtures.client([.json(200, #"{"id":"NOT VALID","status":"succeeded"}"#)])
        let error = await #expect(throws: ReplicateError.self) { try await client.prediction(Self.predictionID) }
        #expect(error?.code == .decoding)
    }

    @Test("retry hints: Retry-After seconds and HTTP date, ratelimit-reset, throttle body; the longest wins")
    func hints() {
        let now = Date(timeIntervalSince1970: 1_752_660_000)
        func response(_ status: Int, _ headers: [String: String]) -> HTTPResponse {
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return HTTPResponse(status: .init(code: status), headerFields: fields)
        }
        #expect(RetryHint.wait(in: response(429, ["Retry-After": "5"]), body: Data(), now: now) == .seconds(5))
        #expect(
            RetryHint.wait(
                in: response(503, ["Retry-After": "Wed, 16 Jul 2025 10:00:20 GMT"]), body: Data(), now: now)
                == .seconds(20))
        #expect(
            RetryHint.wait(
                in: response(429, ["Retry-After": "5", "ratelimit-reset": "9"]), body: Data(Self.throttled.utf8),
                now: now) == .seconds(30))
        #expect(RetryHint.wait(in: response(500, [:]), body: Data(Self.throttled.utf8), now: now) == nil)
        #expect(RetryHint.wait(in: response(429, ["Retry-After": "soon"]), body: Data(), now: now) == nil)
    }

    @Test("backoff doubles, is capped, and jitters within [d/2, d)")
    func backoff() {
        let low = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(8), random: { 0 })
        let high = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(8), random: { 0.999 })
        #expect((1...6).map { low.backoff(attempt: $0).seconds } == [0.5, 1, 2, 4, 4, 4])
        #expect((1...6).allSatisfy { high.backoff(attempt: $0).seconds < [1, 2, 4, 8, 8, 8][$0 - 1] })
        #expect(high.delay(hint: .seconds(30), attempt: 1).seconds > 30)
        #expect(high.delay(hint: .seconds(30), attempt: 1).seconds < 31.01)
    }
}
