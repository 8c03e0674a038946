import Foundation
import SelfieModelKit

/// Builds PNG files chunk by chunk with correct CRC-32s (IDAT content is never decoded).
enum PNGFixture {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func chunk(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + payload
        return be32(payload.count) + body + be32(Int(CRC32.checksum(body)))
    }

    static func header(width: Int, height: Int) -> [UInt8] {
        chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
    }

    static let imageData = chunk("IDAT", [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
    static let end = chunk("IEND", [])

    /// A PNG: signature, IHDR, `beforeData` chunks, IDAT, `afterData` chunks, IEND.
    static func png(
        width: Int = 1024, height: Int = 768, beforeData: [[UInt8]] = [], afterData: [[UInt8]] = []
    ) -> [UInt8] {
        signature + header(width: width, height: height) + beforeData.flatMap { $0 } + imageData
            + afterData.flatMap { $0 } + end
    }

    static let text = chunk("tEXt", Array("Comment\0taken at home".utf8))
    static let compressedText = chunk("zTXt", Array("Author\0\0".utf8) + [0x78, 0x9C, 0x03, 0x00])
    static let internationalText = chunk("iTXt", Array("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>".utf8))
    static let time = chunk("tIME", [0x07, 0xE9, 6, 1, 12, 0, 0])
    static let gamma = chunk("gAMA", be32(45455))
    static let physical = chunk("pHYs", be32(2835) + be32(2835) + [1])
    static func exif(orientation: Int? = 6, gps: Bool = true) -> [UInt8] {
        chunk("eXIf", EXIFFixture.tiff(orientation: orientation, gps: gps))
    }

    /// The chunk types in file order.
    static func chunkTypes(_ data: Data) -> [String] {
        let bytes = [UInt8](data)
        var result: [String] = []
        var position = 8
        while position + 8 <= bytes.count {
            let length = bytes[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            result.append(String(decoding: bytes[position + 4..<position + 8], as: UTF8.self))
            position += 12 + length
        }
        return result
    }

    static func be32(_ value: Int) -> [UInt8] { (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
