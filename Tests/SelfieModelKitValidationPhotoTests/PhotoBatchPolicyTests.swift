import Foundation
import SelfieModelKitValidation
import Testing

@Suite("Photo batch policy")
struct PhotoBatchPolicyTests {
    let inspector = PhotoInspector()

    /// The policy needs an exact-duplicate key of the cleaned bytes; hosts pass SHA-256, and any injective
    /// function shows the policy's behaviour, so the tests use the bytes in base 64.
    private static func key(_ data: Data) -> String { data.base64EncodedString() }

    private func evaluate(_ inspections: [PhotoInspection], alreadyKept: Set<String> = []) -> PhotoBatchResult {
        PhotoBatchPolicy.evaluate(inspections, alreadyKept: alreadyKept, sha256: Self.key)
    }

    /// A distinct accepted JPEG per index (the size differs, so the bytes differ).
    private func photo(_ index: Int) -> PhotoInspection {
        inspector.inspect(Data(JPEGFixture.jpeg(width: 1000 + index, height: 800)), fileName: "p\(index).jpg")
    }

    @Test("the policy's numbers")
    func constants() {
        #expect(PhotoBatchPolicy.minimumToStartTraining == 10)
        #expect(PhotoBatchPolicy.recommendedRange == 10...20)
        #expect(PhotoBatchPolicy.maximumKept == 30)
    }

    @Test("good photos are kept even when others in the batch are refused")
    func keepsGoodPhotos() {
        let inputs = [photo(1), inspector.inspect(Data("nope".utf8), fileName: "x.jpg"), photo(2)]
        let batch = evaluate(inputs)
        #expect(batch.kept.map(\.photo.fileName) == ["p1.jpg", "p2.jpg"])
        #expect(batch.results.map(\.fileName) == ["p1.jpg", "x.jpg", "p2.jpg"])
        #expect(batch.refusals.map(\.reason) == [.notAPhoto])
        #expect(batch.keptCount == 2)
        #expect(!batch.canStartTraining)
        #expect(batch.photosStillNeeded == 8)
        #expect(batch.summary.contains("Add 8 more"))
    }

    @Test("exact duplicates within the batch and of already kept photos are refused")
    func duplicates() throws {
        let first = photo(1)
        let sameBytesOtherName = inspector.inspect(
            Data(JPEGFixture.jpeg(width: 1001, height: 800)), fileName: "copy.jpg")
        // The same picture with different metadata cleans to the same bytes, so it is a duplicate too.
        let sameAfterCleaning = inspector.inspect(
            Data(JPEGFixture.jpeg(width: 1001, height: 800, metadata: [JPEGFixture.comment])), fileName: "edited.jpg")
        let kept = Self.key(try #require(photo(7).photo).data)

        let batch = evaluate(
            [first, sameBytesOtherName, sameAfterCleaning, photo(7)], alreadyKept: [kept])
        #expect(batch.kept.map(\.photo.fileName) == ["p1.jpg"])
        #expect(batch.results.map { $0.refusal?.reason } == [nil, .duplicate, .duplicate, .duplicate])
        #expect(batch.results[1].refusal?.error.rule == "photo.duplicate")
        #expect(batch.keptCount == 2)
        #expect(batch.kept.map(\.sha256) == [Self.key(try #require(first.photo).data)])
    }

    @Test("at most 30 photos are kept; later ones are refused as batch-full")
    func maximum() {
        let batch = evaluate((1...33).map(photo))
        #expect(batch.kept.count == 30)
        #expect(batch.refusals.map(\.reason) == [.batchFull, .batchFull, .batchFull])
        #expect(batch.refusals.map(\.fileName) == ["p31.jpg", "p32.jpg", "p33.jpg"])

        let existing = Set((100..<128).compactMap { photo($0).photo.map { Self.key($0.data) } })
        let topUp = evaluate((1...5).map(photo), alreadyKept: existing)
        #expect(topUp.kept.count == 2)
        #expect(topUp.keptCount == 30)
        #expect(topUp.summary.contains("up to 30"))
    }

    @Test("ten photos are enough to start; nine are not")
    func startThreshold() throws {
        let ten = evaluate((1...10).map(photo))
        #expect(ten.canStartTraining)
        #expect(ten.photosStillNeeded == 0)
        #expect(ten.summary == "You have 10 photos: ready to train.")
        try PhotoBatchPolicy.requireEnoughToStartTraining(keptCount: 10)

        #expect(throws: SelfieModelKitError.self) { try PhotoBatchPolicy.requireEnoughToStartTraining(keptCount: 9) }
        do {
            try PhotoBatchPolicy.requireEnoughToStartTraining(keptCount: 9)
        } catch {
            #expect(error.code == .notEnoughPhotos)
            #expect(error.userMessage.contains("Add 1 more photo"))
        }
    }
}
