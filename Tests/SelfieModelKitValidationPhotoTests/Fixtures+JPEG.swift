import Foundation
import SelfieModelKit

/// Builds JPEG files segment by segment. Pixels are never decoded, so the scan data is arbitrary bytes
/// with the stuffing (`FF 00`) and restart markers a real scan has.
enum JPEGFixture {
    static let soi: [UInt8] = [0xFF, 0xD8]
    static let eoi: [UInt8] = [0xFF, 0xD9]
    static let scanData: [UInt8] = [0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0x9A, 0xFF, 0x00, 0xBC]

    /// A marker segment: `FF marker`, big-endian length (payload + 2), payload.
    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
    }

    static func frame(width: Int, height: Int, marker: UInt8 = 0xC0) -> [UInt8] {
        var payload: [UInt8] = [8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3]
        for component in 1...3 { payload += [UInt8(component), 0x11, 0] }
        return segment(marker, payload)
    }

    static let quantisationTable = segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
    static let huffmanTable = segment(0xC4, [0x00] + [UInt8](repeating: 0, count: 15) + [1, 0])
    static let scanHeader = segment(0xDA, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0])

    /// The decoding segments every fixture carries, in file order.
    static let decodingMarkers = ["DB", "C0", "C4", "DA"]

    /// A JPEG: SOI, `metadata` segments, DQT, SOF, DHT, SOS, scan data, EOI, then `trailer`.
    static func jpeg(
        width: Int = 1024, height: Int = 768, metadata: [[UInt8]] = [], frameMarker: UInt8 = 0xC0,
        trailer: [UInt8] = []
    ) -> [UInt8] {
        soi + metadata.flatMap { $0 } + quantisationTable + frame(width: width, height: height, marker: frameMarker)
            + huffmanTable + scanHeader + scanData + eoi + trailer
    }

    static let jfif = segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 1, 0, 72, 0, 72, 0, 0])
    static let comment = segment(0xFE, Array("shot at 12 Main Street".utf8))
    static let xmp = segment(0xE1, Array("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPSLatitude</x:xmpmeta>".utf8))
    static let iccProfile = segment(0xE2, Array("ICC_PROFILE\0".utf8) + [1, 1] + [UInt8](repeating: 7, count: 40))
    static let photoshopIPTC = segment(0xED, Array("Photoshop 3.0\0".utf8) + [UInt8](repeating: 3, count: 20))
    static let adobe = segment(0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 1])

    /// An APP1 Exif segment with Make, Orientation and a GPS IFD (latitude and a "GPS" processing method).
    static func exif(orientation: Int? = 6, gps: Bool = true) -> [UInt8] {
        segment(0xE1, Array("Exif".utf8) + [0, 0] + EXIFFixture.tiff(orientation: orientation, gps: gps))
    }

    /// The marker codes of a JPEG's segments (hex, such as `"E1"`), up to and including SOS, then `"D9"`.
    static func markers(_ data: Data) -> [String] {
        let bytes = [UInt8](data)
        var result: [String] = []
        var position = 2
        while position + 3 < bytes.count, bytes[position] == 0xFF {
            let marker = bytes[position + 1]
            result.append(String(format: "%02X", marker))
            if marker == 0xDA { break }
            position += 2 + (Int(bytes[position + 2]) << 8 | Int(bytes[position + 3]))
        }
        if bytes.suffix(2) == [0xFF, 0xD9] { result.append("D9") }
        return result
    }

    /// The payload of the first segment with `marker`, if any.
    static func payload(of marker: UInt8, in data: Data) -> [UInt8]? {
        let bytes = [UInt8](data)
        var position = 2
        while position + 3 < bytes.count, bytes[position] == 0xFF, bytes[position + 1] != 0xDA {
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            if bytes[position + 1] == marker { return Array(bytes[position + 4..<position + 2 + length]) }
            position += 2 + length
        }
        return nil
    }
}

/// EXIF (TIFF) structures with the tags that matter for privacy.
enum EXIFFixture {
    /// A little-endian TIFF: IFD0 with Make, Orientation and a GPS IFD pointer; the GPS IFD with a
    /// latitude reference, a latitude and a processing method spelling "GPS".
    static func tiff(orientation: Int?, gps: Bool) -> [UInt8] {
        var entries: [(tag: Int, type: Int, count: Int, value: [UInt8])] = []
        entries.append((0x010F, 2, 4, Array("Cam\0".utf8)))  // Make, inline
        if let orientation { entries.append((0x0112, 3, 1, le16(orientation) + [0, 0])) }
        let ifd0Size = 2 + (entries.count + (gps ? 1 : 0)) * 12 + 4
        let gpsOffset = 8 + ifd0Size
        if gps { entries.append((0x8825, 4, 1, le32(gpsOffset))) }

        var tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(8)
        tiff += le16(entries.count)
        for entry in entries { tiff += le16(entry.tag) + le16(entry.type) + le32(entry.count) + entry.value }
        tiff += le32(0)
        if gps {
            let gpsEntries = 3
            let dataOffset = gpsOffset + 2 + gpsEntries * 12 + 4
            tiff += le16(gpsEntries)
            tiff += le16(0x0001) + le16(2) + le32(2) + Array("N\0".utf8) + [0, 0]  // GPSLatitudeRef
            tiff += le16(0x0002) + le16(5) + le32(3) + le32(dataOffset)  // GPSLatitude, 3 rationals
            tiff += le16(0x001B) + le16(7) + le32(11) + le32(dataOffset + 24)  // GPSProcessingMethod
            tiff += le32(0)
            for value in [48, 51, 29] { tiff += le32(value) + le32(1) }
            tiff += Array("ASCII\0\0\0GPS".utf8)
        }
        return tiff
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

extension Data {
    /// Whether `pattern` occurs anywhere in the bytes.
    func containsBytes(_ pattern: [UInt8]) -> Bool { range(of: Data(pattern)) != nil }
}
