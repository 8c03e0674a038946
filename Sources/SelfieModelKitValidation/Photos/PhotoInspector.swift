import Foundation

/// Inspects uploaded selfies: recognises the format by its magic bytes, reads the size from the headers,
/// refuses what cannot train a good model, and strips metadata from what it accepts, all without
/// decoding a single pixel.
///
/// ```swift
/// let inspector = PhotoInspector()
/// switch inspector.inspect(uploadedBytes, fileName: "IMG_0042.jpg") {
/// case .accepted(let photo):
///     try await imageStore.put(photo.data, at: key)       // cleaned bytes, no GPS
/// case .refused(let refusal):
///     show(refusal.userMessage)                             // says what to do next
/// }
/// ```
///
/// Checks, in order (the first failure is reported):
/// 1. size of the upload (``PhotoLimits/maximumByteCount``);
/// 2. format from the magic bytes: JPEG, PNG, WebP (HEIC is recognised and refused after validation);
/// 3. dimensions from the header: short side, pixel count;
/// 4. structure of the whole file: lengths, checksums, end markers;
/// 5. metadata stripping; only the EXIF orientation survives (see ``InspectedPhoto/orientation``).
///
/// The inspector holds no state; it is cheap to create and safe to share.
public struct PhotoInspector: Sendable {
    /// The size rules applied.
    public let limits: PhotoLimits

    /// An inspector applying `limits` (the product's rules by default).
    public init(limits: PhotoLimits = .standard) {
        self.limits = limits
    }

    /// Inspects one upload. The file name is kept for messages and never used to decide the format.
    public func inspect(_ data: Data, fileName: String) -> PhotoInspection {
        do {
            return .accepted(try check(data, fileName: fileName))
        } catch {
            return .refused(error.refusal(fileName: fileName))
        }
    }

    /// Inspects one upload, throwing the refusal's ``PhotoRefusal/error`` (code `.invalidPhoto`).
    public func accept(_ data: Data, fileName: String) throws(SelfieModelKitError) -> InspectedPhoto {
        switch inspect(data, fileName: fileName) {
        case .accepted(let photo): return photo
        case .refused(let refusal): throw refusal.error
        }
    }

    /// The format and stored size of an image, read from its headers only (no limits, no cleaning).
    ///
    /// Useful to check bytes that did not come from a user, such as a generated output expected to be
    /// a 3:4 PNG. HEIC is measured too. Throws `.invalidPhoto` when the bytes are not a readable image header.
    public static func readHeader(_ data: Data) throws(SelfieModelKitError) -> PhotoHeader {
        do {
            let bytes = PhotoBytes([UInt8](data))
            let format = try format(of: bytes)
            let size = try dimensions(of: bytes, format: format)
            return PhotoHeader(format: format, width: size.width, height: size.height)
        } catch {
            throw error.refusal(fileName: "").error
        }
    }

    private func check(_ data: Data, fileName: String) throws(PhotoProblem) -> InspectedPhoto {
        guard data.count <= limits.maximumByteCount else {
            throw PhotoProblem(
                reason: .fileTooLarge, detail: "\(data.count) bytes > \(limits.maximumByteCount)",
                userMessage: "This file is \(Self.megabytes(data.count)) MB, above the "
                    + "\(Self.megabytes(limits.maximumByteCount)) MB limit. Export the photo as a JPEG at a "
                    + "smaller size and upload it again.")
        }
        let bytes = PhotoBytes([UInt8](data))
        let format = try Self.format(of: bytes)
        let size = try Self.dimensions(of: bytes, format: format)
        if format == .heic {
            throw PhotoProblem.heic(width: size.width, height: size.height)
        }
        try checkSize(size, format: format)
        let cleaned: CleanedPhoto
        switch format {
        case .jpeg: cleaned = try JPEGFile.clean(bytes)
        case .png: cleaned = try PNGFile.clean(bytes)
        case .webp: cleaned = try WebPFile.clean(bytes)
        case .heic: throw PhotoProblem.heic(width: size.width, height: size.height)
        }
        return InspectedPhoto(
            fileName: fileName, format: format, width: cleaned.width, height: cleaned.height,
            data: Data(cleaned.bytes), orientation: cleaned.orientation, stripped: cleaned.stripped,
            originalByteCount: data.count)
    }

    private func checkSize(_ size: (width: Int, height: Int), format: PhotoFormat) throws(PhotoProblem) {
        let (width, height) = size
        let pixels = width.multipliedReportingOverflow(by: height)
        if pixels.overflow || pixels.partialValue > limits.maximumPixelCount {
            let megapixels = Double(width) * Double(height) / 1_000_000
            throw PhotoProblem(
                reason: .tooManyPixels,
                detail: "\(width)x\(height) > \(limits.maximumPixelCount) pixels",
                userMessage: "This photo is \(width)×\(height) pixels (\(Self.oneDecimal(megapixels)) megapixels), "
                    + "above the \(Self.oneDecimal(Double(limits.maximumPixelCount) / 1_000_000)) megapixel limit. "
                    + "Export it at a smaller size (for example 4000 pixels on the long side) and upload it again.",
                format: format, width: width, height: height)
        }
        if min(width, height) < limits.minimumShortSide {
            throw PhotoProblem(
                reason: .tooSmall, detail: "\(width)x\(height), short side < \(limits.minimumShortSide)",
                userMessage: "This photo is only \(width)×\(height) pixels; selfies need at least "
                    + "\(limits.minimumShortSide) pixels on the short side. Upload the original photo from your "
                    + "camera, not a screenshot, a thumbnail or a photo saved from a chat.",
                format: format, width: width, height: height)
        }
    }

    private static func format(of bytes: PhotoBytes) throws(PhotoProblem) -> PhotoFormat {
        switch SniffedFormat(bytes) {
        case .known(let format): return format
        case .unsupported(let name): throw PhotoProblem.unsupported(name)
        case .unknown: throw PhotoProblem.notAPhoto
        }
    }

    private static func dimensions(
        of bytes: PhotoBytes, format: PhotoFormat
    ) throws(PhotoProblem) -> (width: Int, height: Int) {
        switch format {
        case .jpeg: try JPEGFile.dimensions(bytes)
        case .png: try PNGFile.dimensions(bytes)
        case .webp: try WebPFile.dimensions(bytes)
        case .heic: try HEIFFile.dimensions(bytes)
        }
    }

    private static func megabytes(_ byteCount: Int) -> String {
        oneDecimal(Double(byteCount) / 1_048_576)
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0
            ? String(Int(tenths / 10)) : String(format: "%.1f", value)
    }
}

/// A format and stored size read from an image's headers by ``PhotoInspector/readHeader(_:)``.
public struct PhotoHeader: Sendable, Hashable {
    /// The format from the magic bytes.
    public let format: PhotoFormat
    /// Stored pixel width.
    public let width: Int
    /// Stored pixel height.
    public let height: Int
}

/// The result of a format's cleaner: the rebuilt bytes and what was removed.
struct CleanedPhoto {
    var format: PhotoFormat
    var width: Int
    var height: Int
    var bytes: [UInt8]
    var orientation: PhotoOrientation?
    var stripped: [StrippedMetadata]
}
