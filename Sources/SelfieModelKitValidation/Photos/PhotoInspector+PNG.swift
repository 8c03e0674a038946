/// PNG: validates every chunk (length, type, CRC-32), reads IHDR, and rebuilds the file from the chunks
/// that describe pixels, dropping text, EXIF, time and every unknown ancillary chunk.
enum PNGFile {
    struct Chunk {
        var type: String
        var start: Int
        var length: Int
        var dataStart: Int { start + 8 }
        var end: Int { start + 12 + length }
    }

    /// Critical chunks, and ancillary chunks that only affect how pixels are decoded or shown.
    /// Everything else (tEXt, zTXt, iTXt, eXIf, tIME, iCCP, sPLT, private chunks) is stripped.
    private static let keptChunks: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "cICP", "sBIT", "pHYs", "bKGD",
        "mDCv", "cLLi",
    ]
    private static let animationChunks: Set<String> = ["acTL", "fcTL", "fdAT"]

    static func dimensions(_ data: PhotoBytes) throws(PhotoProblem) -> (width: Int, height: Int) {
        let header = try chunk(at: SniffedFormat.pngSignature.count, data)
        guard header.type == "IHDR", header.length == 13 else { throw .corrupt(.png, "the first chunk is not IHDR") }
        guard let width = data.u32be(header.dataStart), let height = data.u32be(header.dataStart + 4),
            width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max)
        else { throw .corrupt(.png, "IHDR declares impossible dimensions") }
        return (width, height)
    }

    static func clean(_ data: PhotoBytes) throws(PhotoProblem) -> CleanedPhoto {
        let (width, height) = try dimensions(data)
        var chunks: [Chunk] = []
        var position = SniffedFormat.pngSignature.count
        while true {
            guard position < data.count else { throw .truncated(.png, "no IEND chunk before the end of the file") }
            let next = try chunk(at: position, data)
            chunks.append(next)
            position = next.end
            if next.type == "IEND" { break }
        }
        try validateOrder(chunks)
        var stripped: [StrippedMetadata] = []
        let orientation = firstOrientation(chunks, data)
        var output = SniffedFormat.pngSignature
        output.reserveCapacity(data.count)
        for chunk in chunks {
            if keptChunks.contains(chunk.type) {
                output += data[chunk.start..<chunk.end]
                if chunk.type == "IHDR", let orientation, orientation != .up {
                    output += encodeChunk("eXIf", EXIFOrientation.minimalTIFF(orientation))
                }
                continue
            }
            stripped.append(StrippedMetadata(chunk.type, byteCount: chunk.length + 12))
        }
        if position < data.count {
            stripped.append(StrippedMetadata("trailing bytes", byteCount: data.count - position))
        }
        return CleanedPhoto(
            format: .png, width: width, height: height, bytes: output, orientation: orientation, stripped: stripped)
    }

    /// The orientation of the first eXIf chunk; it is written back right after IHDR (eXIf must precede IDAT).
    private static func firstOrientation(_ chunks: [Chunk], _ data: PhotoBytes) -> PhotoOrientation? {
        guard let exif = chunks.first(where: { $0.type == "eXIf" }) else { return nil }
        return EXIFOrientation.read(data[exif.dataStart..<exif.dataStart + exif.length])
    }

    /// Reads and checks one chunk: its length fits in the file, its type is letters, its CRC matches.
    private static func chunk(at start: Int, _ data: PhotoBytes) throws(PhotoProblem) -> Chunk {
        guard let length = data.u32be(start), let type = data.fourCC(start + 4) else {
            throw .truncated(.png, "file ends inside a chunk header at offset \(start)")
        }
        guard length <= Int(Int32.max) else { throw .corrupt(.png, "chunk \(type) declares length \(length)") }
        guard type.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
            throw .corrupt(.png, "invalid chunk type at offset \(start)")
        }
        let chunk = Chunk(type: type, start: start, length: length)
        guard data.contains(start, length: length + 12) else {
            throw .truncated(.png, "chunk \(type) at \(start) runs \(chunk.end - data.count) bytes past the end")
        }
        let stored = data.u32be(chunk.dataStart + length)
        let computed = CRC32.checksum(data[start + 4..<chunk.dataStart + length])
        guard stored == Int(computed) else { throw .corrupt(.png, "chunk \(type) at \(start) has a bad CRC") }
        return chunk
    }

    private static func validateOrder(_ chunks: [Chunk]) throws(PhotoProblem) {
        if let animation = chunks.first(where: { animationChunks.contains($0.type) }) {
            throw .animated(.png, "APNG chunk \(animation.type)")
        }
        guard let firstData = chunks.firstIndex(where: { $0.type == "IDAT" }) else {
            throw .corrupt(.png, "no IDAT chunk")
        }
        let lastData = chunks.lastIndex(where: { $0.type == "IDAT" }) ?? firstData
        guard chunks[firstData...lastData].allSatisfy({ $0.type == "IDAT" }) else {
            throw .corrupt(.png, "IDAT chunks are not consecutive")
        }
        for chunk in chunks.dropFirst() where chunk.type == "IHDR" {
            throw .corrupt(.png, "a second IHDR at offset \(chunk.start)")
        }
        for chunk in chunks where isCritical(chunk.type) && !keptChunks.contains(chunk.type) {
            throw .corrupt(.png, "unknown critical chunk \(chunk.type)")
        }
        guard chunks.last?.length == 0 else { throw .corrupt(.png, "IEND carries data") }
    }

    /// A chunk whose type starts with an upper-case letter must be understood to decode the image.
    private static func isCritical(_ type: String) -> Bool {
        guard let first = type.utf8.first else { return false }
        return (0x41...0x5A).contains(first)
    }

    /// A chunk with its length and CRC-32.
    static func encodeChunk(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        var chunk: [UInt8] = []
        chunk.appendU32be(payload.count)
        let body = Array(type.utf8) + payload
        chunk += body
        chunk.appendU32be(Int(CRC32.checksum(body)))
        return chunk
    }
}
