import Foundation
import SelfieModelKit
import Testing

@testable import SelfieModelKitReplicate

@Suite("Decoding what Replicate sends")
struct ModelDecodingTests {
    @Test("a succeeded prediction decodes with typed ids, dates, metrics, urls and output URLs")
    func prediction() throws {
        let prediction = try JSONDecoder().decode(Prediction.self, from: Data(Fixtures.predictionJSON.utf8))
        #expect(prediction.id.rawValue == "gm3qorzdhgbfurvjtvhg6dckhu")
        #expect(prediction.status == .succeeded)
        #expect(prediction.status.jobStatus == .succeeded)
        #expect(prediction.versionID?.rawValue == Fixtures.versionHash)
        #expect(prediction.outputURLs.count == 3)
        #expect(prediction.outputURLs.first?.host == "replicate.delivery")
        #expect(prediction.metrics?.predictTime == 7.41)
        #expect(prediction.metrics?.values["image_count"] == 3)
        #expect(prediction.urls?.get?.path == "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu")
        #expect(prediction.input?["seed"]?.intValue == 421337)
        #expect(prediction.dataRemoved == false)
        let created = try #require(prediction.createdAt)
        #expect(abs(created.timeIntervalSince1970 - 1_752_660_000.123456789) < 1e-5)
        #expect(prediction.startedAt?.timeIntervalSince1970 == 1_752_660_001.5)
        #expect(prediction.completedAt?.timeIntervalSince1970 == 1_752_660_009)
    }

    @Test("a prediction whose data was removed has no output and says so")
    func dataRemoved() throws {
        let json = """
            {"id":"abc123","status":"succeeded","output":null,"data_removed":true,"logs":null,"input":{},\
            "version":"sandrasocial/42-selfie-lora:\(Fixtures.versionHash)","created_at":"2025-07-16T10:00:00+00:00"}
            """
        let prediction = try JSONDecoder().decode(Prediction.self, from: Data(json.utf8))
        #expect(prediction.dataRemoved)
        #expect(prediction.outputURLs.isEmpty)
        #expect(prediction.versionID?.rawValue == Fixtures.versionHash)
        #expect(prediction.createdAt?.timeIntervalSince1970 == 1_752_660_000)
    }

    @Test("error as a string or as an object; aborted and unknown statuses")
    func errorShapes() throws {
        let asString = """
            {"id":"a1","status":"failed","error":"All generated images contained NSFW content. Try running it again with a different prompt."}
            """
        let asObject = #"{"id":"a2","status":"aborted","error":{"message":"deadline exceeded","code":"E1"}}"#
        let unknown = #"{"id":"a3","status":"queued_elsewhere","error":""}"#
        let first = try JSONDecoder().decode(Prediction.self, from: Data(asString.utf8))
        let second = try JSONDecoder().decode(Prediction.self, from: Data(asObject.utf8))
        let third = try JSONDecoder().decode(Prediction.self, from: Data(unknown.utf8))
        #expect(first.error?.message.hasPrefix("All generated images contained NSFW content") == true)
        #expect(second.error?.message == "deadline exceeded")
        #expect(second.status == .aborted)
        #expect(second.status.isTerminal)
        #expect(second.status.jobStatus == .failed)
        #expect(third.error == nil)
        #expect(!third.status.isTerminal)
        #expect(third.status.jobStatus == nil)
    }

    @Test("training output.version as owner/name:hash or as a bare hash", arguments: [true, false])
    func trainingOutput(qualified: Bool) throws {
        let version = qualified ? "sandrasocial/42-selfie-lora:\(Fixtures.versionHash)" : Fixtures.versionHash
        let training = try JSONDecoder().decode(
            Training.self, from: Data(Fixtures.trainingJSON(outputVersion: version).utf8))
        let output = try #require(training.trainingOutput)
        #expect(output.version.rawValue == Fixtures.versionHash)
        #expect(output.model?.description == (qualified ? "sandrasocial/42-selfie-lora" : nil))
        #expect(output.weights?.lastPathComponent == "trained_model.tar")
        #expect(training.destination == "sandrasocial/42-selfie-lora")
        #expect(training.version == Fixtures.trainerVersion)
        #expect(training.startedAt != nil)
    }

    @Test("the training create response shape (nanosecond dates, empty logs, urls under /predictions)")
    func trainingCreateResponse() throws {
        let json = """
            {"id":"wj4is6lbdqqkdepnwpr6v2kuva","model":"ostris/flux-dev-lora-trainer",\
            "version":"\(Fixtures.trainerVersion)","input":{"input_images":"https://example.com/data.zip"},\
            "logs":"","error":null,"status":"starting","created_at":"2023-08-16T19:33:26.678378653Z",\
            "urls":{"cancel":"https://api.replicate.com/v1/predictions/wj4is6lbdqqkdepnwpr6v2kuva/cancel",\
            "get":"https://api.replicate.com/v1/predictions/wj4is6lbdqqkdepnwpr6v2kuva"}}
            """
        let training = try JSONDecoder().decode(Training.self, from: Data(json.utf8))
        #expect(training.status == .starting)
        #expect(training.trainingOutput == nil)
        #expect(training.progress == nil)
        #expect(training.createdAt != nil)
        #expect(training.completedAt == nil)
    }

