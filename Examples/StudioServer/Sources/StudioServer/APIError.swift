import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices

/// The one error shape of this server's API: an HTTP status and `{"error": {"code", "message"}}`.
///
/// Library errors keep their stable code and their `userMessage`; their developer detail stays in the log.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A stable code, such as `not-found` or `model-not-trained`.
    public let code: String
    /// A sentence for the user.
    public let message: String

    /// An error answer.
    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The answer to any generation or account route called without a signed-in user.
    public static let unauthenticated = APIError(
        .unauthorized, code: SelfieModelKitError.Code.notAuthenticated.rawValue,
        message: "Sign in to continue.")

    /// The answer for an id that is not there, or not yours: the two are the same answer.
    static func notFound(_ what: String) -> APIError {
        APIError(
            .notFound, code: SelfieModelKitError.Code.notFound.rawValue,
            message: "We couldn't find that \(what). It may have been deleted.")
    }

    /// The JSON body.
    struct Body: Codable, Sendable {
        struct Detail: Codable, Sendable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(code: code, message: message)))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    /// Maps any error a route throws to the API's shape.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as SelfieModelKitError where error.code == .jobFailed && error.rule.hasSuffix(".busy"):
            // Replicate stayed busy past the rate budget's wait: the job was not started; try again soon.
            return APIError(.serviceUnavailable, code: error.code.rawValue, message: error.userMessage)
        case let error as SelfieModelKitError:
            return APIError(Self.status(for: error.code), code: error.code.rawValue, message: error.userMessage)
        case let error as StylistError:
            return APIError(.serviceUnavailable, code: "stylist-unavailable", message: error.userMessage)
        case let error as HTTPError:
            return APIError(error.status, code: "http", message: error.body ?? error.status.reasonPhrase)
        default:
            return APIError(
                .internalServerError, code: "internal", message: "Something went wrong on our side. Please try again.")
        }
    }

    /// The HTTP status of each library error code.
    static func status(for code: SelfieModelKitError.Code) -> HTTPResponse.Status {
        switch code {
        case .notAuthenticated: .unauthorized
        case .notFound: .notFound
        case .invalidIdentifier, .invalidPrompt, .invalidSeed, .invalidTrainingParameter, .invalidPhoto,
            .notEnoughPhotos:
            .unprocessableContent
        case .modelNotTrained, .modelTrainingInProgress, .modelTrainingFailed, .modelVersionMissing,
            .trainingAlreadyActive, .transitionConflict:
            .conflict
        case .quotaExceeded: .tooManyRequests
        case .jobFailed: .badGateway
        case .storage: .serviceUnavailable
        case .userErased: .gone
        default: .internalServerError
        }
    }
}

/// Turns every error a route throws into an ``APIError`` answer, and logs the developer detail.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = APIError.from(error)
            if answer.status.kind == .serverError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return try answer.response(from: request, context: context)
        }
    }
}
