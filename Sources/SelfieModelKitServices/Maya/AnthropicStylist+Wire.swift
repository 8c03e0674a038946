import Foundation
import HTTPTypes
import SelfieModelKit

extension AnthropicStylist {
    /// The body of `POST /v1/messages`.
    struct MessagesRequest: Encodable {
        struct Message: Encodable, Equatable {
            var role: String
            var content: String
        }

        var model: String
        var maxTokens: Int
        var system: String
        var messages: [Message]

        enum CodingKeys: String, CodingKey {
            case model, system, messages
            case maxTokens = "max_tokens"
        }
    }

    /// The parts of a Messages API response the stylist reads.
    struct MessagesResponse: Decodable {
        struct Block: Decodable {
            var type: String
            var text: String?
        }

        var type: String?
        var content: [Block]
        var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case type, content
            case stopReason = "stop_reason"
        }
    }

    /// The Messages API's error body: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`.
    struct ErrorResponse: Decodable {
        struct Detail: Decodable {
            var type: String
            var message: String?
        }

        var error: Detail
        var requestID: String?

        enum CodingKeys: String, CodingKey {
            case error
            case requestID = "request_id"
        }
    }

    /// What Maya's system prompt asks Claude to write.
    struct Payload: Decodable {
        var reply: String
        var prompt: String?
        var suggestions: [String]?
    }

    /// The most quick replies kept, and the longest one.
    static let maximumSuggestions = 4
    static let maximumSuggestionLength = 60

    func parseReply(from data: Data) throws -> StylistReply {
        let response: MessagesResponse
        do {
            response = try JSONDecoder().decode(MessagesResponse.self, from: data)
        } catch {
            throw malformed("the response is not a Messages API message")
        }
        let text = response.content.filter { $0.type == "text" }.compactMap(\.text).joined()
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw malformed("the message has no text (stop_reason \(response.stopReason ?? "none"))")
        }

        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else {
            guard response.stopReason != "max_tokens" else { throw malformed("the reply was cut off at max_tokens") }
            // Claude answered in prose: still a useful reply, just without a prompt.
            return StylistReply(text: text)
        }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(text[start...end].utf8)) else {
            let reason = response.stopReason == "max_tokens" ? "was cut off at max_tokens" : "is not the expected JSON"
            throw malformed("the reply \(reason)")
        }
        let reply = payload.reply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reply.isEmpty else { throw malformed("the reply text is empty") }
        let prompt = payload.prompt?.trimmingCharacters(in: .whitespacesAndNewlines)
        let suggestions = (payload.suggestions ?? [])
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && $0.count <= Self.maximumSuggestionLength }
        return StylistReply(
            text: reply, prompt: prompt?.isEmpty == false ? prompt : nil,
            suggestions: Array(suggestions.prefix(Self.maximumSuggestions)))
    }

    func failure(response: HTTPResponse, body: Data) -> StylistError {
        let status = response.status.code
        let parsed = try? JSONDecoder().decode(ErrorResponse.self, from: body)
        let type = parsed?.error.type
        let requestID = parsed?.requestID ?? response.headerFields[Self.requestIDHeader]
        var detail = "HTTP \(status)"
        if let type { detail += " \(type)" }
        if let message = parsed?.error.message { detail += ": \(scrub(String(message.prefix(300))))" }
        if let requestID { detail += " (request \(requestID))" }

        let code: StylistError.Code
        switch (status, type) {
        case (401, _), (_, "authentication_error"):
            code = .authentication
            detail += ". Check ANTHROPIC_API_KEY."
        case (402, _), (_, "billing_error"): code = .billing
        case (403, _), (_, "permission_error"): code = .permission
        case (404, _), (_, "not_found_error"):
            code = .modelNotFound
            detail += ". Check ANTHROPIC_MODEL (\(model)) and ANTHROPIC_API_BASE_URL."
        case (429, _), (_, "rate_limit_error"): code = .rateLimited
        case (529, _), (_, "overloaded_error"): code = .overloaded
        case (500..., _), (_, "api_error"): code = .server
        default: code = .invalidRequest
        }
        let retryAfter = response.headerFields[Self.retryAfterHeader]
            .flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            .map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        let userMessage =
            code == .rateLimited || code == .overloaded
            ? "Maya is very busy right now. Please try again in a moment." : Self.unavailableMessage
        return StylistError(
            code, httpStatus: status, providerErrorType: type, retryAfter: retryAfter, userMessage: userMessage,
            detail: detail)
    }

    private func malformed(_ reason: String) -> StylistError {
        StylistError(
            .malformedResponse, userMessage: Self.unavailableMessage, detail: "Messages API response: \(reason)")
    }
}
