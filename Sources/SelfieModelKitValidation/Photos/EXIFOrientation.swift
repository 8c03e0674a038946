/// Reads the orientation tag out of EXIF (TIFF) data and writes a minimal EXIF block holding only it.
///
/// Only IFD0 is read and only tag 0x0112; everything else in the original EXIF (GPS, camera serials,
/// dates, thumbnails) is dropped with the block it came in.
enum EXIFOrientation {
    /// The `Exif\0\0` prefix of a JPEG APP1 Exif segment (and of some WebP EXIF chunks).
    static let exifPrefix: [UInt8] = Array("Exif".utf8) + [0, 0]

    private static let orientationTag = 0x0112
    private static let shortType = 3

    /// The orientation in TIFF data (optionally starting with `Exif\0\0`), or `nil` when absent or invalid.
    ///
    /// Malformed EXIF never refuses a photo: it is being thrown away anyway, only the orientation is lost.
    static func read(_ payload: ArraySlice<UInt8>) -> PhotoOrientation? {
        var tiff = PhotoBytes(Array(payload))
        if tiff.matches(exifPrefix) { tiff = PhotoBytes(Array(tiff.bytes.dropFirst(exifPrefix.count))) }
        let bigEndian: Bool
        if tiff.matches(Array("MM".utf8)) {
            bigEndian = true
        } else if tiff.matches(Array("II".utf8)) {
            bigEndian = false
        } else {
            return nil
        }
        let u16 = { (offset: Int) -> Int? in bigEndian ? tiff.u16be(offset) : tiff.u16le(offset) }
        let u32 = { (offset: Int) -> Int? in bigEndian ? tiff.u32be(offset) : tiff.u32le(offset) }
        guard u16(2) == 42, let ifd = u32(4), let entryCount = u16(ifd) else { return nil }
        for entry in 0..<entryCount {
            let base = ifd + 2 + entry * 12
            guard let tag = u16(base), let type = u16(base + 2), let count = u32(base + 4) else { return nil }
            if tag == orientationTag {
                guard type == shortType, count == 1, let value = u16(base + 8) else { return nil }
                return PhotoOrientation(rawValue: value)
            }
        }
        return nil
    }

    /// A big-endian TIFF structure with one IFD holding only the orientation (26 bytes).
    static func minimalTIFF(_ orientation: PhotoOrientation) -> [UInt8] {
        var tiff: [UInt8] = Array("MM".utf8)
        tiff.appendU16be(42)
        tiff.appendU32be(8)  // IFD0 starts right after the header
        tiff.appendU16be(1)  // one entry
        tiff.appendU16be(orientationTag)
        tiff.appendU16be(shortType)
        tiff.appendU32be(1)
        tiff.appendU16be(orientation.rawValue)
        tiff.appendU16be(0)  // padding of the 4-byte value field
        tiff.appendU32be(0)  // no next IFD
        return tiff
    }
}
