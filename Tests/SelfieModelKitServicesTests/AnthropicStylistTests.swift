import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitServices
import Testing

@Suite("Maya: the Anthropic stylist against a local Messages API")
struct AnthropicStylistTests {
    static let key = "sk-ant-api03-FAKEKEYforTESTSonly0123456789"
    let trigger = TriggerWord(for: try! UserID("42"))

    static let readyJSON = """
        {"reply": "Golden hour on a rooftop, in your navy blazer. Here's the shot.",
         "prompt": "Editorial waist-up portrait of user42, wearing a tailored navy blazer, on a city rooftop at golden hour, shot on Canon EOS R5 with an 85mm lens at f/2, natural skin texture with visible pores, no retouching, subtle film grain",
         "suggestions": ["Closer headshot", "Try black and white", "  ", "Full body"]}
        """

    func makeStylist(_ fake: FakeMessagesAPI, model: String = AnthropicStylist.defaultModel) throws -> AnthropicStylist
    {
        AnthropicStylist(apiKey: try AnthropicAPIKey(Self.key), transport: fake, model: model)
    }

    @Test("a turn is one well-formed POST /v1/messages and its JSON answer becomes the reply")
    func happyPath() async throws {
        let fake = FakeMessagesAPI(expectedKey: Self.key, outcomes: [.text([Self.readyJSON])])
        let reply = try await makeStylist(fake).respond(
            to: StylistRequest(
                message: "Rooftop at golden hour, navy blazer",
                conversation: [.user("Hi Maya"), .stylist("Hi! Where shall we shoot?")], triggerWord: trigger))
        #expect(reply.text.hasPrefix("Golden hour on a rooftop"))
        #expect(reply.prompt?.contains("of user42,") == true)
        #expect(reply.suggestions == ["Closer headshot", "Try black and white", "Full body"])

        let received = try #require(await fake.received.first)
        #expect(received.request.scheme == "https")
        #expect(received.request.authority == "api.anthropic.com")
        #expect(received.request.path == "/v1/messages")
        #expect(received.request.headerFields[.contentType] == "application/json")
        let json = try received.json()
        #expect(json["model"] as? String == "claude-sonnet-4-5")
        #expect(json["max_tokens"] as? Int == 1024)
        let system = try #require(json["system"] as? String)
        #expect(system.contains("user42"))
        #expect(system.contains("JSON"))
        let messages = try #require(json["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(messages.last?["content"] == "Rooftop at golden hour, navy blazer")
    }

