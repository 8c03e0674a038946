import Foundation
import HTTPTypes
import SelfieModelKit
import Testing

/// A local fake of Anthropic's Messages API, as an in-process ``HTTPTransport``.
///
/// It checks what the real API checks — method, path, `x-api-key`, `anthropic-version`, `content-type`
/// and the body's shape (model, max_tokens, system, alternating messages starting with `user`) — and
/// answers with responses shaped like the real ones: a `message` object on success, and
/// `{"type":"error","error":{…},"request_id":…}` with the real status codes on failure.
actor FakeMessagesAPI: HTTPTransport {
    /// What the fake answers to a well-formed request.
    enum Outcome: Sendable {
        /// A 200 message whose content is these text blocks.
        case text([String], stopReason: String = "end_turn")
        /// A 200 message with a thinking block before the text.
        case thinkingThenText(String)
        /// An error response with the real error shape.
        case error(status: Int, type: String, message: String, headers: [String: String] = [:])
        /// A raw response, for bodies the real API would not send.
        case raw(status: Int, body: String)
        /// No response at all.
        case transportFailure
    }

    /// One accepted request.
    struct Received: Sendable {
        var request: HTTPRequest
        var body: Data

        /// The body, decoded.
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }
    }

    let expectedKey: String
    private var outcomes: [Outcome]
    private(set) var received: [Received] = []

    init(expectedKey: String, outcomes: [Outcome]) {
        self.expectedKey = expectedKey
        self.outcomes = outcomes
    }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        guard request.method == .post, request.path?.hasSuffix("/v1/messages") == true else {
            return respond(404, error: "not_found_error", "Not found")
        }
        guard request.headerFields[HTTPField.Name("x-api-key")!] == expectedKey else {
            return respond(401, error: "authentication_error", "invalid x-api-key")
        }
        guard request.headerFields[HTTPField.Name("anthropic-version")!] == "2023-06-01" else {
            return respond(400, error: "invalid_request_error", "anthropic-version: header is required")
        }
        guard request.headerFields[.contentType] == "application/json", let body,
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        else {
            return respond(400, error: "invalid_request_error", "Request body must be JSON")
        }
        if let problem = Self.bodyProblem(object) {
            return respond(400, error: "invalid_request_error", problem)
        }
        received.append(Received(request: request, body: body))
        let outcome = outcomes.isEmpty ? .text(["{\"reply\": \"ok\", \"suggestions\": []}"]) : outcomes.removeFirst()
        switch outcome {
        case .text(let blocks, let stopReason):
            return message(blocks.map { ["type": "text", "text": $0] }, stopReason: stopReason, model: object["model"])
        case .thinkingThenText(let text):
            return message(
                [
                    ["type": "thinking", "thinking": "Let me plan the shot.", "signature": "sig"],
                    ["type": "text", "text": text],
                ],
                stopReason: "end_turn", model: object["model"])
        case .error(let status, let type, let text, let headers):
            return respond(status, error: type, text, headers: headers)
        case .raw(let status, let text):
            return (HTTPResponse(status: .init(code: status)), Data(text.utf8))
        case .transportFailure:
            throw HTTPTransportError(requestMayHaveBeenSent: true, reason: "connection reset by peer")
        }
    }

    private static func bodyProblem(_ object: [String: Any]) -> String? {
        guard let model = object["model"] as? String, !model.isEmpty else { return "model: Field required" }
        guard let maxTokens = object["max_tokens"] as? Int, maxTokens > 0 else { return "max_tokens: Field required" }
        guard object["system"] is String else { return "system: expected a string" }
        guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
            return "messages: at least one message is required"
        }
        var expectedRole = "user"
        for (index, message) in messages.enumerated() {
            guard let role = message["role"] as? String, role == expectedRole else {
                return "messages.\(index).role: roles must alternate, starting with user"
            }
            guard let content = message["content"] as? String, !content.isEmpty else {
                return "messages.\(index).content: must be a non-empty string"
            }
            expectedRole = role == "user" ? "assistant" : "user"
        }
        guard (messages.last?["role"] as? String) == "user" else { return "the last message must be from the user" }
        let known: Set<String> = ["model", "max_tokens", "system", "messages", "temperature", "metadata"]
        if let extra = object.keys.first(where: { !known.contains($0) }) {
            return "\(extra): Extra inputs are not permitted"
        }
        return nil
    }

    private func message(_ content: [[String: String]], stopReason: String, model: Any?) -> (HTTPResponse, Data) {
        let object: [String: Any] = [
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
            "model": (model as? String).map { $0 + "-20250929" } ?? "claude", "content": content,
            "stop_reason": stopReason, "stop_sequence": NSNull(),
            "usage": [
                "input_tokens": 412, "output_tokens": 187, "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            ],
        ]
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[HTTPField.Name("request-id")!] = "req_011CSHoEeqs5C35K2UUqR7Fy"
        return (HTTPResponse(status: .ok, headerFields: fields), try! JSONSerialization.data(withJSONObject: object))
    }

    private func respond(
        _ status: Int, error type: String, _ text: String, headers: [String: String] = [:]
    ) -> (HTTPResponse, Data) {
        let object: [String: Any] = [
            "type": "error", "error": ["type": type, "message": text], "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
        ]
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return (
            HTTPResponse(status: .init(code: status), headerFields: fields),
            try! JSONSerialization.data(withJSONObject: object)
        )
    }
}
