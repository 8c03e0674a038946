/// A small zlib encoder (RFC 1950/1951): one fixed-Huffman deflate block with LZ77 matching.
///
/// Good enough for the simulator's synthetic images, which are made of flat areas and repeated rows;
/// any inflater (zlib, browsers, Python's `zlib`) reads the result.
package enum ZlibEncoder {
    /// The zlib stream of `input`.
    package static func compress(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes.reserveCapacity(input.count / 4 + 64)
        writer.bytes.append(contentsOf: [0x78, 0x01])
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // BTYPE = 01, fixed Huffman
        encode(input, into: &writer)
        writeLiteral(256, into: &writer)
        writer.flush()
        let adler = adler32(input)
        writer.bytes.append(contentsOf: [
            UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF),
        ])
        return writer.bytes
    }

    /// Adler-32 of `bytes`.
    package static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    private static let hashBits = 15
    private static let window = 32768
    private static let maxMatch = 258

    private static func encode(_ input: [UInt8], into writer: inout BitWriter) {
        var head = [Int32](repeating: -1, count: 1 << hashBits)
        let count = input.count
        var position = 0
        input.withUnsafeBufferPointer { data in
            func hash(_ at: Int) -> Int {
                let value = UInt32(data[at]) << 16 | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2])
                return Int((value &* 2_654_435_761) >> UInt32(32 - hashBits))
            }
            func matchLength(_ candidate: Int, _ at: Int) -> Int {
                let limit = min(maxMatch, count - at)
                var length = 0
                while length < limit, data[candidate + length] == data[at + length] { length += 1 }
                return length
            }
            while position < count {
                var bestLength = 0
                var bestDistance = 0
                if position + 3 <= count {
                    let key = hash(position)
                    let candidate = Int(head[key])
                    head[key] = Int32(position)
                    if candidate >= 0, position - candidate <= window {
                        let length = matchLength(candidate, position)
                        if length >= 3 {
                            bestLength = length
                            bestDistance = position - candidate
                        }
                    }
                }
                if bestLength >= 3 {
                    writeMatch(length: bestLength, distance: bestDistance, into: &writer)
                    let end = position + bestLength
                    position += 1
                    while position < end {
                        if position + 3 <= count { head[hash(position)] = Int32(position) }
                        position += 1
                    }
                } else {
                    writeLiteral(Int(data[position]), into: &writer)
                    position += 1
                }
            }
        }
    }

    private static func writeLiteral(_ symbol: Int, into writer: inout BitWriter) {
        switch symbol {
        case 0...143: writer.writeHuffman(0x30 + symbol, length: 8)
        case 144...255: writer.writeHuffman(0x190 + symbol - 144, length: 9)
        case 256...279: writer.writeHuffman(symbol - 256, length: 7)
        default: writer.writeHuffman(0xC0 + symbol - 280, length: 8)
        }
    }

    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    private static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    private static func writeMatch(length: Int, distance: Int, into writer: inout BitWriter) {
        var lengthCode = lengthBase.count - 1
        while lengthBase[lengthCode] > length { lengthCode -= 1 }
        writeLiteral(257 + lengthCode, into: &writer)
        writer.write(UInt32(length - lengthBase[lengthCode]), bits: lengthExtra[lengthCode])
        var distanceCode = distanceBase.count - 1
        while distanceBase[distanceCode] > distance { distanceCode -= 1 }
        writer.writeHuffman(distanceCode, length: 5)
        writer.write(UInt32(distance - distanceBase[distanceCode]), bits: distanceExtra[distanceCode])
    }
}

/// Writes bits least-significant first, as deflate does.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    mutating func write(_ value: UInt32, bits: Int) {
        guard bits > 0 else { return }
        buffer |= UInt64(value) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// Huffman codes are defined most-significant bit first: reverse before writing.
    mutating func writeHuffman(_ code: Int, length: Int) {
        var reversed: UInt32 = 0
        var value = UInt32(code)
        for _ in 0..<length {
            reversed = reversed << 1 | (value & 1)
            value >>= 1
        }
        write(reversed, bits: length)
    }

    mutating func flush() {
        if count > 0 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer = 0
            count = 0
        }
    }
}
