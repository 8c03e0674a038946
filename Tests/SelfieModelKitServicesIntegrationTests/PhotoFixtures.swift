import Foundation
import SelfieModelKit

/// Minimal JPEG and PNG byte builders (after `Tests/SelfieModelKitValidationPhotoTests/Fixtures+*.swift`).
/// Pixels are never decoded by the library, so the scan data is arbitrary bytes.
enum PhotoFixtures {
    static let soi: [UInt8] = [0xFF, 0xD8]
    static let eoi: [UInt8] = [0xFF, 0xD9]
    static let scanData: [UInt8] = [0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0x9A, 0xFF, 0x00, 0xBC]

    /// A JPEG marker segment: `FF marker`, big-endian length, payload.
    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
    }

    /// A JPEG: SOI, `metadata` segments, DQT, SOF0, DHT, SOS, scan data, EOI.
    static func jpeg(width: Int = 1024, height: Int = 768, metadata: [[UInt8]] = []) -> [UInt8] {
        var frame: [UInt8] = [8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3]
        for component in 1...3 { frame += [UInt8(component), 0x11, 0] }
        return soi + metadata.flatMap { $0 } + segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
            + segment(0xC0, frame) + segment(0xC4, [0x00] + [UInt8](repeating: 0, count: 15) + [1, 0])
            + segment(0xDA, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]) + scanData + eoi
    }

    /// An APP1 Exif segment: IFD0 with Make "Cam", Orientation and a GPS IFD (latitude 48°51'29" N and a
    /// processing method spelling "GPS").
    static func exifWithGPS(orientation: Int = 6) -> [UInt8] {
        var entries: [[UInt8]] = []
        entries.append(le16(0x010F) + le16(2) + le32(4) + Array("Cam\0".utf8))
        entries.append(le16(0x0112) + le16(3) + le32(1) + le16(orientation) + [0, 0])
        let ifd0Size = 2 + (entries.count + 1) * 12 + 4
        let gpsOffset = 8 + ifd0Size
        entries.append(le16(0x8825) + le16(4) + le32(1) + le32(gpsOffset))
        var tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(8) + le16(entries.count)
        tiff += entries.flatMap { $0 } + le32(0)
        let dataOffset = gpsOffset + 2 + 3 * 12 + 4
        tiff += le16(3)
        tiff += le16(0x0001) + le16(2) + le32(2) + Array("N\0".utf8) + [0, 0]
        tiff += le16(0x0002) + le16(5) + le32(3) + le32(dataOffset)
        tiff += le16(0x001B) + le16(7) + le32(11) + le32(dataOffset + 24)
        tiff += le32(0)
        for value in [48, 51, 29] { tiff += le32(value) + le32(1) }
        tiff += Array("ASCII\0\0\0GPS".utf8)
        return segment(0xE1, Array("Exif".utf8) + [0, 0] + tiff)
    }

    /// An APP1 Exif segment of the largest possible size, filled with `fill`.
    static func hugeExif(fill: UInt8) -> [UInt8] {
        let tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(8) + le16(0) + le32(0)
        let padding = [UInt8](repeating: fill, count: 65_533 - 6 - tiff.count)
        return segment(0xE1, Array("Exif".utf8) + [0, 0] + tiff + padding)
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG chunk with its CRC.
    static func chunk(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + payload
        return be32(payload.count) + body + be32(Int(CRC32.checksum(body)))
    }

    /// A PNG signature and IHDR only.
    static func pngHeader(width: Int, height: Int) -> [UInt8] {
        pngSignature + chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    static func be32(_ value: Int) -> [UInt8] { (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

extension Data {
    /// Whether `pattern` occurs anywhere in the bytes.
    func containsBytes(_ pattern: [UInt8]) -> Bool { range(of: Data(pattern)) != nil }
}
