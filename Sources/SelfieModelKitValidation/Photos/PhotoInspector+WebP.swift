/// WebP: validates the RIFF container and its chunks, reads the canvas (VP8X) or bitstream (VP8, VP8L)
/// size, and rebuilds the file without EXIF, XMP, ICCP and unknown chunks, with VP8X flags and the RIFF
/// size fixed to match.
enum WebPFile {
    struct Chunk {
        var fourCC: String
        var start: Int
        var size: Int
        var payloadStart: Int { start + 8 }
        var end: Int { start + 8 + size + (size & 1) }
    }

    private static let keptChunks: Set<String> = ["VP8X", "ALPH", "VP8 ", "VP8L"]
    private static let iccFlag: UInt8 = 0x20
    private static let alphaFlag: UInt8 = 0x10
    private static let exifFlag: UInt8 = 0x08
    private static let xmpFlag: UInt8 = 0x04
    private static let animationFlag: UInt8 = 0x02

    static func dimensions(_ data: PhotoBytes) throws(PhotoProblem) -> (width: Int, height: Int) {
        let first = try chunk(at: 12, data)
        switch first.fourCC {
        case "VP8X": return try canvas(first, data)
        case "VP8 ", "VP8L": return try bitstreamDimensions(first, data)
        default: throw .corrupt(.webp, "the first chunk is \(first.fourCC), not VP8, VP8L or VP8X")
        }
    }

    static func clean(_ data: PhotoBytes) throws(PhotoProblem) -> CleanedPhoto {
        guard let riffSize = data.u32le(4) else { throw .truncated(.webp, "no RIFF size") }
        guard riffSize + 8 <= data.count else {
            throw .truncated(.webp, "RIFF size \(riffSize) runs \(riffSize + 8 - data.count) bytes past the end")
        }
        guard riffSize + 8 == data.count else {
            throw .corrupt(.webp, "RIFF size \(riffSize) does not match the file size \(data.count)")
        }
        var chunks: [Chunk] = []
        var position = 12
        while position < data.count {
            let next = try chunk(at: position, data)
            chunks.append(next)
            position = next.end
        }
        let (width, height) = try dimensions(data)
        let extended = chunks.first?.fourCC == "VP8X"
        let flags = extended ? data.bytes[chunks[0].payloadStart] : 0
        if flags & animationFlag != 0 || chunks.contains(where: { $0.fourCC == "ANIM" || $0.fourCC == "ANMF" }) {
            throw .animated(.webp, "animation flag or ANIM/ANMF chunks")
        }
        let images = chunks.filter { $0.fourCC == "VP8 " || $0.fourCC == "VP8L" }
        guard images.count == 1, let image = images.first else {
            throw .corrupt(.webp, "\(images.count) image bitstreams (expected exactly one)")
        }
        let bitstream = try bitstreamDimensions(image, data)
        guard bitstream == (width, height) else {
            throw .corrupt(.webp, "bitstream is \(bitstream.width)x\(bitstream.height), canvas \(width)x\(height)")
        }
        if !extended, chunks.contains(where: { $0.fourCC == "ALPH" }) {
            throw .corrupt(.webp, "ALPH chunk without VP8X")
        }

        let orientation = chunks.first { $0.fourCC == "EXIF" }
            .flatMap { EXIFOrientation.read(data[$0.payloadStart..<$0.payloadStart + $0.size]) }
        let writesOrientation = orientation.map { $0 != .up } ?? false
        var stripped: [StrippedMetadata] = []
        var body: [UInt8] = []
        body.reserveCapacity(data.count)
        if !extended, writesOrientation {
            let alpha = image.fourCC == "VP8L" && (data.u32le(image.payloadStart + 1) ?? 0) & (1 << 28) != 0
            body += encodeChunk(
                "VP8X", vp8xPayload(flags: exifFlag | (alpha ? alphaFlag : 0), width: width, height: height))
        }
        for chunk in chunks {
            guard keptChunks.contains(chunk.fourCC) else {
                stripped.append(StrippedMetadata(chunk.fourCC.trimmingSpaces, byteCount: chunk.end - chunk.start))
                continue
            }
            if chunk.fourCC == "VP8X" {
                var newFlags = flags & ~(iccFlag | exifFlag | xmpFlag)
                if writesOrientation { newFlags |= exifFlag }
                body += encodeChunk("VP8X", vp8xPayload(flags: newFlags, width: width, height: height))
            } else {
                body += data[chunk.start..<chunk.end]
            }
        }
        if let orientation, writesOrientation {
            body += encodeChunk("EXIF", EXIFOrientation.minimalTIFF(orientation))
        }
        var output: [UInt8] = Array("RIFF".utf8)
        output.appendU32le(body.count + 4)
        output += Array("WEBP".utf8)
        output += body
        return CleanedPhoto(
            format: .webp, width: width, height: height, bytes: output, orientation: orientation, stripped: stripped)
    }

