import Foundation
import HTTPTypes
import SelfieModelKit

/// Maya's stylist on Anthropic's Claude, over the library's `HTTPTransport`.
///
/// Each turn is one `POST {baseURL}/v1/messages` (headers `x-api-key`, `anthropic-version: 2023-06-01`,
/// `content-type: application/json`) carrying Maya's system prompt — which tells Claude the user's
/// trigger word and asks for a JSON object `{"reply", "prompt", "suggestions"}` — and the conversation as
/// alternating `user`/`assistant` messages. The answer's text blocks are parsed into a ``StylistReply``
/// (code fences and surrounding prose are tolerated; plain text becomes a reply without a prompt).
/// Failures become a ``StylistError`` with a stable code; nothing is retried here, so the caller decides
/// (``StylistError/isRetryable``, ``StylistError/retryAfter``).
///
/// The API key is an ``AnthropicAPIKey``: it is sent only in the `x-api-key` header and never appears in
/// a description, a dump or an error.
public struct AnthropicStylist: Stylist, CustomStringConvertible, CustomReflectable {
    /// The `anthropic-version` header this client speaks.
    public static let apiVersion = "2023-06-01"
    /// The model used unless another is configured.
    public static let defaultModel = Configuration.AnthropicSettings.defaultModel
    /// The Messages API host used unless another is configured.
    public static let defaultBaseURL = Configuration.AnthropicSettings.defaultBaseURL

    /// The Claude model, such as `claude-sonnet-4-5`.
    public let model: String
    /// The API host; requests go to `{baseURL}/v1/messages`.
    public let baseURL: URL
    /// The most tokens Claude may write per reply.
    public let maxTokens: Int
    /// The most earlier turns sent with each request (the oldest are dropped first).
    public let maximumHistoryTurns: Int
    private let apiKey: AnthropicAPIKey
    private let transport: any HTTPTransport

    /// Creates a stylist.
    /// - Parameters:
    ///   - apiKey: the Anthropic API key.
    ///   - transport: how requests are sent (`URLSessionTransport` in production, a fake in tests).
    ///   - model: the Claude model; ``defaultModel`` unless given.
    ///   - baseURL: the API host; ``defaultBaseURL`` unless given.
    ///   - maxTokens: the reply budget, 1024 by default (a reply and a prompt need a few hundred).
    ///   - maximumHistoryTurns: how many earlier turns to send, 20 by default.
    public init(
        apiKey: AnthropicAPIKey, transport: any HTTPTransport, model: String = defaultModel,
        baseURL: URL = defaultBaseURL, maxTokens: Int = 1024, maximumHistoryTurns: Int = 20
    ) {
        self.apiKey = apiKey
        self.transport = transport
        self.model = model
        self.baseURL = baseURL
        self.maxTokens = max(1, maxTokens)
        self.maximumHistoryTurns = max(0, maximumHistoryTurns)
    }

    /// Creates a stylist from a validated configuration's Anthropic settings.
    public init(settings: Configuration.AnthropicSettings, transport: any HTTPTransport) {
        self.init(apiKey: settings.apiKey, transport: transport, model: settings.model, baseURL: settings.baseURL)
    }

    public func respond(to request: StylistRequest) async throws -> StylistReply {
        let body = try makeBody(for: request)
        let response: HTTPResponse
        let data: Data
        do {
            (response, data) = try await transport.send(makeHTTPRequest(), body: body)
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPTransportError {
            throw StylistError(
                .transport, userMessage: Self.unavailableMessage,
                detail: "no response from the Messages API: \(scrub(error.reason))")
        } catch {
            throw StylistError(
                .transport, userMessage: Self.unavailableMessage,
                detail: "no response from the Messages API: \(type(of: error))")
        }
        guard (200..<300).contains(response.status.code) else {
            throw failure(response: response, body: data)
        }
        return try parseReply(from: data)
    }

    public var description: String {
        "AnthropicStylist(model: \(model), baseURL: \(baseURL.absoluteString), apiKey: redacted)"
    }

    /// Shows the settings only, so `dump` never reaches the key.
    public var customMirror: Mirror {
        Mirror(self, children: ["model": model, "baseURL": baseURL.absoluteString, "apiKey": "redacted"])
    }

    // MARK: - Request

    func makeHTTPRequest() -> HTTPRequest {
        var authority = baseURL.host ?? ""
        if let port = baseURL.port { authority += ":\(port)" }
        var prefix = baseURL.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        var request = HTTPRequest(
            method: .post, scheme: baseURL.scheme ?? "https", authority: authority, path: prefix + "/v1/messages")
        request.headerFields[.contentType] = "application/json"
        request.headerFields[.accept] = "application/json"
        request.headerFields[Self.apiKeyHeader] = apiKey.revealForTransport()
        request.headerFields[Self.versionHeader] = Self.apiVersion
        return request
    }

    func makeBody(for request: StylistRequest) throws -> Data {
        let body = MessagesRequest(
            model: model, maxTokens: maxTokens, system: Self.systemPrompt(triggerWord: request.triggerWord),
            messages: Self.messages(for: request, maximumHistoryTurns: maximumHistoryTurns))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    /// The conversation as the Messages API wants it: starting with `user`, roles alternating (turns of
    /// the same speaker merged), ending with the user's latest message; at most `maximumHistoryTurns`
    /// earlier turns.
    static func messages(for request: StylistRequest, maximumHistoryTurns: Int) -> [MessagesRequest.Message] {
        var messages: [MessagesRequest.Message] = []
        let turns = request.conversation.suffix(maximumHistoryTurns) + [.user(request.message)]
        for turn in turns {
            let text = String(turn.text.prefix(StylistRequest.maximumMessageLength))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            let role = turn.speaker == .user ? "user" : "assistant"
            if messages.isEmpty && role == "assistant" { continue }
            if let last = messages.last, last.role == role {
                messages[messages.count - 1].content = last.content + "\n\n" + text
            } else {
                messages.append(.init(role: role, content: text))
            }
        }
        if messages.isEmpty || messages.last?.role != "user" {
            messages.append(.init(role: "user", content: "(no message)"))
        }
        return messages
    }

    static let apiKeyHeader = HTTPField.Name("x-api-key")!
    static let versionHeader = HTTPField.Name("anthropic-version")!
    static let requestIDHeader = HTTPField.Name("request-id")!
    static let retryAfterHeader = HTTPField.Name("retry-after")!

    static let unavailableMessage = "Maya can't reach her AI stylist right now. Please try again in a moment."

    /// `text` with the API key, should a provider ever echo it, replaced by `redacted`.
    func scrub(_ text: String) -> String {
        let key = apiKey.revealForTransport()
        return key.isEmpty ? text : text.replacingOccurrences(of: key, with: "redacted")
    }
}
