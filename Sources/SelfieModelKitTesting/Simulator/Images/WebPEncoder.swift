import Foundation

/// A lossless WebP (VP8L) encoder: the subtract-green transform, backward references to the pixel on the
/// left and the pixel above, and one group of canonical prefix codes. Enough for the simulator's flat
/// synthetic images; any WebP decoder reads the result. Provenance goes into an `XMP ` chunk.
public enum WebPEncoder: Sendable {
    /// Encodes `image` losslessly, with `metadata` (key, value) pairs in an XMP chunk when not empty.
    public static func encode(_ image: RGBImage, metadata: [(key: String, value: String)] = []) -> Data {
        precondition(image.width <= 16384 && image.height <= 16384, "VP8L images are at most 16384 pixels a side")
        var writer = LSBBitWriter()
        writer.write(0x2F, bits: 8)
        writer.write(UInt32(image.width - 1), bits: 14)
        writer.write(UInt32(image.height - 1), bits: 14)
        writer.write(0, bits: 1)  // alpha is not used
        writer.write(0, bits: 3)  // version
        writer.write(1, bits: 1)  // a transform follows
        writer.write(2, bits: 2)  // SUBTRACT_GREEN
        writer.write(0, bits: 1)  // no more transforms
        writer.write(0, bits: 1)  // no color cache
        writer.write(0, bits: 1)  // one prefix code group
        let symbols = tokens(image)
        var histograms = [[Int]](repeating: [], count: 5)
        histograms[0] = [Int](repeating: 0, count: 256 + 24)
        histograms[1] = [Int](repeating: 0, count: 256)
        histograms[2] = [Int](repeating: 0, count: 256)
        histograms[3] = [Int](repeating: 0, count: 256)
        histograms[4] = [Int](repeating: 0, count: 40)
        for token in symbols {
            switch token {
            case .literal(let green, let red, let blue):
                histograms[0][Int(green)] += 1
                histograms[1][Int(red)] += 1
                histograms[2][Int(blue)] += 1
            case .copy(let length, let distanceCode):
                histograms[0][256 + prefix(length).code] += 1
                histograms[4][prefix(distanceCode).code] += 1
            }
        }
        histograms[3][255] = 1
        if histograms[4].allSatisfy({ $0 == 0 }) { histograms[4][0] = 1 }
        let codes = histograms.map { writePrefixCode(histogram: $0, into: &writer) }
        for token in symbols {
            switch token {
            case .literal(let green, let red, let blue):
                codes[0].write(Int(green), into: &writer)
                codes[1].write(Int(red), into: &writer)
                codes[2].write(Int(blue), into: &writer)
                codes[3].write(255, into: &writer)
            case .copy(let length, let distanceCode):
                let lengthPrefix = prefix(length)
                codes[0].write(256 + lengthPrefix.code, into: &writer)
                writer.write(UInt32(lengthPrefix.extra), bits: lengthPrefix.extraBits)
                let distancePrefix = prefix(distanceCode)
                codes[4].write(distancePrefix.code, into: &writer)
                writer.write(UInt32(distancePrefix.extra), bits: distancePrefix.extraBits)
            }
        }
        writer.flush()
        return riff(vp8l: writer.bytes, width: image.width, height: image.height, metadata: metadata)
    }

    private enum Token {
        case literal(green: UInt8, red: UInt8, blue: UInt8)
        /// `distanceCode` 1 is the pixel above, 2 the pixel on the left (VP8L's plane codes).
        case copy(length: Int, distanceCode: Int)
    }

