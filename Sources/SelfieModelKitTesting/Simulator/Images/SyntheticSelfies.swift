import Foundation
import ZIPFoundation

/// Clearly synthetic selfies for tests, demos and users' own harnesses: distinct head-and-shoulders
/// figures drawn in code, labelled "SYNTHETIC SELFIE", as real PNG files.
public enum SyntheticSelfies: Sendable {
    /// One synthetic selfie.
    public struct Selfie: Sendable, Hashable {
        /// A file name such as `selfie-03.png`.
        public let filename: String
        /// The PNG bytes.
        public let png: Data
        /// Width in pixels.
        public let width: Int
        /// Height in pixels.
        public let height: Int
    }

    /// Makes `count` distinct selfies. The same arguments always give the same bytes; another `seed`
    /// gives another person (skin, hair, clothes and colours all derive from it).
    /// - Parameters:
    ///   - count: how many selfies, 0 or more.
    ///   - seed: the person; 1 by default.
    ///   - width: at least 16; 512 by default (3:4 portrait with the default height).
    ///   - height: at least 16; 683 by default.
    public static func make(count: Int, seed: UInt64 = 1, width: Int = 512, height: Int = 683) -> [Selfie] {
        precondition(count >= 0 && width >= 16 && height >= 16, "count >= 0 and sides of at least 16 pixels")
        let identity = SimulatorHash.sha256(Array("synthetic selfie person \(seed)".utf8))
        return (0..<count).map { index in
            let image = PortraitRenderer.render(
                width: width, height: height, identity: identity,
                variation: seed &* 0x9E37_79B9 &+ UInt64(index) &+ 1, label: "SYNTHETIC SELFIE",
                caption: "SEED \(seed) #\(index + 1)")
            let png = PNGEncoder.encode(
                image,
                text: [
                    ("Software", "SelfieModelKitTesting SyntheticSelfies"),
                    ("Comment", "Synthetic selfie for tests; not a photograph of a person."),
                    ("selfie:seed", String(seed)), ("selfie:index", String(index)),
                ])
            let name = "selfie-" + String(format: "%02d", index + 1) + ".png"
            return Selfie(filename: name, png: png, width: width, height: height)
        }
    }

    /// A zip archive of `selfies` (and optional captions, `name.txt` beside `name.png`), the shape the
    /// trainer's `input_images` expects.
    public static func zip(_ selfies: [Selfie], captions: [String: String] = [:]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        var entries: [(String, Data)] = selfies.map { ($0.filename, $0.png) }
        for selfie in selfies {
            if let caption = captions[selfie.filename] {
                let base = (selfie.filename as NSString).deletingPathExtension
                entries.append((base + ".txt", Data(caption.utf8)))
            }
        }
        for (name, data) in entries {
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none,
                provider: { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                })
        }
        guard let bytes = archive.data else {
            throw SimulatorImageError(reason: "the in-memory zip archive produced no data")
        }
        return bytes
    }
}

/// A failure while making or reading simulator images.
public struct SimulatorImageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public let reason: String

    /// Creates an error.
    public init(reason: String) { self.reason = reason }

    public var description: String { "SimulatorImageError: \(reason)" }
}

/// What a PNG file says about itself: size and `tEXt` chunks. The simulator's outputs carry their
/// provenance here (`simulator:model`, `simulator:version`, `simulator:seed`, `simulator:prompt-sha256`,
/// `simulator:index`).
public struct SimulatedImage: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The `tEXt` chunks, keyword to text.
    public let text: [String: String]

    /// Reads the header and text chunks of a PNG, checking every chunk's CRC.
    /// - Throws: ``SimulatorImageError`` when `png` is not a well-formed PNG.
    public init(png: Data) throws {
        let bytes = [UInt8](png)
        guard bytes.count > 8, Array(bytes[0..<8]) == PNGEncoder.signature else {
            throw SimulatorImageError(reason: "not a PNG signature")
        }
        var offset = 8
        var width = 0
        var height = 0
        var text: [String: String] = [:]
        var sawEnd = false
        func readUInt32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        while offset + 12 <= bytes.count, !sawEnd {
            let length = readUInt32(offset)
            guard offset + 12 + length <= bytes.count else { throw SimulatorImageError(reason: "truncated chunk") }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = UInt32(readUInt32(offset + 8 + length))
            guard CRC32Bridge.checksum(typeBytes + body) == crc else {
                throw SimulatorImageError(reason: "bad CRC in chunk \(String(decoding: typeBytes, as: UTF8.self))")
            }
            switch String(decoding: typeBytes, as: UTF8.self) {
            case "IHDR" where length >= 8:
                width = readUInt32(offset + 8)
                height = readUInt32(offset + 12)
            case "tEXt":
                if let zero = body.firstIndex(of: 0) {
                    let keyword = String(decoding: body[..<zero], as: UTF8.self)
                    text[keyword] = String(body[(zero + 1)...].map { Character(Unicode.Scalar($0)) })
                }
            case "IEND": sawEnd = true
            default: break
            }
            offset += 12 + length
        }
        guard sawEnd, width > 0, height > 0 else { throw SimulatorImageError(reason: "missing IHDR or IEND") }
        self.width = width
        self.height = height
        self.text = text
    }
}
