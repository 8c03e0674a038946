/// JPEG: walks the marker segments (skipping entropy-coded scan data), reads the frame header (SOFn)
/// and rebuilds the file without APPn (except Adobe APP14), COM segments and bytes after EOI.
enum JPEGFile {
    struct Segment {
        /// The marker byte (`0xE1` for APP1).
        var marker: UInt8
        /// Offset of the segment's `0xFF`.
        var start: Int
        /// Offset just after the segment (for SOS, after its entropy-coded data).
        var end: Int
        /// Offset of the payload (after the marker and the length field).
        var payloadStart: Int { start + 4 }
    }

    struct Layout {
        var segments: [Segment] = []
        var width = 0
        var height = 0
        var hasFrame = false
        var hasScan = false
        /// Offset just after EOI.
        var end = 0
    }

    /// Frame headers of the DCT processes the trainer's decoder reads: baseline, extended, progressive
    /// (Huffman or arithmetic coding).
    private static let decodableFrames: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC9, 0xCA]
    /// Lossless and hierarchical frame headers.
    private static let otherFrames: Set<UInt8> = [0xC3, 0xC5, 0xC6, 0xC7, 0xCB, 0xCD, 0xCE, 0xCF]
    /// Segments that carry image data or decoding tables: DHT, DAC, DNL, DQT, DRI, DHP, EXP, SOS, RSTn.
    private static let decodingSegments: Set<UInt8> = Set([0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF])
        .union(0xD0...0xD7).union(decodableFrames)

    static func dimensions(_ data: PhotoBytes) throws(PhotoProblem) -> (width: Int, height: Int) {
        let layout = try walk(data, stopAtFrame: true)
        return (layout.width, layout.height)
    }

    static func clean(_ data: PhotoBytes) throws(PhotoProblem) -> CleanedPhoto {
        let layout = try walk(data, stopAtFrame: false)
        var stripped: [StrippedMetadata] = []
        var kept: [UInt8] = []
        kept.reserveCapacity(data.count)
        var orientation: PhotoOrientation?
        for segment in layout.segments where segment.marker != 0xD8 && segment.marker != 0xD9 {
            let bytes = data[segment.start..<segment.end]
            if decodingSegments.contains(segment.marker) || isAdobeTransform(segment, data) {
                kept.append(contentsOf: bytes)
                continue
            }
            let name = segmentName(segment, data)
            if orientation == nil, segment.marker == 0xE1,
                data.matches(EXIFOrientation.exifPrefix, at: segment.payloadStart)
            {
                orientation = EXIFOrientation.read(data[segment.payloadStart..<segment.end])
            }
            stripped.append(StrippedMetadata(name, byteCount: bytes.count))
        }
        if layout.end < data.count {
            stripped.append(StrippedMetadata("trailing bytes", byteCount: data.count - layout.end))
        }
        var output: [UInt8] = [0xFF, 0xD8]
        if let orientation, orientation != .up {
            let payload = EXIFOrientation.exifPrefix + EXIFOrientation.minimalTIFF(orientation)
            output += [0xFF, 0xE1]
            output.appendU16be(payload.count + 2)
            output += payload
        }
        output += kept
        output += [0xFF, 0xD9]
        return CleanedPhoto(
            format: .jpeg, width: layout.width, height: layout.height, bytes: output, orientation: orientation,
            stripped: stripped)
    }

    /// Walks the marker segments from SOI to EOI, validating every length against the file's end.
    static func walk(_ data: PhotoBytes, stopAtFrame: Bool) throws(PhotoProblem) -> Layout {
        var layout = Layout()
        layout.segments.append(Segment(marker: 0xD8, start: 0, end: 2))
        var position = 2
        while true {
            guard position < data.count else { throw .truncated(.jpeg, "no EOI marker before the end of the file") }
            guard data.bytes[position] == 0xFF else {
                throw .corrupt(.jpeg, "expected a marker at offset \(position)")
            }
            var start = position
            while data.u8(start + 1) == 0xFF { start += 1 }  // fill bytes
            guard let marker = data.u8(start + 1) else { throw .truncated(.jpeg, "file ends inside a marker") }
            switch marker {
            case 0xD9:
                guard layout.hasFrame, layout.hasScan else { throw .corrupt(.jpeg, "EOI before any image data") }
                layout.segments.append(Segment(marker: marker, start: start, end: start + 2))
                layout.end = start + 2
                return layout
            case 0xD8, 0x00:
                throw .corrupt(.jpeg, "unexpected marker 0x\(hex(marker)) at offset \(start)")
            case 0x01, 0xD0...0xD7:
                layout.segments.append(Segment(marker: marker, start: start, end: start + 2))
                position = start + 2
                continue
            default:
                break
            }
            guard let length = data.u16be(start + 2) else { throw .truncated(.jpeg, "file ends inside a segment") }
            guard length >= 2 else { throw .corrupt(.jpeg, "segment 0x\(hex(marker)) has length \(length)") }
            var end = start + 2 + length
            guard end <= data.count else {
                throw .truncated(
                    .jpeg, "segment 0x\(hex(marker)) at \(start) runs \(end - data.count) bytes past the end")
            }
            if decodableFrames.contains(marker) || otherFrames.contains(marker) {
                try readFrame(marker: marker, at: start, length: length, data, into: &layout)
                if stopAtFrame { return layout }
            } else if marker == 0xDA {
                guard layout.hasFrame else { throw .corrupt(.jpeg, "scan before the frame header") }
                layout.hasScan = true
                end = try endOfEntropyData(from: end, data)
            }
            layout.segments.append(Segment(marker: marker, start: start, end: end))
            position = end
        }
    }

    private static func readFrame(
        marker: UInt8, at start: Int, length: Int, _ data: PhotoBytes, into layout: inout Layout
    ) throws(PhotoProblem) {
        guard otherFrames.contains(marker) == false else {
            throw PhotoProblem.unsupported("Lossless or hierarchical JPEG")
        }
        guard !layout.hasFrame else { throw .corrupt(.jpeg, "a second frame header at offset \(start)") }
        guard length >= 8, let height = data.u16be(start + 5), let width = data.u16be(start + 7),
            let components = data.u8(start + 9), length >= 8 + 3 * Int(components)
        else { throw .corrupt(.jpeg, "frame header too short") }
        guard width > 0, height > 0 else {
            throw .corrupt(.jpeg, "frame header declares \(width)x\(height) (DNL-defined heights are not accepted)")
        }
        layout.hasFrame = true
        layout.width = width
        layout.height = height
    }

    /// The offset of the first marker after entropy-coded data (skipping stuffed `FF 00` and RSTn).
    ///
    /// This loop visits every byte of the image data, so it reads through a raw pointer.
    private static func endOfEntropyData(from start: Int, _ data: PhotoBytes) throws(PhotoProblem) -> Int {
        let found = data.bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            var index = start
            while index + 1 < buffer.count {
                guard base[index] == 0xFF else {
                    index += 1
                    continue
                }
                let next = base[index + 1]
                if next == 0x00 || (next >= 0xD0 && next <= 0xD7) {
                    index += 2
                } else if next == 0xFF {
                    index += 1
                } else {
                    return index
                }
            }
            return nil
        }
        guard let found else {
            throw .truncated(.jpeg, "scan data runs to the end of the file without an EOI marker")
        }
        return found
    }

    /// Adobe APP14 carries the colour transform flag that CMYK/YCCK decoding depends on, and nothing personal.
    private static func isAdobeTransform(_ segment: Segment, _ data: PhotoBytes) -> Bool {
        segment.marker == 0xEE && segment.end - segment.start == 16
            && data.matches(Array("Adobe".utf8), at: segment.payloadStart)
    }

    private static func segmentName(_ segment: Segment, _ data: PhotoBytes) -> String {
        switch segment.marker {
        case 0xFE:
            return "COM"
        case 0xE0...0xEF:
            let label = "APP\(segment.marker - 0xE0)"
            let identifier = data[segment.payloadStart..<min(segment.end, segment.payloadStart + 40)]
                .prefix { $0 != 0 && (0x20...0x7E).contains($0) }
            let text = String(decoding: identifier, as: UTF8.self)
            if text.hasPrefix("http://ns.adobe.com/xap/") || text.hasPrefix("http://ns.adobe.com/xmp/") {
                return "\(label) XMP"
            }
            return text.isEmpty ? label : "\(label) \(text)"
        default:
            return "marker 0x\(hex(segment.marker))"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0" + text : text
    }
}