    /// Greedy backward references: the longer of a run copying the left pixel or the row above.
    private static func tokens(_ image: RGBImage) -> [Token] {
        let count = image.width * image.height
        var argb = [UInt32](repeating: 0, count: count)
        for index in 0..<count {
            let r = UInt32(image.pixels[index * 3])
            let g = UInt32(image.pixels[index * 3 + 1])
            let b = UInt32(image.pixels[index * 3 + 2])
            argb[index] = r << 16 | g << 8 | b
        }
        var tokens: [Token] = []
        var index = 0
        while index < count {
            var bestLength = 0
            var bestCode = 0
            for (distance, code) in [(1, 2), (image.width, 1)] where index >= distance {
                var length = 0
                while index + length < count, length < 4096, argb[index + length] == argb[index + length - distance] {
                    length += 1
                }
                if length > bestLength {
                    bestLength = length
                    bestCode = code
                }
            }
            if bestLength >= 3 {
                tokens.append(.copy(length: bestLength, distanceCode: bestCode))
                index += bestLength
            } else {
                let pixel = argb[index]
                let green = UInt8((pixel >> 8) & 0xFF)
                tokens.append(
                    .literal(
                        green: green, red: UInt8((pixel >> 16) & 0xFF) &- green, blue: UInt8(pixel & 0xFF) &- green))
                index += 1
            }
        }
        return tokens
    }

    /// VP8L's prefix coding of a value >= 1: a prefix code and extra bits.
    private static func prefix(_ value: Int) -> (code: Int, extraBits: Int, extra: Int) {
        let d = value - 1
        guard d >= 4 else { return (d, 0, 0) }
        var highest = 0
        while (d >> (highest + 1)) != 0 { highest += 1 }
        let second = (d >> (highest - 1)) & 1
        let extraBits = highest - 1
        return (2 * highest + second, extraBits, d & ((1 << extraBits) - 1))
    }

    private static let codeLengthOrder = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]

    /// Writes the prefix code for `histogram` (simple when at most two symbols below 256 are used)
    /// and returns it.
    private static func writePrefixCode(histogram: [Int], into writer: inout LSBBitWriter) -> PrefixCode {
        let used = histogram.indices.filter { histogram[$0] > 0 }
        if used.count <= 2, used.allSatisfy({ $0 < 256 }) {
            writer.write(1, bits: 1)
            writer.write(UInt32(used.count - 1), bits: 1)
            let first = used[0]
            if first < 2 {
                writer.write(0, bits: 1)
                writer.write(UInt32(first), bits: 1)
            } else {
                writer.write(1, bits: 1)
                writer.write(UInt32(first), bits: 8)
            }
            var lengths = [Int](repeating: 0, count: histogram.count)
            if used.count == 2 {
                writer.write(UInt32(used[1]), bits: 8)
                lengths[used[0]] = 1
                lengths[used[1]] = 1
            }
            return PrefixCode(lengths: lengths)
        }
        let lengths = PrefixCode.lengths(for: histogram, limit: 15)
        var runs: [(symbol: Int, extraBits: Int, extra: Int)] = []
        var position = 0
        while position < lengths.count {
            let length = lengths[position]
            var run = 1
            while position + run < lengths.count, lengths[position + run] == length { run += 1 }
            if length == 0, run >= 3 {
                let taken = min(run, 138)
                runs.append(taken >= 11 ? (18, 7, taken - 11) : (17, 3, taken - 3))
                position += taken
            } else {
                runs.append((length, 0, 0))
                position += 1
            }
        }
        var codeLengthHistogram = [Int](repeating: 0, count: 19)
        for run in runs { codeLengthHistogram[run.symbol] += 1 }
        let codeLengthCode = PrefixCode(lengths: PrefixCode.lengths(for: codeLengthHistogram, limit: 7))
        var count = 19
        while count > 4, codeLengthCode.lengths[codeLengthOrder[count - 1]] == 0 { count -= 1 }
        writer.write(0, bits: 1)
        writer.write(UInt32(count - 4), bits: 4)
        for index in 0..<count { writer.write(UInt32(codeLengthCode.lengths[codeLengthOrder[index]]), bits: 3) }
        writer.write(0, bits: 1)  // max_symbol is the alphabet size
        for run in runs {
            codeLengthCode.write(run.symbol, into: &writer)
            writer.write(UInt32(run.extra), bits: run.extraBits)
        }
        return PrefixCode(lengths: lengths)
    }

    private static func riff(vp8l: [UInt8], width: Int, height: Int, metadata: [(key: String, value: String)]) -> Data {
        func littleEndian(_ value: Int) -> [UInt8] {
            [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 24) & 0xFF)]
        }
        func chunk(_ fourCC: String, _ payload: [UInt8]) -> [UInt8] {
            Array(fourCC.utf8) + littleEndian(payload.count) + payload + (payload.count % 2 == 1 ? [0] : [])
        }
        var body = Array("WEBP".utf8)
        if metadata.isEmpty {
            body += chunk("VP8L", vp8l)
        } else {
            let flags: UInt8 = 0x04  // XMP present
            let canvas = littleEndian(width - 1).prefix(3) + littleEndian(height - 1).prefix(3)
            body += chunk("VP8X", [flags, 0, 0, 0] + Array(canvas))
            body += chunk("VP8L", vp8l)
            body += chunk("XMP ", Array(xmp(metadata).utf8))
        }
        return Data(Array("RIFF".utf8) + littleEndian(body.count) + body)
    }

    private static func xmp(_ metadata: [(key: String, value: String)]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        let attributes = metadata.map {
            "sim:\(escape($0.key.replacingOccurrences(of: ":", with: "-")))=\"\(escape($0.value))\""
        }
        return
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            + "<rdf:Description xmlns:sim=\"https://selfiemodelkit.invalid/simulator\" "
            + attributes.joined(separator: " ") + "/></rdf:RDF></x:xmpmeta>"
    }
}

