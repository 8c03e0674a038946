import Foundation

/// The outcome of inspecting one uploaded photo: accepted (cleaned) or refused (with a reason).
public enum PhotoInspection: Sendable, Hashable {
    /// The photo passed every check; its bytes were cleaned of metadata.
    case accepted(InspectedPhoto)
    /// The photo was refused; the refusal says why and what to do next.
    case refused(PhotoRefusal)

    /// The file name the photo was uploaded with.
    public var fileName: String {
        switch self {
        case .accepted(let photo): photo.fileName
        case .refused(let refusal): refusal.fileName
        }
    }

    /// The accepted photo, or `nil` when refused.
    public var photo: InspectedPhoto? {
        if case .accepted(let photo) = self { return photo }
        return nil
    }

    /// The refusal, or `nil` when accepted.
    public var refusal: PhotoRefusal? {
        if case .refused(let refusal) = self { return refusal }
        return nil
    }
}

/// A selfie that passed inspection: a supported format, big enough, not too big, structurally whole,
/// with its metadata stripped.
///
/// Only ``PhotoInspector`` creates values of this type, so holding one proves the checks ran.
public struct InspectedPhoto: Sendable, Hashable {
    /// The file name the photo was uploaded with (informational only).
    public let fileName: String
    /// The format, from the magic bytes.
    public let format: PhotoFormat
    /// Pixel width as stored in the header (before any orientation is applied).
    public let width: Int
    /// Pixel height as stored in the header (before any orientation is applied).
    public let height: Int
    /// The cleaned bytes: the original's image data, without its metadata. Store these, never the original.
    public let data: Data
    /// The orientation carried over from the original's EXIF data, when it had one.
    ///
    /// Values other than ``PhotoOrientation/up`` are written back into ``data`` as a minimal EXIF block
    /// that holds only this tag.
    public let orientation: PhotoOrientation?
    /// What was removed from the original, in file order.
    public let stripped: [StrippedMetadata]
    /// The size of the upload before cleaning.
    public let originalByteCount: Int

    /// The MIME type of ``data``, such as `image/jpeg`.
    public var contentType: String { format.contentType }

    /// The pixel count, `width × height`.
    public var pixelCount: Int { width * height }

    init(
        fileName: String, format: PhotoFormat, width: Int, height: Int, data: Data,
        orientation: PhotoOrientation?, stripped: [StrippedMetadata], originalByteCount: Int
    ) {
        self.fileName = fileName
        self.format = format
        self.width = width
        self.height = height
        self.data = data
        self.orientation = orientation
        self.stripped = stripped
        self.originalByteCount = originalByteCount
    }
}

/// One piece of metadata removed from a photo: a JPEG segment, a PNG chunk, a WebP chunk, trailing bytes.
public struct StrippedMetadata: Sendable, Hashable, CustomStringConvertible {
    /// What it was, such as `"APP1 Exif"`, `"APP1 XMP"`, `"COM"`, `"tEXt"`, `"EXIF"`, `"trailing bytes"`.
    public let name: String
    /// Its size in the original file, headers included.
    public let byteCount: Int

    init(_ name: String, byteCount: Int) {
        self.name = name
        self.byteCount = byteCount
    }

    public var description: String { "\(name) (\(byteCount) bytes)" }
}

/// The EXIF orientation (TIFF tag 0x0112): how the stored pixels must be turned to display upright.
public enum PhotoOrientation: Int, Sendable, Hashable, Codable, CaseIterable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left to right.
    case upMirrored = 2
    /// 3: turned 180°.
    case down = 3
    /// 4: mirrored top to bottom.
    case downMirrored = 4
    /// 5: mirrored along the top-left to bottom-right diagonal.
    case leftMirrored = 5
    /// 6: displayed after turning 90° clockwise (a portrait photo from a phone held upright).
    case right = 6
    /// 7: mirrored along the top-right to bottom-left diagonal.
    case rightMirrored = 7
    /// 8: displayed after turning 90° counter-clockwise.
    case left = 8

    /// Whether displaying the photo swaps its width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }
}

/// The size rules a selfie must meet. ``standard`` holds the product's rules.
public struct PhotoLimits: Sendable, Hashable {
    /// The smallest allowed short side, in pixels.
    public var minimumShortSide: Int
    /// The largest allowed pixel count (width × height).
    public var maximumPixelCount: Int
    /// The largest allowed upload, in bytes.
    public var maximumByteCount: Int

    /// Creates limits; every value must be positive.
    public init(minimumShortSide: Int, maximumPixelCount: Int, maximumByteCount: Int) {
        precondition(minimumShortSide > 0 && maximumPixelCount > 0 && maximumByteCount > 0, "limits must be positive")
        self.minimumShortSide = minimumShortSide
        self.maximumPixelCount = maximumPixelCount
        self.maximumByteCount = maximumByteCount
    }

    /// The product's rules: at least 512 px on the short side, at most 40 megapixels (40,000,000 pixels),
    /// at most 15 MB (15 × 1024 × 1024 bytes).
    public static let standard = PhotoLimits(
        minimumShortSide: 512, maximumPixelCount: 40_000_000, maximumByteCount: 15 * 1024 * 1024)
}
