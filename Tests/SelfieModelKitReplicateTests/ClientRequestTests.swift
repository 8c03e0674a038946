import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitValidation
import Testing

@testable import SelfieModelKitReplicate

@Suite("ReplicateClient: request shapes")
struct ClientRequestTests {
    static let model = ReplicateModelID.selfieModel(for: try! UserID("42"), owner: .sandrasocial)
    static let modelJSON = """
        {"url":"https://replicate.com/sandrasocial/42-selfie-lora","owner":"sandrasocial","name":"42-selfie-lora",\
        "description":"user42","visibility":"private","run_count":0,"latest_version":null}
        """

    @Test("create model: POST /models with owner, name, visibility, hardware; bearer token and user agent")
    func createModel() async throws {
        let (client, transport, _) = try Fixtures.client([.json(201, Self.modelJSON)])
        let model = try await client.createModel(Self.model, description: "user42")
        #expect(model.id == Self.model)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .post)
        #expect(request.request.scheme == "https")
        #expect(request.request.authority == "api.replicate.com")
        #expect(request.path == "/v1/models")
        #expect(request.header("Authorization") == "Bearer r8_test_token_0123456789abcdef")
        #expect(request.header("User-Agent")?.hasPrefix("SelfieModelKit/") == true)
        #expect(request.header("Content-Type") == "application/json")
        let body = try JSONDecoder().decode([String: String].self, from: #require(request.body))
        #expect(
            body == [
                "owner": "sandrasocial", "name": "42-selfie-lora", "visibility": "private", "hardware": "gpu-t4",
                "description": "user42",
            ])
    }

    @Test("a local base URL with a port and a trailing slash works")
    func localBaseURL() async throws {
        let (client, transport, _) = try Fixtures.client(
            [.json(200, Self.modelJSON)], baseURL: "http://127.0.0.1:8181/v1/")
        _ = try await client.model(Self.model)
        let request = try #require(await transport.requests.first)
        #expect(request.request.scheme == "http")
        #expect(request.request.authority == "127.0.0.1:8181")
        #expect(request.path == "/v1/models/sandrasocial/42-selfie-lora")
        #expect(request.method == .get)
        #expect(request.body == nil)
        #expect(client.baseURL.absoluteString == "http://127.0.0.1:8181/v1")
    }

