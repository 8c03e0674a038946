import Foundation
import SelfieModelKit
import SelfieModelKitTesting
import Testing

/// Reads what the simulator received, with the simulator's own JSON and multipart parsers (independent
/// of the library's encoder, and keeping the JSON type of every number).
enum RequestInspection {
    /// The JSON body of a recorded request.
    static func json(_ request: RecordedRequest) throws -> SelfieModelKitTesting.JSONValue {
        let body = try #require(request.body, "request without a body")
        return try SelfieModelKitTesting.JSONValue.parse(body)
    }

    /// The user a prediction body is for, read from its `version` (`owner/{id}-selfie-lora:{version}`).
    static func user(ofPrediction request: RecordedRequest) throws -> String {
        let version = try #require(try json(request)["version"]?.stringValue)
        let model = try #require(version.split(separator: ":").first)
        let name = try #require(model.split(separator: "/").last)
        return String(name.dropLast("-selfie-lora".count))
    }

    /// The file name of the file uploaded by a recorded `POST /files`.
    static func uploadedFileName(_ request: RecordedRequest) throws -> String? {
        let body = try #require(request.body)
        let contentType = try #require(request.header("content-type"))
        let parts = try #require(MultipartParser.parse(body, contentType: contentType))
        return parts.first { $0.name == "content" }?.filename
    }

    /// The zip uploaded by a recorded `POST /files`, as the trainer would read it.
    static func trainingArchive(_ request: RecordedRequest) throws -> [(path: String, data: Data)] {
        let body = try #require(request.body)
        let contentType = try #require(request.header("content-type"))
        let parts = try #require(MultipartParser.parse(body, contentType: contentType))
        let content = try #require(parts.first { $0.name == "content" })
        switch SelfieModelKitTesting.TrainingArchive.read(content.data) {
        case .success(let archive): return archive.images
        case .failure(let failure): throw HarnessFailure("unreadable archive: \(failure.message)")
        }
    }
}