    private static func chunk(at start: Int, _ data: PhotoBytes) throws(PhotoProblem) -> Chunk {
        guard let fourCC = data.fourCC(start), let size = data.u32le(start + 4) else {
            throw .truncated(.webp, "file ends inside a chunk header at offset \(start)")
        }
        let chunk = Chunk(fourCC: fourCC, start: start, size: size)
        guard chunk.end <= data.count else {
            throw .truncated(.webp, "chunk \(fourCC) at \(start) runs \(chunk.end - data.count) bytes past the end")
        }
        return chunk
    }

    private static func canvas(_ chunk: Chunk, _ data: PhotoBytes) throws(PhotoProblem) -> (width: Int, height: Int) {
        guard chunk.size >= 10, let width = data.u24le(chunk.payloadStart + 4),
            let height = data.u24le(chunk.payloadStart + 7)
        else { throw .corrupt(.webp, "VP8X chunk too short") }
        return (width + 1, height + 1)
    }

    private static func bitstreamDimensions(
        _ chunk: Chunk, _ data: PhotoBytes
    ) throws(PhotoProblem) -> (width: Int, height: Int) {
        let start = chunk.payloadStart
        if chunk.fourCC == "VP8L" {
            guard chunk.size >= 5, data.u8(start) == 0x2F, let bits = data.u32le(start + 1) else {
                throw .corrupt(.webp, "VP8L header missing its signature")
            }
            guard bits >> 29 == 0 else { throw .corrupt(.webp, "VP8L version \(bits >> 29)") }
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        guard chunk.size >= 10, let tag = data.u8(start), data.matches([0x9D, 0x01, 0x2A], at: start + 3),
            let width = data.u16le(start + 6), let height = data.u16le(start + 8)
        else { throw .corrupt(.webp, "VP8 frame header missing its start code") }
        guard tag & 1 == 0 else { throw .corrupt(.webp, "VP8 frame is not a key frame") }
        let size = (width & 0x3FFF, height & 0x3FFF)
        guard size.0 > 0, size.1 > 0 else { throw .corrupt(.webp, "VP8 frame declares a zero dimension") }
        return size
    }

    private static func vp8xPayload(flags: UInt8, width: Int, height: Int) -> [UInt8] {
        var payload: [UInt8] = [flags, 0, 0, 0]
        for value in [width - 1, height - 1] {
            payload += [
                UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                UInt8(truncatingIfNeeded: value >> 16),
            ]
        }
        return payload
    }

    /// A RIFF chunk: four-character code, little-endian size, payload, a pad byte when the size is odd.
    static func encodeChunk(_ fourCC: String, _ payload: [UInt8]) -> [UInt8] {
        var chunk: [UInt8] = Array(fourCC.utf8)
        chunk.appendU32le(payload.count)
        chunk += payload
        if payload.count & 1 == 1 { chunk.append(0) }
        return chunk
    }
}

extension String {
    /// `"XMP "` becomes `"XMP"`: RIFF codes are space-padded to four characters.
    fileprivate var trimmingSpaces: String {
        String(self.reversed().drop { $0 == " " }.reversed())
    }
}