    @Test("models, versions with their schema, and files")
    func modelsVersionsFiles() throws {
        let model = """
            {"url":"https://replicate.com/sandrasocial/42-selfie-lora","owner":"sandrasocial","name":"42-selfie-lora",\
            "description":null,"visibility":"private","github_url":null,"paper_url":null,"license_url":null,\
            "run_count":0,"cover_image_url":null,"default_example":null,"latest_version":null}
            """
        let decodedModel = try JSONDecoder().decode(ReplicateModel.self, from: Data(model.utf8))
        #expect(decodedModel.id.description == "sandrasocial/42-selfie-lora")
        #expect(decodedModel.latestVersion == nil)
        #expect(decodedModel.visibility == "private")

        let version = """
            {"id":"\(Fixtures.versionHash)","created_at":"2025-07-16T10:21:00.5Z","cog_version":"0.9.6",\
            "openapi_schema":{"openapi":"3.0.2","components":{"schemas":{"Input":{"type":"object",\
            "required":["prompt"],"properties":{"prompt":{"type":"string"},"guidance_scale":{"type":"number",\
            "minimum":0,"maximum":10,"default":3},"num_outputs":{"type":"integer","minimum":1,"maximum":4}}}}}}}
            """
        let decodedVersion = try JSONDecoder().decode(ModelVersion.self, from: Data(version.utf8))
        #expect(decodedVersion.inputPropertyNames == ["guidance_scale", "num_outputs", "prompt"])
        #expect(decodedVersion.inputSchema(named: "guidance_scale")?["maximum"]?.intValue == 10)
        #expect(decodedVersion.inputSchema(named: "guidance") == nil)
        #expect(decodedVersion.openAPISchemaJSON?.contains("\"openapi\":\"3.0.2\"") == true)

        let file = """
            {"id":"NGZiNmY2YzQtMThhZi00ZjcyLWFhZjktODg4NTY0NWNlMDEy","name":"photos.zip","content_type":"application/zip",\
            "size":1024,"etag":"d41d8cd98f00b204e9800998ecf8427e","checksums":{"sha256":"e3b0c442","md5":"d41d8cd9"},\
            "metadata":{"user":"42"},"created_at":"2024-08-22T12:26:51.079Z","expires_at":"2024-08-23T12:26:51.079Z",\
            "urls":{"get":"https://api.replicate.com/v1/files/NGZiNmY2YzQtMThhZi00ZjcyLWFhZjktODg4NTY0NWNlMDEy"}}
            """
        let decodedFile = try JSONDecoder().decode(ReplicateFile.self, from: Data(file.utf8))
        #expect(decodedFile.size == 1024)
        #expect(decodedFile.sha256 == "e3b0c442")
        #expect(decodedFile.metadata?["user"]?.stringValue == "42")
        #expect(decodedFile.url?.lastPathComponent == "NGZiNmY2YzQtMThhZi00ZjcyLWFhZjktODg4NTY0NWNlMDEy")
        let createdAt = try #require(decodedFile.createdAt)
        let lifetime = try #require(decodedFile.expiresAt?.timeIntervalSince(createdAt))
        #expect(abs(lifetime - 86_400) < 0.001)
    }

    @Test(
        "dates: accepted and refused forms",
        arguments: [
            ("2025-07-16T10:00:00Z", 1_752_660_000.0),
            ("2025-07-16T10:00:00.25Z", 1_752_660_000.25),
            ("2025-07-16T12:00:00+02:00", 1_752_660_000.0),
            ("2025-07-16T10:00:00.123456789Z", 1_752_660_000.123456789),
            ("2000-02-29T00:00:00Z", 951_782_400.0),
        ])
    func dates(text: String, expected: Double) throws {
        let date = try #require(ReplicateDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 1e-6)
    }

    @Test(
        "malformed dates are nil",
        arguments: [
            "", "2025-07-16", "2025-07-16T10:00:00", "2025-13-01T00:00:00Z",
            "2025-07-16T10:00:00.Z", "yesterday",
        ])
    func badDates(text: String) {
        #expect(ReplicateDate.parse(text) == nil)
    }

    @Test("formatted dates parse back")
    func dateRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_752_660_000.654321)
        let text = ReplicateDate.format(date)
        #expect(text == "2025-07-16T10:00:00.654321Z")
        let back = try #require(ReplicateDate.parse(text))
        #expect(abs(back.timeIntervalSince(date)) < 1e-6)
    }

    @Test("a prediction survives encode and decode")
    func predictionRoundTrip() throws {
        let prediction = try JSONDecoder().decode(Prediction.self, from: Data(Fixtures.predictionJSON.utf8))
        let again = try JSONDecoder().decode(Prediction.self, from: JSONEncoder().encode(prediction))
        #expect(again.id == prediction.id)
        #expect(again.outputURLs == prediction.outputURLs)
        #expect(again.status == prediction.status)
        #expect(
            abs((again.createdAt?.timeIntervalSince1970 ?? 0) - (prediction.createdAt?.timeIntervalSince1970 ?? 1))
                < 1e-5)
    }
}