/// A canonical prefix code written least-significant bit first (codes reversed, as in deflate).
private struct PrefixCode {
    let lengths: [Int]
    private var codes: [UInt32]
    /// A code with one used symbol takes no bits (VP8L decoders special-case it).
    private let isSingleSymbol: Bool

    init(lengths: [Int]) {
        self.lengths = lengths
        self.isSingleSymbol = lengths.filter { $0 > 0 }.count <= 1
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { counts[length] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1..<16 {
            code = (code + counts[bits - 1]) << 1
            next[bits] = code
        }
        var codes = [UInt32](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            var value = next[length]
            next[length] += 1
            var reversed = 0
            for _ in 0..<length {
                reversed = reversed << 1 | (value & 1)
                value >>= 1
            }
            codes[symbol] = UInt32(reversed)
        }
        self.codes = codes
    }

    func write(_ symbol: Int, into writer: inout LSBBitWriter) {
        guard !isSingleSymbol else { return }
        writer.write(codes[symbol], bits: lengths[symbol])
    }

    /// Huffman code lengths for `histogram`, at most `limit` bits: counts are halved until the
    /// tree fits, which keeps every code complete. A lone used symbol gets length 1.
    static func lengths(for histogram: [Int], limit: Int) -> [Int] {
        var counts = histogram
        while true {
            let lengths = huffmanLengths(counts)
            if (lengths.max() ?? 0) <= limit { return lengths }
            counts = counts.map { $0 == 0 ? 0 : max(1, $0 / 2) }
        }
    }

    private static func huffmanLengths(_ counts: [Int]) -> [Int] {
        var lengths = [Int](repeating: 0, count: counts.count)
        let used = counts.indices.filter { counts[$0] > 0 }
        guard used.count > 1 else {
            if let only = used.first { lengths[only] = 1 }
            return lengths
        }
        var weights: [Int] = used.map { counts[$0] }
        var parents = [Int](repeating: -1, count: used.count)
        var queue = Array(0..<used.count).sorted { (weights[$0], $0) < (weights[$1], $1) }
        while queue.count > 1 {
            let a = queue.removeFirst()
            let b = queue.removeFirst()
            let node = weights.count
            weights.append(weights[a] + weights[b])
            parents.append(-1)
            parents[a] = node
            parents[b] = node
            let insertAt = queue.firstIndex { (weights[$0], $0) > (weights[node], node) } ?? queue.count
            queue.insert(node, at: insertAt)
        }
        for (leaf, symbol) in used.enumerated() {
            var depth = 0
            var node = leaf
            while parents[node] >= 0 {
                depth += 1
                node = parents[node]
            }
            lengths[symbol] = depth
        }
        return lengths
    }
}

/// Writes bits least-significant first.
private struct LSBBitWriter {
    var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    mutating func write(_ value: UInt32, bits: Int) {
        guard bits > 0 else { return }
        buffer |= UInt64(value & UInt32(truncatingIfNeeded: (1 << UInt64(bits)) - 1)) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    mutating func flush() {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        count = 0
    }
}
