/// How many selfies a training takes, and how a batch of inspected uploads becomes the kept set.
///
/// ```swift
/// let inspections = uploads.map { inspector.inspect($0.bytes, fileName: $0.name) }
/// let batch = PhotoBatchPolicy.evaluate(inspections, alreadyKept: storedSHA256s)
/// for photo in batch.accepted { … store photo.data … }
/// for refusal in batch.refusals { … show refusal.userMessage … }
/// ```
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
    /// its ``InspectedPhoto/sha256`` equals an earlier photo of the batch or one of `alreadyKept`, and as
    /// ``PhotoRefusal/Reason/batchFull`` once ``maximumKept`` photos are kept. The good photos of the batch
    /// are kept whatever happened to the others.
    ///
    /// - Parameters:
    ///   - inspections: the inspector's results for this upload batch.
    ///   - alreadyKept: the SHA-256 (lowercase hex, as `PhotoRecord.sha256`) of each photo the user
    ///     already has; their number counts towards ``maximumKept``.
    public static func evaluate(_ inspections: [PhotoInspection], alreadyKept: Set<String> = []) -> PhotoBatchResult {
        var seen = alreadyKept
        var kept = alreadyKept.count
        var results: [PhotoInspection] = []
        var accepted: [InspectedPhoto] = []
        for inspection in inspections {
            guard let photo = inspection.photo else {
                results.append(inspection)
                continue
            }
            if seen.contains(photo.sha256) {
                results.append(.refused(duplicate(photo)))
            } else if kept >= maximumKept {
                results.append(.refused(batchFull(photo)))
            } else {
                seen.insert(photo.sha256)
                kept += 1
                accepted.append(photo)
                results.append(inspection)
            }
        }
        return PhotoBatchResult(results: results, accepted: accepted, keptCount: kept)
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

    private static func duplicate(_ photo: InspectedPhoto) -> PhotoRefusal {
        PhotoRefusal(
            fileName: photo.fileName, reason: .duplicate,
            userMessage: "You already added this exact photo. Choose a different selfie: variety in angle, "
                + "light and background trains a better model.",
            detail: "sha256 \(photo.sha256) already kept", format: photo.format, width: photo.width,
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

/// The outcome of ``PhotoBatchPolicy/evaluate(_:alreadyKept:)``.
public struct PhotoBatchResult: Sendable, Hashable {
    /// One result per upload, in upload order; duplicates and photos over the limit are refusals here.
    public let results: [PhotoInspection]
    /// The photos to store, in upload order.
    public let accepted: [InspectedPhoto]
    /// Photos kept once these are stored: the ones already kept plus ``accepted``.
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
