import Foundation
import SelfieModelKitValidation
import Testing

/// Hostile bytes never crash the inspector: every prefix and many corruptions of each format are refused
/// or accepted, and an accepted result is always whole and clean.
@Suite("Photo robustness")
struct RobustnessTests {
    static let fixtures: [(name: String, bytes: [UInt8])] = [
        ("jpeg", JPEGFixture.jpeg(metadata: [JPEGFixture.exif(), JPEGFixture.xmp, JPEGFixture.comment])),
        ("png", PNGFixture.png(beforeData: [PNGFixture.exif(), PNGFixture.text])),
        (
            "webp",
            WebPFixture.riff([
                WebPFixture.vp8x(flags: 0x0C, width: 1024, height: 1024), WebPFixture.vp8(width: 1024, height: 1024),
                WebPFixture.exif(), WebPFixture.xmp,
            ])
        ),
        ("heic", HEIFFixture.heic()),
    ]

    @Test("every strict prefix is refused", arguments: fixtures.map(\.name))
    func prefixes(name: String) throws {
        let bytes = try #require(Self.fixtures.first { $0.name == name }).bytes
        let inspector = PhotoInspector()
        for length in 0..<bytes.count {
            let inspection = inspector.inspect(Data(bytes.prefix(length)), fileName: "cut")
            #expect(inspection.photo == nil, "prefix of \(length) bytes was accepted")
        }
    }

    @Test("flipped bytes never crash, and whatever is accepted carries no GPS", arguments: fixtures.map(\.name))
    func mutations(name: String) throws {
        let bytes = try #require(Self.fixtures.first { $0.name == name }).bytes
        let inspector = PhotoInspector()
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            var mutated = bytes
            for _ in 0..<Int(generator.next() % 3 + 1) {
                let index = Int(generator.next() % UInt64(mutated.count))
                mutated[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if let photo = inspector.inspect(Data(mutated), fileName: "m").photo {
                #expect(!photo.data.containsBytes(Array("GPS".utf8)))
                #expect(try PhotoInspector.readHeader(photo.data).format == photo.format)
            }
        }
    }
}

/// A small deterministic generator, so mutation tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
