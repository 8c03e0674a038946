import Foundation

/// A baseline JPEG encoder (JFIF, 4:4:4, the standard Huffman tables of ITU T.81 Annex K), with
/// libjpeg's quality scaling, so the simulator honours `output_format: jpg` and `output_quality`.
/// Provenance goes into `COM` segments (JPEG has no text chunks).
public enum JPEGEncoder: Sendable {
    /// Encodes `image` at `quality` (1 to 100; 0 counts as 1) with `comments` as `COM` segments.
    public static func encode(_ image: RGBImage, quality: Int, comments: [String] = []) -> Data {
        let luma = quantizationTable(base: baseLuminance, quality: quality)
        let chroma = quantizationTable(base: baseChrominance, quality: quality)
        var out: [UInt8] = [0xFF, 0xD8]
        out += segment(0xE0, [0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])
        for comment in comments {
            out += segment(0xFE, Array(comment.utf8.prefix(60_000)))
        }
        out += segment(0xDB, [0x00] + zigzag.map { UInt8(luma[$0]) } + [0x01] + zigzag.map { UInt8(chroma[$0]) })
        out += segment(
            0xC0,
            [
                8, UInt8(image.height >> 8), UInt8(image.height & 0xFF), UInt8(image.width >> 8),
                UInt8(image.width & 0xFF), 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1,
            ])
        out += segment(
            0xC4,
            [0x00] + dcLuminanceBits + dcValues + [0x10] + acLuminanceBits + acLuminanceValues + [0x01]
                + dcChrominanceBits + dcValues + [0x11] + acChrominanceBits + acChrominanceValues)
        out += segment(0xDA, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0])
        out += scan(image, luma: luma, chroma: chroma)
        out += [0xFF, 0xD9]
        return Data(out)
    }

    private static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    private static func quantizationTable(base: [Int], quality: Int) -> [Int] {
        let q = max(1, min(100, quality))
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return base.map { max(1, min(255, ($0 * scale + 50) / 100)) }
    }

    private static func scan(_ image: RGBImage, luma: [Int], chroma: [Int]) -> [UInt8] {
        var writer = JPEGBitWriter()
        let dcTables = [
            HuffmanTable(bits: dcLuminanceBits, values: dcValues),
            HuffmanTable(bits: dcChrominanceBits, values: dcValues),
        ]
        let acTables = [
            HuffmanTable(bits: acLuminanceBits, values: acLuminanceValues),
            HuffmanTable(bits: acChrominanceBits, values: acChrominanceValues),
        ]
        let divisors = [luma, chroma, chroma].map { table in table.map { 1.0 / (Double($0) * 8) } }
        var previousDC = [0, 0, 0]
        var block = [[Double]](repeating: [Double](repeating: 0, count: 64), count: 3)
        for blockY in stride(from: 0, to: image.height, by: 8) {
            for blockX in stride(from: 0, to: image.width, by: 8) {
                for y in 0..<8 {
                    let row = min(image.height - 1, blockY + y)
                    for x in 0..<8 {
                        let column = min(image.width - 1, blockX + x)
                        let index = (row * image.width + column) * 3
                        let r = Double(image.pixels[index])
                        let g = Double(image.pixels[index + 1])
                        let b = Double(image.pixels[index + 2])
                        block[0][y * 8 + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128
                        block[1][y * 8 + x] = -0.168_736 * r - 0.331_264 * g + 0.5 * b
                        block[2][y * 8 + x] = 0.5 * r - 0.418_688 * g - 0.081_312 * b
                    }
                }
                for component in 0..<3 {
                    let coefficients = forwardDCT(block[component])
                    var quantized = [Int](repeating: 0, count: 64)
                    for (position, natural) in zigzag.enumerated() {
                        quantized[position] = Int((coefficients[natural] * divisors[component][natural]).rounded())
                    }
                    let table = component == 0 ? 0 : 1
                    encodeBlock(
                        quantized, previousDC: &previousDC[component], dc: dcTables[table], ac: acTables[table],
                        into: &writer)
                }
            }
        }
        writer.flush()
        return writer.bytes
    }

    /// The 8x8 DCT-II, scaled so that dividing by `8 * q` gives the quantized coefficient.
    private static func forwardDCT(_ input: [Double]) -> [Double] {
        var temp = [Double](repeating: 0, count: 64)
        var output = [Double](repeating: 0, count: 64)
        for row in 0..<8 {
            for u in 0..<8 {
                var sum = 0.0
                for x in 0..<8 { sum += input[row * 8 + x] * cosines[u * 8 + x] }
                temp[row * 8 + u] = sum * (u == 0 ? 1 / 2.0.squareRoot() : 1)
            }
        }
        for column in 0..<8 {
            for v in 0..<8 {
                var sum = 0.0
                for y in 0..<8 { sum += temp[y * 8 + column] * cosines[v * 8 + y] }
                output[v * 8 + column] = sum * (v == 0 ? 1 / 2.0.squareRoot() : 1) * 2
            }
        }
        return output
    }

    private static let cosines: [Double] = (0..<64).map { index in
        let u = Double(index / 8)
        let x = Double(index % 8)
        return cos((2 * x + 1) * u * Double.pi / 16)
    }

    private static func encodeBlock(
        _ block: [Int], previousDC: inout Int, dc: HuffmanTable, ac: HuffmanTable, into writer: inout JPEGBitWriter
    ) {
        let difference = block[0] - previousDC
        previousDC = block[0]
        let dcSize = magnitudeSize(difference)
        writer.write(dc.codes[dcSize], length: dc.lengths[dcSize])
        if dcSize > 0 { writer.write(magnitudeBits(difference, size: dcSize), length: dcSize) }
        var run = 0
        for index in 1..<64 {
            let value = block[index]
            if value == 0 {
                run += 1
                continue
            }
            while run > 15 {
                writer.write(ac.codes[0xF0], length: ac.lengths[0xF0])
                run -= 16
            }
            let size = magnitudeSize(value)
            let symbol = run << 4 | size
            writer.write(ac.codes[symbol], length: ac.lengths[symbol])
            writer.write(magnitudeBits(value, size: size), length: size)
            run = 0
        }
        if run > 0 { writer.write(ac.codes[0x00], length: ac.lengths[0x00]) }
    }

    private static func magnitudeSize(_ value: Int) -> Int {
        var magnitude = abs(value)
        var size = 0
        while magnitude > 0 {
            size += 1
            magnitude >>= 1
        }
        return min(size, 11)
    }

    private static func magnitudeBits(_ value: Int, size: Int) -> Int {
        value >= 0 ? value : value + (1 << size) - 1
    }

    /// Canonical codes for a `bits`/`values` table, indexed by symbol.
    private struct HuffmanTable {
        var codes = [Int](repeating: 0, count: 256)
        var lengths = [Int](repeating: 0, count: 256)

        init(bits: [UInt8], values: [UInt8]) {
            var code = 0
            var index = 0
            for length in 1...16 {
                for _ in 0..<Int(bits[length - 1]) {
                    codes[Int(values[index])] = code
                    lengths[Int(values[index])] = length
                    code += 1
                    index += 1
                }
                code <<= 1
            }
        }
    }

    static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
        21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
        60, 61, 54, 47, 55, 62, 63,
    ]

    static let baseLuminance: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
        29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
        121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    static let baseChrominance: [Int] =
        [
            17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99,
            99, 99, 99, 99, 99,
        ] + [Int](repeating: 99, count: 32)

    static let dcLuminanceBits: [UInt8] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    static let dcChrominanceBits: [UInt8] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    static let dcValues: [UInt8] = Array(0...11)
    static let acLuminanceBits: [UInt8] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
    static let acChrominanceBits: [UInt8] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77]

    static let acLuminanceValues: [UInt8] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71,
        0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72,
        0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37,
        0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
        0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83,
        0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3,
        0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
        0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ]

    static let acChrominanceValues: [UInt8] = [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22,
        0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1,
        0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36,
        0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
        0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A,
        0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A,
        0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA,
        0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
        0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ]
}

/// Writes entropy-coded JPEG bits most-significant first, stuffing a zero after every 0xFF byte.
private struct JPEGBitWriter {
    var bytes: [UInt8] = []
    private var buffer = 0
    private var count = 0

    mutating func write(_ value: Int, length: Int) {
        guard length > 0 else { return }
        buffer = (buffer << length) | (value & ((1 << length) - 1))
        count += length
        while count >= 8 {
            let byte = UInt8((buffer >> (count - 8)) & 0xFF)
            bytes.append(byte)
            if byte == 0xFF { bytes.append(0) }
            count -= 8
        }
        buffer &= (1 << count) - 1
    }

    mutating func flush() {
        if count > 0 { write((1 << (8 - count)) - 1, length: 8 - count) }
    }
}
