import Foundation

/// A response the engine produces before it becomes an `HTTPResponse`. It is an `Error` so that
/// validation steps can return `Result<Value, SimulatorResponse>` and hand the refusal back as is.
package struct SimulatorResponse: Error, Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: Data

    package init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    package static func json(_ status: Int, _ value: JSONValue) -> SimulatorResponse {
        SimulatorResponse(status: status, headers: [("Content-Type", "application/json")], body: value.encoded())
    }

    /// An RFC 7807 problem, `application/problem+json`, members in Replicate's order.
    package static func problem(
        _ status: Int, title: String? = nil, detail: String, extra: [(String, JSONValue)] = []
    ) -> SimulatorResponse {
        var object = JSONObject()
        if let title { object["title"] = .string(title) }
        object["detail"] = .string(detail)
        object["status"] = .int(status)
        for (key, value) in extra { object[key] = value }
        return SimulatorResponse(
            status: status, headers: [("Content-Type", "application/problem+json")],
            body: JSONValue.object(object).encoded())
    }

    /// 401 exactly as Replicate sends it.
    package static let unauthenticated = problem(
        401, title: "Unauthenticated", detail: "You did not pass a valid authentication token")

    /// 404 exactly as Replicate sends it. "Not yours" and "missing" look the same.
    package static let notFound = problem(404, detail: "The requested resource could not be found.")

    /// 404 for a training whose destination does not exist (or is not the caller's).
    package static let destinationNotFound = problem(404, detail: "The specified training destination does not exist")

    /// 422 for an unknown version or one the caller may not use.
    package static let invalidVersion = problem(
        422, title: "Invalid version or not permitted",
        detail: "The specified version does not exist (or perhaps you don't have permission to use it?)")

    /// 422 "Input validation failed" with `invalid_fields` and one `- field: why` detail line each.
    package static func validationFailed(_ failures: [InvalidField]) -> SimulatorResponse {
        let detail = failures.map { "- \($0.field): \($0.description)" }.joined(separator: "\n")
        return problem(
            422, title: "Input validation failed", detail: detail,
            extra: [("invalid_fields", .array(failures.map(\.json)))])
    }

    /// 405 for a known path with another method.
    package static func methodNotAllowed(_ method: String) -> SimulatorResponse {
        problem(405, detail: "Method \"\(method)\" not allowed.")
    }

    /// 400 for a body that is not JSON.
    package static func malformedJSON(_ error: JSONParseError) -> SimulatorResponse {
        problem(
            400, title: "Invalid JSON",
            detail: "The request body is not valid JSON (byte \(error.offset): expected \(error.reason)).")
    }
}
