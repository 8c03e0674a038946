/// Why a photo was refused, with a stable reason, a message for the user and whatever was measured.
///
/// ``error`` is a `SelfieModelKitError` with code `SelfieModelKitError/Code/invalidPhoto`, its
/// `rule` equal to ``reason``'s raw value (such as `"photo.too-small"`), so hosts can either show the
/// message or switch over the reason.
public struct PhotoRefusal: Sendable, Hashable, CustomStringConvertible {
    /// The stable reason a photo was refused. New reasons may be added; switch with a default.
    public struct Reason: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The stable dotted form, such as `"photo.too-small"`; it is also the error's `rule`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The bytes are not an image at all (text, an archive…), whatever the file name says.
        public static let notAPhoto = Reason("photo.not-a-photo")
        /// A real image format selfies may not use (GIF, BMP, TIFF, AVIF).
        public static let unsupportedFormat = Reason("photo.unsupported-format")
        /// A HEIC/HEIF photo: valid, but the trainer cannot read it; the user should export a JPEG.
        public static let heicNotSupported = Reason("photo.heic-not-supported")
        /// An animated image (animated WebP, APNG).
        public static let animated = Reason("photo.animated")
        /// The file is larger than ``PhotoLimits/maximumByteCount``.
        public static let fileTooLarge = Reason("photo.file-too-large")
        /// The short side is below ``PhotoLimits/minimumShortSide``.
        public static let tooSmall = Reason("photo.too-small")
        /// More pixels than ``PhotoLimits/maximumPixelCount``.
        public static let tooManyPixels = Reason("photo.too-many-pixels")
        /// The file ends early: no end marker, or a segment, chunk or box runs past the end.
        public static let truncated = Reason("photo.truncated")
        /// The file's structure is broken: a bad checksum, an impossible length, a missing header.
        public static let corrupt = Reason("photo.corrupt")
        /// The same photo (byte for byte, after cleaning) was already accepted.
        public static let duplicate = Reason("photo.duplicate")
        /// ``PhotoBatchPolicy/maximumKept`` photos are already kept.
        public static let batchFull = Reason("photo.batch-full")
    }

    /// The file name the photo was uploaded with (for the host's UI; never used to decide anything).
    public let fileName: String
    /// The stable reason.
    public let reason: Reason
    /// The error to throw or log: code `.invalidPhoto`, `rule` equal to the reason, a user message.
    public let error: SelfieModelKitError
    /// The format recognised from the magic bytes, when there was one.
    public let format: PhotoFormat?
    /// The width read from the header, when it was read.
    public let width: Int?
    /// The height read from the header, when it was read.
    public let height: Int?

    /// A sentence for the user saying what was wrong and what to do next.
    public var userMessage: String { error.userMessage }

    init(
        fileName: String, reason: Reason, userMessage: String, detail: String, format: PhotoFormat? = nil,
        width: Int? = nil, height: Int? = nil
    ) {
        self.fileName = fileName
        self.reason = reason
        self.error = SelfieModelKitError(
            .invalidPhoto, rule: reason.rawValue, userMessage: userMessage, detail: detail)
        self.format = format
        self.width = width
        self.height = height
    }

    public var description: String { "PhotoRefusal(\(reason)): \(userMessage)" }
}

/// A refusal found while parsing, before the file name is attached.
struct PhotoProblem: Error {
    var reason: PhotoRefusal.Reason
    var detail: String
    var userMessage: String
    var format: PhotoFormat?
    var width: Int?
    var height: Int?

    func refusal(fileName: String) -> PhotoRefusal {
        PhotoRefusal(
            fileName: fileName, reason: reason, userMessage: userMessage, detail: detail, format: format,
            width: width, height: height)
    }

    static func truncated(_ format: PhotoFormat, _ detail: String) -> PhotoProblem {
        PhotoProblem(
            reason: .truncated, detail: "\(format): \(detail)",
            userMessage: "This photo file is incomplete; it probably did not finish uploading or copying. "
                + "Upload it again from the original photo.",
            format: format)
    }

    static func corrupt(_ format: PhotoFormat, _ detail: String) -> PhotoProblem {
        PhotoProblem(
            reason: .corrupt, detail: "\(format): \(detail)",
            userMessage: "This photo file is damaged and cannot be used. "
                + "Export it again from your photo app, or choose another photo.",
            format: format)
    }

    static func animated(_ format: PhotoFormat, _ detail: String) -> PhotoProblem {
        PhotoProblem(
            reason: .animated, detail: "\(format): \(detail)",
            userMessage: "Animated images cannot be used for training. Upload a still photo (JPEG, PNG or WebP).",
            format: format)
    }

    static let notAPhoto = PhotoProblem(
        reason: .notAPhoto, detail: "no JPEG, PNG, WebP or HEIC signature in the first bytes",
        userMessage: "This file is not a photo we can read. Upload a JPEG, PNG or WebP selfie.")

    static func unsupported(_ name: String) -> PhotoProblem {
        PhotoProblem(
            reason: .unsupportedFormat, detail: "recognised \(name) signature",
            userMessage: "\(name) images cannot be used for training. "
                + "Save the photo as JPEG, PNG or WebP and upload it again.")
    }

    static func heic(width: Int, height: Int) -> PhotoProblem {
        PhotoProblem(
            reason: .heicNotSupported, detail: "HEIC \(width)x\(height); the trainer reads JPEG, PNG and WebP only",
            userMessage: "HEIC photos (the iPhone default) cannot be used for training yet. "
                + "Share or export the photo as JPEG (or set Settings > Camera > Formats to Most Compatible) "
                + "and upload it again.",
            format: .heic, width: width, height: height)
    }
}
