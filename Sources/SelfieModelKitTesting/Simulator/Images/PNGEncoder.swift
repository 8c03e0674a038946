import Foundation
import SelfieModelKit

/// An 8-bit RGB raster.
public struct RGBImage: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Row-major RGB bytes, `width * height * 3` of them.
    public var pixels: [UInt8]

    /// A raster filled with `color`.
    public init(width: Int, height: Int, color: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in stride(from: 0, to: pixels.count, by: 3) {
            pixels[index] = color.0
            pixels[index + 1] = color.1
            pixels[index + 2] = color.2
        }
        self.pixels = pixels
    }
}

/// A minimal PNG encoder: 8-bit truecolour, no interlace, `tEXt` chunks for provenance.
public enum PNGEncoder: Sendable {
    /// The PNG file signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `image` with `text` as `tEXt` chunks (Latin-1 keywords of 1 to 79 characters).
    public static func encode(_ image: RGBImage, text: [(keyword: String, value: String)] = []) -> Data {
        var out = signature
        var header = [UInt8]()
        header.append(contentsOf: bigEndian(UInt32(image.width)))
        header.append(contentsOf: bigEndian(UInt32(image.height)))
        header.append(contentsOf: [8, 2, 0, 0, 0])
        appendChunk("IHDR", header, to: &out)
        for entry in text {
            let keyword = String(entry.keyword.unicodeScalars.filter { $0.value >= 32 && $0.value < 127 }.prefix(79))
            let value = entry.value.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
            appendChunk("tEXt", Array(keyword.utf8) + [0] + value, to: &out)
        }
        appendChunk("IDAT", ZlibEncoder.compress(filteredScanlines(image)), to: &out)
        appendChunk("IEND", [], to: &out)
        return Data(out)
    }

    /// Scanlines with filter type 2 (Up) on every row but the first (Sub), which turns the repeated
    /// rows of flat synthetic images into runs of zeros.
    private static func filteredScanlines(_ image: RGBImage) -> [UInt8] {
        let stride = image.width * 3
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * image.height)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<image.height {
                let start = row * stride
                if row == 0 {
                    out.append(1)
                    for column in 0..<stride {
                        let left = column >= 3 ? pixels[start + column - 3] : 0
                        out.append(pixels[start + column] &- left)
                    }
                } else {
                    out.append(2)
                    for column in 0..<stride {
                        out.append(pixels[start + column] &- pixels[start + column - stride])
                    }
                }
            }
        }
        return out
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: bigEndian(UInt32(data.count)))
        let typeBytes = Array(type.utf8)
        out.append(contentsOf: typeBytes)
        out.append(contentsOf: data)
        let crc = CRC32.checksum(data, continuing: CRC32.checksum(typeBytes))
        out.append(contentsOf: bigEndian(crc))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
