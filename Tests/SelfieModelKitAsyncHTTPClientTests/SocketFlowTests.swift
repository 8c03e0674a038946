import AsyncHTTPClient
import Foundation
import SelfieModelKit
import SelfieModelKitAsyncHTTPClient
import SelfieModelKitReplicate
import SelfieModelKitValidation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The library's own client drives the `selfie-sim` binary over a real socket, once over each socket
/// transport: model, upload, training to success, version, generation, output download, webhook secret.
///
/// Needs the built `selfie-sim` (`swift build --build-tests` builds it) next to the test bundle, or
/// `SELFIE_SIM_BINARY`.
@Suite("The client over both socket transports against selfie-sim", .timeLimit(.minutes(2)))
struct SocketFlowTests {
    static let token = "r8_socket_flow_token"

    @Test("AsyncHTTPClientTransport and URLSessionTransport run the whole flow")
    func bothTransports() async throws {
        let simulator = try SelfieSimProcess.start(token: Self.token)
        defer { simulator.stop() }
        let httpClient = AsyncHTTPClientTransport.makeClient()
        let transports: [(String, any HTTPTransport)] = [
            ("AsyncHTTPClient", AsyncHTTPClientTransport(client: httpClient)),
            ("URLSession", URLSessionTransport(timeout: 30)),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, (name, transport)) in transports.enumerated() {
                group.addTask {
                    try await Self.flow(
                        baseURL: simulator.apiURL, transport: transport, user: UserID("\(42 + index)"), label: name)
                }
            }
            try await group.waitForAll()
        }
        try await httpClient.shutdown()
    }

    static func flow(baseURL: URL, transport: any HTTPTransport, user userID: UserID, label: String) async throws {
        let client = try ReplicateClient(token: APIToken(token), baseURL: baseURL, transport: transport)
        let user = AuthenticatedUser.verifiedByHost(userID, via: "test")
        let modelID = ReplicateModelID.selfieModel(for: user.id, owner: .sandrasocial)
        _ = try await client.createModel(modelID, for: user.id)
        // The archive goes up from its file, streamed by the transport, as the training service sends it.
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("selfies-\(UUID().uuidString).zip")
        try SelfieArchive.zip.write(to: archive)
        defer { try? FileManager.default.removeItem(at: archive) }
        let file = try await client.uploadFile(
            contentsOf: archive, filename: "selfies.zip", contentType: "application/zip", for: user.id)
        let request = try TrainingRequest(
            for: user, owner: .sandrasocial, inputImagesURL: try #require(file.url, "\(label): no file URL"))
        var training = try await client.createTraining(request)
        let deadline = ContinuousClock.now + .seconds(60)
        while !training.status.isTerminal, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            training = try await client.training(training.id, for: user.id)
        }
        #expect(
            training.status == .succeeded,
            "\(label): training ended \(training.status) \(training.error?.message ?? "")")
        let version = try #require(training.trainingOutput?.version, "\(label): no version")
        let schema = try await client.version(version, of: modelID, for: user.id)
        #expect(schema.inputPropertyNames.contains("prompt"), "\(label)")

        let record = UserModelRecord(
            userID: user.id, replicateModelID: modelID, replicateVersionID: version,
            triggerWord: TriggerWord(for: user.id), trainingStatus: .completed, createdAt: Date(), updatedAt: Date())
        let model = try TrainedUserModel(record: record, for: user, owner: .sandrasocial)
        let generation = try GenerationRequest(
            model: model, prompt: UserPrompt("\(model.triggerWord) on a rooftop at dusk", for: model),
            seed: GenerationSeed(7))
        var prediction = try await client.createPrediction(generation, wait: .seconds(30))
        while !prediction.status.isTerminal, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            prediction = try await client.prediction(prediction.id, for: user.id)
        }
        #expect(prediction.status == .succeeded, "\(label): prediction ended \(prediction.status)")
        #expect(prediction.outputURLs.count == 3, "\(label)")
        for url in prediction.outputURLs {
            let image = try await client.download(url, for: user.id)
            #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(label): \(url) is not a PNG")
        }
        _ = try await client.defaultWebhookSecret()
    }
}

/// A minimal zip (stored, no compression) holding one tiny PNG: enough for the simulated trainer.
enum SelfieArchive {
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
        0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00,
        0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
        0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    static let zip: Data = {
        let name = Array("selfie-01.png".utf8)
        let crc = crc32(png)
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
        var local: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
        local += le32(crc) + le32(UInt32(png.count)) + le32(UInt32(png.count)) + le16(name.count) + le16(0)
        local += name + png
        var central: [UInt8] = [0x50, 0x4B, 0x01, 0x02] + le16(20) + le16(20) + le16(0) + le16(0) + le16(0)
        central += le16(0x21) + le32(crc) + le32(UInt32(png.count)) + le32(UInt32(png.count))
        central += le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(0) + name
        var end: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(1) + le16(1)
        end += le32(UInt32(central.count)) + le32(UInt32(local.count)) + le16(0)
        return Data(local + central + end)
    }()

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// The `selfie-sim` binary on an OS-chosen port, scaled so a training takes a few seconds.
final class SelfieSimProcess: Sendable {
    let process: Process
    let apiURL: URL

    private init(process: Process, apiURL: URL) {
        self.process = process
        self.apiURL = apiURL
    }

    static func start(token: String) throws -> SelfieSimProcess {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("selfie-sim-\(UUID()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = [
            "--port", "0", "--time-scale", "0.002", "--owner", "sandrasocial", "--token", token,
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            let prefix = "selfie-sim listening on "
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
                let url = URL(string: String(line.dropFirst(prefix.count)) + "/v1")
            {
                return SelfieSimProcess(process: process, apiURL: url)
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "selfie-sim did not start:\n\(text)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private static func binary() throws -> URL {
        if let given = ProcessInfo.processInfo.environment["SELFIE_SIM_BINARY"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [
            Bundle.main.bundleURL.appendingPathComponent("selfie-sim"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("selfie-sim"),
        ]
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("selfie-sim"))
            directory = directory.deletingLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw HTTPTransportError(
                requestMayHaveBeenSent: false, reason: "selfie-sim is not built (looked in \(candidates.map(\.path)))")
        }
        return found
    }
}
