/// A photo format the inspector recognises by its magic bytes (never by the file name).
///
/// JPEG, PNG and WebP selfies can be accepted. HEIC/HEIF is recognised, measured and validated, then
/// refused with its own reason: the trainer only reads `.jpg`, `.png` and `.webp` files, and converting
/// HEIC would mean decoding pixels (see `Docs/decisions/0100-photo-orientation.md`).
public enum PhotoFormat: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// JPEG (JFIF or Exif), starting `FF D8 FF`.
    case jpeg
    /// PNG, starting with the 8-byte PNG signature.
    case png
    /// WebP: a RIFF container of type `WEBP`.
    case webp
    /// HEIC/HEIF: an ISO base media file whose `ftyp` box names a HEIF brand.
    case heic

    /// The MIME type of the format, such as `image/jpeg`.
    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .heic: "image/heic"
        }
    }

    /// The file extension a stored copy should carry (the trainer picks images by extension).
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .heic: "heic"
        }
    }

    /// A name for people: `JPEG`, `PNG`, `WebP`, `HEIC`.
    public var description: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .webp: "WebP"
        case .heic: "HEIC"
        }
    }
}

/// What the first bytes of a file say it is.
enum SniffedFormat: Equatable {
    /// A format the inspector parses.
    case known(PhotoFormat)
    /// A real image format that selfies may not use (GIF, BMP, TIFF, AVIF, …), named for the message.
    case unsupported(String)
    /// Nothing recognisable: text, an archive, random bytes.
    case unknown

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// HEIF brands for HEVC-coded still images and their generic structural brands.
    static let heifBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]
    static let avifBrands: Set<String> = ["avif", "avis"]

    init(_ data: PhotoBytes) {
        if data.matches([0xFF, 0xD8, 0xFF]) {
            self = .known(.jpeg)
        } else if data.matches(Self.pngSignature) {
            self = .known(.png)
        } else if data.matches(Array("RIFF".utf8)) && data.matches(Array("WEBP".utf8), at: 8) {
            self = .known(.webp)
        } else if data.matches(Array("ftyp".utf8), at: 4) {
            self = Self.sniffISOBMFF(data)
        } else if data.matches(Array("GIF87a".utf8)) || data.matches(Array("GIF89a".utf8)) {
            self = .unsupported("GIF")
        } else if data.matches(Array("BM".utf8)) && data.count > 26 {
            self = .unsupported("BMP")
        } else if data.matches([0x49, 0x49, 0x2A, 0x00]) || data.matches([0x4D, 0x4D, 0x00, 0x2A]) {
            self = .unsupported("TIFF")
        } else {
            self = .unknown
        }
    }

    /// Reads the `ftyp` brands: AVIF is checked first because AVIF files also carry `mif1`.
    private static func sniffISOBMFF(_ data: PhotoBytes) -> SniffedFormat {
        guard let size = data.u32be(0), size >= 16, data.contains(0, length: size) else { return .unknown }
        var brands: Set<String> = []
        if let major = data.fourCC(8) { brands.insert(major) }
        for offset in stride(from: 16, to: size - 3, by: 4) {
            if let brand = data.fourCC(offset) { brands.insert(brand) }
        }
        if !brands.isDisjoint(with: avifBrands) { return .unsupported("AVIF") }
        if !brands.isDisjoint(with: heifBrands) { return .known(.heic) }
        return .unknown
    }
}
