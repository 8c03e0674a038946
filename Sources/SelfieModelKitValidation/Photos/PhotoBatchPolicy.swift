import Foundation

/// How many selfies a training takes, and how a batch of inspected uploads becomes the kept set.
///
/// ```swift
/// let inspections = uploads.map { inspector.inspect($0.bytes, fileName: $0.name) }
/// let batch = PhotoBatchPolicy.evaluate(inspections, alreadyKept: storedSHA256s) { bytes in
///     SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()   // swift-crypto
/// }
/// for kept in batch.kept { … store kept.photo.data, record kept.sha256 … }
/// for refusal in batch.refusals { … show refusal.userMessage … }
/// ```
///
/// The digest is supplied by the caller: this module has no crypto dependency, and the key must be the
/// same SHA-256 that `PhotoRecord.sha256` stores, so a new upload can be compared with photos already kept.
public enum PhotoBatchPolicy: Sendable {
    /// The fewest kept photos a training may start with.
    public static let minimumToStartTraining = 10
    /// The number of photos that trains best: enough variety, little repetition.
    public static let recommendedRange = 10...20
    /// The most photos kept for one user's training; later uploads are refused with `photo.batch-full`.
    public static let maximumKept = 30

    /// Applies the batch rules to `inspections` (in upload order).
    ///
    /// Refused photos stay refused. An accepted photo is refused as ``PhotoRefusal/Reason/duplicate`` when
    /// the digest of its cleaned bytes equals that of an earlier photo of the batch or one of `alreadyKept`
    /// (cleaning is idempotent, so the same picture with other metadata is a duplicate too), and as
    /// ``PhotoRefusal/Reason/batchFull`` once ``maximumKept`` photos are kept. The good photos of the batch
    /// are kept whatever happened to the others.
    ///
    /// - Parameters:
    ///   - inspections: the inspector's results for this upload batch.
    ///   - alreadyKept: the SHA-256 of each photo the user already has (as `PhotoRecord.sha256`); their
    ///     number counts towards ``maximumKept``.
    ///   - sha256: computes the lowercase hex SHA-256 of a photo's cleaned bytes.
    public static func evaluate(
        _ inspections: [PhotoInspection], alreadyKept: Set<String> = [], sha256: (Data) -> String
    ) -> PhotoBatchResult {
        var seen = alreadyKept
        var results: [PhotoInspection] = []
        var kept: [PhotoBatchResult.KeptPhoto] = []
        for inspection in inspections {
            guard let photo = inspection.photo else {
                results.append(inspection)
                continue
            }
            let digest = sha256(photo.data)
            if seen.contains(digest) {
                results.append(.refused(duplicate(photo, digest: digest)))
            } else if alreadyKept.count + kept.count >= maximumKept {
                results.append(.refused(batchFull(photo)))
            } else {
                seen.insert(digest)
                kept.append(PhotoBatchResult.KeptPhoto(photo: photo, sha256: digest))
                results.append(inspection)
            }
        }
        return PhotoBatchResult(results: results, kept: kept, keptCount: alreadyKept.count + kept.count)
    }

    /// Throws `.notEnoughPhotos` unless `keptCount` photos are enough to start a training.
    public static func requireEnoughToStartTraining(keptCount: Int) throws(SelfieModelKitError) {
        guard keptCount < minimumToStartTraining else { return }
        let missing = minimumToStartTraining - keptCount
        throw SelfieModelKitError(
            .notEnoughPhotos, rule: "photos.not-enough",
            userMessage: "Add \(missing) more \(missing == 1 ? "photo" : "photos") to start training: at least "
                + "\(minimumToStartTraining) are needed, and \(recommendedRange.lowerBound)–"
                + "\(recommendedRange.upperBound) varied selfies work best.",
            detail: "\(keptCount) kept photos < \(minimumToStartTraining)")
    }

    private static func duplicate(_ photo: InspectedPhoto, digest: String) -> PhotoRefusal {
        PhotoRefusal(
            fileName: photo.fileName, reason: .duplicate,
            userMessage: "You already added this exact photo. Choose a different selfie: variety in angle, "
                + "light and background trains a better model.",
            detail: "sha256 \(digest) already kept", format: photo.format, width: photo.width,
            height: photo.height)
    }

    private static func batchFull(_ photo: InspectedPhoto) -> PhotoRefusal {
        PhotoRefusal(
            fileName: photo.fileName, reason: .batchFull,
            userMessage: "You already have \(maximumKept) photos, the most one training uses. "
                + "Remove one first if you would like to use this photo instead.",
            detail: "\(maximumKept) photos already kept", format: photo.format, width: photo.width,
            height: photo.height)
    }
}

/// The outcome of ``PhotoBatchPolicy/evaluate(_:alreadyKept:sha256:)``.
public struct PhotoBatchResult: Sendable, Hashable {
    /// A photo to store, with the SHA-256 of its cleaned bytes (for `PhotoRecord.sha256`).
    public struct KeptPhoto: Sendable, Hashable {
        /// The accepted, cleaned photo.
        public let photo: InspectedPhoto
        /// The lowercase hex SHA-256 of ``InspectedPhoto/data``, as computed by the caller's function.
        public let sha256: String
    }

    /// One result per upload, in upload order; duplicates and photos over the limit are refusals here.
    public let results: [PhotoInspection]
    /// The photos to store, in upload order.
    public let kept: [KeptPhoto]
    /// Photos kept once these are stored: the ones already kept plus ``kept``.
    public let keptCount: Int

    /// The refusals of this batch, in upload order.
    public var refusals: [PhotoRefusal] { results.compactMap(\.refusal) }

    /// Whether ``keptCount`` photos are enough to start a training.
    public var canStartTraining: Bool { keptCount >= PhotoBatchPolicy.minimumToStartTraining }

    /// How many more photos must be added before a training can start (0 when it can).
    public var photosStillNeeded: Int { max(0, PhotoBatchPolicy.minimumToStartTraining - keptCount) }

    /// A sentence for the user about the whole set.
    public var summary: String {
        let range = PhotoBatchPolicy.recommendedRange
        if !canStartTraining {
            let needed = photosStillNeeded
            return "You have \(keptCount) \(keptCount == 1 ? "photo" : "photos"). Add \(needed) more to start "
                + "training; \(range.lowerBound)–\(range.upperBound) varied selfies work best."
        }
        if range.contains(keptCount) {
            return "You have \(keptCount) photos: ready to train."
        }
        return "You have \(keptCount) photos: ready to train. \(range.lowerBound)–\(range.upperBound) varied "
            + "selfies usually work best; up to \(PhotoBatchPolicy.maximumKept) are kept."
    }
}
