import Foundation

/// Builds WebP files from RIFF chunks (bitstreams carry real headers and arbitrary data).
enum WebPFixture {
    static func chunk(_ fourCC: String, _ payload: [UInt8]) -> [UInt8] {
        Array(fourCC.utf8) + EXIFFixture.le32(payload.count) + payload + (payload.count % 2 == 1 ? [0] : [])
    }

    /// A RIFF/WEBP file around `chunks` with a correct size, unless `riffSize` overrides it.
    static func riff(_ chunks: [[UInt8]], riffSize: Int? = nil) -> [UInt8] {
        let body = Array("WEBP".utf8) + chunks.flatMap { $0 }
        return Array("RIFF".utf8) + EXIFFixture.le32(riffSize ?? body.count) + body
    }

    /// A lossy key frame: frame tag, start code, 14-bit width and height.
    static func vp8(width: Int, height: Int) -> [UInt8] {
        chunk(
            "VP8 ",
            [0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A] + EXIFFixture.le16(width) + EXIFFixture.le16(height) + [1, 2, 3])
    }

    /// A lossless bitstream: signature 0x2F, then width-1, height-1 (14 bits each), alpha hint, version 0.
    static func vp8l(width: Int, height: Int, alpha: Bool = false) -> [UInt8] {
        let bits = (width - 1) | (height - 1) << 14 | (alpha ? 1 << 28 : 0)
        return chunk("VP8L", [0x2F] + EXIFFixture.le32(bits) + [9, 9, 9])
    }

    static func vp8x(flags: UInt8, width: Int, height: Int) -> [UInt8] {
        let w = width - 1
        let h = height - 1
        return chunk(
            "VP8X",
            [
                flags, 0, 0, 0, UInt8(w & 0xFF), UInt8((w >> 8) & 0xFF), UInt8(w >> 16), UInt8(h & 0xFF),
                UInt8((h >> 8) & 0xFF), UInt8(h >> 16),
            ])
    }

    static func exif(orientation: Int? = 6, gps: Bool = true) -> [UInt8] {
        chunk("EXIF", EXIFFixture.tiff(orientation: orientation, gps: gps))
    }

    static let xmp = chunk("XMP ", Array("<x:xmpmeta>GPSLongitude</x:xmpmeta>".utf8))
    static let icc = chunk("ICCP", [UInt8](repeating: 5, count: 21))
    static let alpha = chunk("ALPH", [0, 1, 2, 3])

    /// The chunk codes in file order and the VP8X flags byte (when there is a VP8X chunk).
    static func layout(_ data: Data) -> (chunks: [String], flags: UInt8?) {
        let bytes = [UInt8](data)
        var chunks: [String] = []
        var flags: UInt8?
        var position = 12
        while position + 8 <= bytes.count {
            let code = String(decoding: bytes[position..<position + 4], as: UTF8.self)
            let size = bytes[position + 4..<position + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            if code == "VP8X" { flags = bytes[position + 8] }
            chunks.append(code)
            position += 8 + size + size % 2
        }
        return (chunks, flags)
    }

    /// The RIFF size field.
    static func riffSize(_ data: Data) -> Int { [UInt8](data)[4..<8].reversed().reduce(0) { $0 << 8 | Int($1) } }
}
