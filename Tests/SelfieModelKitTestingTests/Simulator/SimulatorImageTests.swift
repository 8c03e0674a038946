import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator images")
struct SimulatorImageTests {
    private func outputs(
        _ simulator: ReplicateSimulator, _ caller: SimCaller, version: String, seed: Int,
        extra: [(String, JSONValue)] = []
    ) async throws -> [Data] {
        let created = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version, seed: seed, extra: extra),
            headers: ["Prefer": "wait"])
        let urls = try #require(created.json["output"]?.arrayValue).compactMap(\.stringValue)
        var files: [Data] = []
        for url in urls {
            let result = try await SimCaller(simulator: simulator, token: nil).get(url)
            #expect(result.status == 200)
            #expect(result.header("Content-Type") == "image/png")
            files.append(result.body)
        }
        return files
    }

    @Test("Outputs are real PNGs in the requested aspect ratio, with provenance and a fixed identity per version")
    func outputsArePNGs() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let files = try await outputs(simulator, caller, version: version, seed: 7)
        #expect(files.count == 3)
        for (index, file) in files.enumerated() {
            let image = try SimulatedImage(png: file)
            #expect(image.width == 384)
            #expect(image.height == 512)
            #expect(image.text["simulator:model"] == "alice/m")
            #expect(image.text["simulator:version"] == String(version.split(separator: ":").last!))
            #expect(image.text["simulator:seed"] == "7")
            #expect(image.text["simulator:index"] == String(index))
            #expect(image.text["simulator:prompt-sha256"]?.count == 64)
        }
        #expect(Set(files).count == 3)
    }

    @Test("The same version, input and seed give identical bytes; another seed does not")
    func determinism() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let first = try await outputs(simulator, caller, version: version, seed: 99)
        let second = try await outputs(simulator, caller, version: version, seed: 99)
        let other = try await outputs(simulator, caller, version: version, seed: 100)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("Two users' versions, trained on different images, draw different people")
    func isolationIsVisible() async throws {
        let simulator = SimFixtures.simulator()
        let alice = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        let aliceVersion = try await SimFixtures.trainedVersion(simulator, alice, owner: "alice", name: "m")
        let bobVersion = try await SimFixtures.trainedVersion(
            simulator, bob, owner: "bob", name: "m", zip: SimFixtures.otherSelfieZip)
        let aliceImage = try await outputs(simulator, alice, version: aliceVersion, seed: 1)[0]
        let bobImage = try await outputs(simulator, bob, version: bobVersion, seed: 1)[0]
        #expect(aliceImage != bobImage)
    }

    @Test("Custom sizes and other aspect ratios keep their proportions")
    func aspectRatios() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        let wide = try await outputs(
            simulator, caller, version: version, seed: 1, extra: [("aspect_ratio", "16:9"), ("num_outputs", 1)])
        let wideImage = try SimulatedImage(png: wide[0])
        #expect(wideImage.width == 512 && wideImage.height == 288)
        let custom = try await outputs(
            simulator, caller, version: version, seed: 1,
            extra: [("aspect_ratio", "custom"), ("width", 1024), ("height", 512), ("num_outputs", 1)])
        let customImage = try SimulatedImage(png: custom[0])
        #expect(customImage.width == 512 && customImage.height == 256)
    }

    @Test("output_format jpg gives baseline JPEGs that honour output_quality; webp gives lossless WebP")
    func jpegAndWebP() async throws {
        let simulator = SimFixtures.simulator()
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "m")
        var sizes: [Int] = []
        for quality in [95, 10] {
            let created = try await caller.json(
                .post, "/predictions",
                SimFixtures.predictionBody(
                    version: version, extra: [("output_format", "jpg"), ("output_quality", .int(quality))]),
                headers: ["Prefer": "wait"])
            let url = try #require(created.json["output"]?.arrayValue?.first?.stringValue)
            #expect(url.hasSuffix(".jpg"))
            let file = try await SimCaller(simulator: simulator, token: nil).get(url)
            #expect(file.header("Content-Type") == "image/jpeg")
            #expect(Array(file.body.prefix(2)) == [0xFF, 0xD8])
            #expect(Array(file.body.suffix(2)) == [0xFF, 0xD9])
            #expect(String(decoding: file.body.prefix(2000), as: UTF8.self).contains("simulator:seed=42"))
            sizes.append(file.body.count)
        }
        #expect(sizes[0] > sizes[1])
        let webp = try await caller.json(
            .post, "/predictions", SimFixtures.predictionBody(version: version, extra: [("output_format", "webp")]),
            headers: ["Prefer": "wait"])
        let url = try #require(webp.json["output"]?.arrayValue?.first?.stringValue)
        #expect(url.hasSuffix(".webp"))
        let file = try await SimCaller(simulator: simulator, token: nil).get(url)
        #expect(file.header("Content-Type") == "image/webp")
        let bytes = [UInt8](file.body)
        #expect(String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF")
        #expect(Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24 == bytes.count - 8)
        #expect(String(decoding: bytes[8..<16], as: UTF8.self) == "WEBPVP8X")
        #expect(String(decoding: bytes, as: UTF8.self).contains("sim:simulator-seed=\"42\""))
    }

    @Test("Synthetic selfies are distinct PNGs of at least 512 pixels a side")
    func syntheticSelfies() throws {
        let selfies = SyntheticSelfies.make(count: 4, seed: 3)
        #expect(Set(selfies.map(\.png)).count == 4)
        for selfie in selfies {
            let image = try SimulatedImage(png: selfie.png)
            #expect(min(image.width, image.height) >= 512)
            #expect(image.text["selfie:seed"] == "3")
        }
        #expect(SyntheticSelfies.make(count: 1, seed: 3) == Array(selfies.prefix(1)))
        #expect(SyntheticSelfies.make(count: 1, seed: 4)[0].png != selfies[0].png)
    }

    @Test("zlib stream: Adler-32 matches the known value and the stream ends with it")
    func zlib() {
        let input = Array("Wikipedia".utf8)
        #expect(ZlibEncoder.adler32(input) == 0x11E6_0398)
        let stream = ZlibEncoder.compress(Array(repeating: 0x41, count: 1000))
        #expect(stream.prefix(2) == [0x78, 0x01])
        #expect(stream.count < 40)
    }
}