    @Test(
        "invalid base URLs are refused", arguments: ["ftp://example.com/v1", "/v1", "https://user:pw@example.com/v1"])
    func invalidBaseURL(url: String) {
        #expect(throws: ReplicateError.self) {
            try ReplicateClient(token: Fixtures.token, baseURL: URL(string: url)!, transport: ScriptedTransport([]))
        }
    }

    @Test("version get, training get/cancel, prediction get/cancel and the webhook secret hit the right paths")
    func paths() async throws {
        let version = """
            {"id":"\(Fixtures.versionHash)","created_at":"2025-07-16T10:21:00Z","cog_version":"0.9.6","openapi_schema":{}}
            """
        let training = Fixtures.trainingJSON()
        let (client, transport, _) = try Fixtures.client([
            .json(200, version), .json(200, training), .json(200, training), .json(200, Fixtures.predictionJSON),
            .json(200, Fixtures.predictionJSON), .json(200, #"{"key":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#),
        ])
        let versionID = try ModelVersionID(Fixtures.versionHash)
        let trainingID = try TrainingID("zz4ibbonubfz7carwiefibzgga")
        let predictionID = try PredictionID("gm3qorzdhgbfurvjtvhg6dckhu")
        _ = try await client.version(versionID, of: Self.model)
        _ = try await client.training(trainingID)
        _ = try await client.cancelTraining(trainingID)
        _ = try await client.prediction(predictionID)
        _ = try await client.cancelPrediction(predictionID)
        let secret = try await client.defaultWebhookSecret()
        #expect(secret.description == "WebhookSecret(redacted)")
        #expect(secret.revealForSigning() == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let seen = await transport.requests.map { "\($0.method) \($0.path)" }
        #expect(
            seen == [
                "GET /v1/models/sandrasocial/42-selfie-lora/versions/\(Fixtures.versionHash)",
                "GET /v1/trainings/zz4ibbonubfz7carwiefibzgga",
                "POST /v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel",
                "GET /v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu",
                "POST /v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel",
                "GET /v1/webhooks/default/secret",
            ])
    }

    @Test("prediction create sends GenerationRequest's exact bytes with Prefer: wait, clamped to 1...60")
    func predictionCreate() async throws {
        let (client, transport, _) = try Fixtures.client([
            .json(201, Fixtures.predictionJSON), .json(201, Fixtures.predictionJSON),
            .json(201, Fixtures.predictionJSON),
        ])
        let request = try Fixtures.generationRequest()
        _ = try await client.createPrediction(request, wait: .seconds(30))
        _ = try await client.createPrediction(request, wait: .seconds(600))
        _ = try await client.createPrediction(request)
        let requests = await transport.requests
        #expect(requests.map(\.path) == Array(repeating: "/v1/predictions", count: 3))
        #expect(requests.map(\.method) == Array(repeating: .post, count: 3))
        #expect(requests.map { $0.header("Prefer") } == ["wait=30", "wait=60", nil])
        #expect(requests.allSatisfy { $0.body == request.jsonBody() })
        let sent = try #require(requests.first?.body)
        let text = String(decoding: sent, as: UTF8.self)
        #expect(text.hasPrefix(#"{"version":"sandrasocial/42-selfie-lora:\#(Fixtures.versionHash)","input":{"#))
        #expect(text.contains(#""seed":421337"#))
    }

    @Test("training create posts TrainingRequest's exact bytes to the locked trainer's version path")
    func trainingCreate() async throws {
        let (client, transport, _) = try Fixtures.client([.json(201, Fixtures.trainingJSON(status: "starting"))])
        let request = try TrainingRequest(
            for: Fixtures.user, owner: .sandrasocial,
            inputImagesURL: URL(string: "https://api.replicate.com/v1/files/f1")!)
        let training = try await client.createTraining(request)
        #expect(training.status == .starting)
        let sent = try #require(await transport.requests.first)
        #expect(sent.method == .post)
        #expect(
            sent.path == "/v1/models/ostris/flux-dev-lora-trainer/versions/\(Fixtures.trainerVersion)/trainings")
        #expect(sent.body == request.jsonBody())
        #expect(sent.header("Content-Type") == "application/json")
    }

    @Test("file upload: multipart with content (filename, type), type and metadata parts, byte for byte")
    func upload() async throws {
        let fileJSON = """
            {"id":"f1","name":"photos.zip","content_type":"application/zip","size":4,"urls":{"get":"https://api.replicate.com/v1/files/f1"}}
            """
        let (client, transport, _) = try Fixtures.client([.json(201, fileJSON)])
        let file = try await client.uploadFile(
            Data([0x50, 0x4B, 0x03, 0x04]), filename: "user42 \"photos\".zip", contentType: "application/zip",
            metadata: .object(["user": .string("42")]))
        #expect(file.url?.absoluteString == "https://api.replicate.com/v1/files/f1")
        let request = try #require(await transport.requests.first)
        let contentType = try #require(request.header("Content-Type"))
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        var expected = Data()
        expected.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"user42 %22photos%22.zip\"\r\n"
                    + "Content-Type: application/zip\r\n\r\n").utf8))
        expected.append(Data([0x50, 0x4B, 0x03, 0x04]))
        expected.append(
            Data(
                ("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\napplication/zip\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                    + "Content-Type: application/json\r\n\r\n{\"user\":\"42\"}\r\n--\(boundary)--\r\n").utf8))
        #expect(request.body == expected)
    }

    @Test("downloads: the token goes to the API's origin only, never to a delivery host")
    func downloads() async throws {
        let (client, transport, _) = try Fixtures.client(
            [.response(status: 200, body: "PNG1"), .response(status: 200, body: "PNG2")],
            baseURL: "http://127.0.0.1:8181/v1")
        let local = try await client.download(URL(string: "http://127.0.0.1:8181/v1/files/out-0.png")!)
        let foreign = try await client.download(URL(string: "https://replicate.delivery/xezq/a/out-0.png?x=1")!)
        #expect(local == Data("PNG1".utf8))
        #expect(foreign == Data("PNG2".utf8))
        let requests = await transport.requests
        #expect(requests[0].header("Authorization") == "Bearer r8_test_token_0123456789abcdef")
        #expect(requests[1].header("Authorization") == nil)
        #expect(requests[1].request.authority == "replicate.delivery")
        #expect(requests[1].path == "/xezq/a/out-0.png?x=1")
    }

    @Test("a download follows redirects itself; the token never follows one to another host")
    func downloadRedirects() async throws {
        let (client, transport, _) = try Fixtures.client(
            [
                .response(status: 302, headers: ["Location": "https://cdn.example.net/out-0.png"]),
                .response(status: 307, headers: ["Location": "/final/out-0.png"]),
                .response(status: 200, body: "PNG"),
            ],
            baseURL: "http://127.0.0.1:8181/v1")
        let data = try await client.download(URL(string: "http://127.0.0.1:8181/v1/files/out-0.png")!)
        #expect(data == Data("PNG".utf8))
        let requests = await transport.requests
        #expect(
            requests.map { "\($0.request.authority ?? "")\($0.path)" } == [
                "127.0.0.1:8181/v1/files/out-0.png", "cdn.example.net/out-0.png", "cdn.example.net/final/out-0.png",
            ])
        #expect(requests[0].header("Authorization") != nil)
        #expect(requests[1].header("Authorization") == nil)
        #expect(requests[2].header("Authorization") == nil)
    }

    @Test("a download refuses an https-to-http redirect and a redirect loop")
    func downloadRedirectRefusals() async throws {
        let (client, transport, _) = try Fixtures.client(
            [.response(status: 301, headers: ["Location": "http://plain.example.net/out.png"])],
            baseURL: "http://127.0.0.1:8181/v1")
        let downgrade = await #expect(throws: ReplicateError.self) {
            _ = try await client.download(URL(string: "https://replicate.delivery/a/out.png")!)
        }
        #expect(downgrade?.code == .unexpectedStatus)
        #expect(await transport.requests.count == 1)

        let loop = Array(
            repeating: ScriptedReply.response(status: 302, headers: ["Location": "/again"]),
            count: ReplicateClient.maximumDownloadRedirects + 1)
        let (looping, loopTransport, _) = try Fixtures.client(loop, baseURL: "http://127.0.0.1:8181/v1")
        let tooMany = await #expect(throws: ReplicateError.self) {
            _ = try await looping.download(URL(string: "https://replicate.delivery/a/out.png")!)
        }
        #expect(tooMany?.detail?.contains("more than") == true)
        #expect(await loopTransport.requests.count == ReplicateClient.maximumDownloadRedirects + 1)
    }

    @Test("an API call answered with a redirect is an error, not followed")
    func apiRedirectIsAnError() async throws {
        let (client, transport, _) = try Fixtures.client(
            [.response(status: 307, headers: ["Location": "https://elsewhere.example.net/v1/predictions"])],
            baseURL: "http://127.0.0.1:8181/v1")
        await #expect(throws: ReplicateError.self) {
            _ = try await client.prediction(try PredictionID("gm3qorzdhgbfurvjtvhg6dckhu"))
        }
        #expect(await transport.requests.count == 1)
    }
}