    @Test("the model and base URL are configurable")
    func configurable() async throws {
        let fake = FakeMessagesAPI(expectedKey: Self.key, outcomes: [])
        let stylist = AnthropicStylist(
            apiKey: try AnthropicAPIKey(Self.key), transport: fake, model: "claude-opus-4-1",
            baseURL: URL(string: "http://127.0.0.1:8787/anthropic/")!, maxTokens: 300)
        _ = try await stylist.respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        let received = try #require(await fake.received.first)
        #expect(received.request.scheme == "http")
        #expect(received.request.authority == "127.0.0.1:8787")
        #expect(received.request.path == "/anthropic/v1/messages")
        let json = try received.json()
        #expect(json["model"] as? String == "claude-opus-4-1")
        #expect(json["max_tokens"] as? Int == 300)

        let configuration = try Configuration(environment: [
            "ANTHROPIC_API_KEY": Self.key, "ANTHROPIC_MODEL": "claude-haiku-4-5",
            "ANTHROPIC_API_BASE_URL": "http://localhost:9000", "SELFIE_REPLICATE_BACKEND": "simulator",
        ])
        let configured = AnthropicStylist(settings: try #require(configuration.anthropic), transport: fake)
        #expect(configured.model == "claude-haiku-4-5")
        _ = try await configured.respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        #expect(await fake.received.last?.request.authority == "localhost:9000")
    }

    @Test("the conversation is sent as alternating roles starting with the user, history capped")
    func conversationShape() async throws {
        let fake = FakeMessagesAPI(expectedKey: Self.key, outcomes: [])
        let stylist = AnthropicStylist(
            apiKey: try AnthropicAPIKey(Self.key), transport: fake, maximumHistoryTurns: 4)
        let conversation: [StylistTurn] = [
            .stylist("Hi, I'm Maya!"), .user("one"), .user("two"), .stylist("three"), .user(" "), .user("four"),
            .stylist("five"),
        ]
        _ = try await stylist.respond(
            to: StylistRequest(message: "six", conversation: conversation, triggerWord: trigger))
        let messages = try #require(try await fake.received.first?.json()["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] ?? "" } == ["user", "assistant", "user"])
        #expect(messages.map { $0["content"] ?? "" } == ["four", "five", "six"])

        _ = try await stylist.respond(
            to: StylistRequest(message: "again", conversation: [.user("a"), .user("b")], triggerWord: trigger))
        let merged = try #require(try await fake.received.last?.json()["messages"] as? [[String: String]])
        #expect(merged == [["role": "user", "content": "a\n\nb\n\nagain"]])
    }

    @Test("a very long message is cut to maximumMessageLength characters")
    func longMessage() async throws {
        let fake = FakeMessagesAPI(expectedKey: Self.key, outcomes: [])
        let long = String(repeating: "x", count: StylistRequest.maximumMessageLength * 3)
        _ = try await makeStylist(fake).respond(to: StylistRequest(message: long, triggerWord: trigger))
        let messages = try #require(try await fake.received.first?.json()["messages"] as? [[String: String]])
        #expect(messages.last?["content"]?.count == StylistRequest.maximumMessageLength)
    }

    @Test(
        "answers in code fences, with prose around them, or across blocks are understood",
        arguments: [
            FakeMessagesAPI.Outcome.text(["```json\n" + readyJSON + "\n```"]),
            .text(["Here you go:\n" + readyJSON + "\nEnjoy!"]),
            .text([String(readyJSON.prefix(40)), String(readyJSON.dropFirst(40))]),
            .thinkingThenText(readyJSON),
        ])
    func tolerantParsing(outcome: FakeMessagesAPI.Outcome) async throws {
        let fake = FakeMessagesAPI(expectedKey: Self.key, outcomes: [outcome])
        let reply = try await makeStylist(fake).respond(to: StylistRequest(message: "go", triggerWord: trigger))
        #expect(reply.prompt?.contains("user42") == true)
        #expect(reply.suggestions.count == 3)
    }

    @Test("a question without a prompt, and a prose answer, become replies without a prompt")
    func noPrompt() async throws {
        let fake = FakeMessagesAPI(
            expectedKey: Self.key,
            outcomes: [
                .text([#"{"reply": "Where shall we shoot?", "prompt": null, "suggestions": ["Café", "Studio"]}"#]),
                .text(["Where shall we shoot? A café or a studio?"]),
                .text([
                    #"{"reply": "Where?", "prompt": "  ", "suggestions": ["a very long suggestion that goes on and on and on and on and on and on"]}"#
                ]),
            ])
        let stylist = try makeStylist(fake)
        let request = StylistRequest(message: "hi", triggerWord: trigger)
        let first = try await stylist.respond(to: request)
        #expect(first == StylistReply(text: "Where shall we shoot?", prompt: nil, suggestions: ["Café", "Studio"]))
        let second = try await stylist.respond(to: request)
        #expect(second == StylistReply(text: "Where shall we shoot? A café or a studio?"))
        let third = try await stylist.respond(to: request)
        #expect(third == StylistReply(text: "Where?"))
    }

    @Test(
        "provider errors map to stable codes",
        arguments: [
            (
                FakeMessagesAPI.Outcome.error(status: 401, type: "authentication_error", message: "invalid x-api-key"),
                StylistError.Code.authentication, false
            ),
            (.error(status: 403, type: "permission_error", message: "no access"), .permission, false),
            (.error(status: 402, type: "billing_error", message: "credit balance too low"), .billing, false),
            (.error(status: 404, type: "not_found_error", message: "model: claude-nope"), .modelNotFound, false),
            (.error(status: 400, type: "invalid_request_error", message: "messages: bad"), .invalidRequest, false),
            (.error(status: 413, type: "request_too_large", message: "too large"), .invalidRequest, false),
            (
                .error(
                    status: 429, type: "rate_limit_error",
                    message: "Number of request tokens has exceeded your per-minute rate limit",
                    headers: ["retry-after": "17"]), .rateLimited, true
            ),
            (.error(status: 529, type: "overloaded_error", message: "Overloaded"), .overloaded, true),
            (.error(status: 500, type: "api_error", message: "Internal server error"), .server, true),
            (.raw(status: 502, body: "<html>Bad Gateway</html>"), .server, true),
            (.raw(status: 200, body: "{\"nope\": true}"), .malformedResponse, false),
            (.text(["{\"reply\": \"Here is the pro"], stopReason: "max_tokens"), .malformedResponse, false),
            (.text(["{\"reply\": 42}"]), .malformedResponse, false),
            (.text([]), .malformedResponse, false),
            (.transportFailure, .transport, true),
        ])
    func errors(outcome: FakeMessagesAPI.Outcome, code: StylistError.Code, retryable: Bool) async throws {
        let fake = FakeMessagesAPI(expectedKey: Self.key, outcomes: [outcome])
        let error = try await #require(throws: StylistError.self) {
            try await makeStylist(fake).respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        }
        #expect(error.code == code)
        #expect(error.isRetryable == retryable)
        #expect(!error.userMessage.isEmpty)
        #expect(!"\(error)".contains(Self.key) && !String(reflecting: error).contains(Self.key))
    }

    @Test("a rate limit carries retry-after and the provider's details")
    func rateLimitDetails() async throws {
        let fake = FakeMessagesAPI(
            expectedKey: Self.key,
            outcomes: [
                .error(status: 429, type: "rate_limit_error", message: "slow down", headers: ["retry-after": "17"])
            ])
        let error = try await #require(throws: StylistError.self) {
            try await makeStylist(fake).respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        }
        #expect(error.retryAfter == .seconds(17))
        #expect(error.httpStatus == 429)
        #expect(error.providerErrorType == "rate_limit_error")
        #expect(error.detail.contains("req_011CSHoEeqs5C35K2UUqR7Fy"))
        #expect(error.userMessage.contains("busy"))
    }

    @Test("a wrong key is refused by the fake like the real API, and the key never shows")
    func wrongKey() async throws {
        let fake = FakeMessagesAPI(expectedKey: "sk-ant-other", outcomes: [])
        let stylist = try makeStylist(fake)
        let error = try await #require(throws: StylistError.self) {
            try await stylist.respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        }
        #expect(error.code == .authentication)
        #expect(error.detail.contains("ANTHROPIC_API_KEY"))
        var dumped = ""
        dump(stylist, to: &dumped)
        for text in ["\(stylist)", String(reflecting: stylist), dumped, "\(error)", String(reflecting: error)] {
            #expect(!text.contains(Self.key))
            #expect(!text.contains("FAKEKEY"))
        }
    }

    @Test("a provider that echoes the key has it scrubbed from the error")
    func echoedKeyIsScrubbed() async throws {
        let fake = FakeMessagesAPI(
            expectedKey: Self.key,
            outcomes: [.error(status: 400, type: "invalid_request_error", message: "bad key format: \(Self.key)")])
        let error = try await #require(throws: StylistError.self) {
            try await makeStylist(fake).respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        }
        #expect(!error.detail.contains(Self.key))
        #expect(error.detail.contains("bad key format: redacted"))
    }

    @Test("cancellation is not turned into a stylist error")
    func cancellation() async throws {
        struct CancellingTransport: HTTPTransport {
            func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
                throw CancellationError()
            }
        }
        let stylist = AnthropicStylist(apiKey: try AnthropicAPIKey(Self.key), transport: CancellingTransport())
        await #expect(throws: CancellationError.self) {
            try await stylist.respond(to: StylistRequest(message: "hi", triggerWord: trigger))
        }
    }
}
