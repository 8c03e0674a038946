import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("Malicious selfies through addSelfies")
struct SelfieIntakeTests {
    @Test(
        "lies, bombs and metadata: refused with a reason, or stored without GPS; good photos kept",
        arguments: StoreFactory.all)
    func maliciousSelfies(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try studio.user("mal1")

        let gpsJPEG = Data(PhotoFixtures.jpeg(metadata: [PhotoFixtures.exifWithGPS()]))
        let hugeExif = Data(
            PhotoFixtures.jpeg(metadata: (0..<16).map { PhotoFixtures.hugeExif(fill: UInt8(0x40 + $0)) }))
        let whole = PhotoFixtures.jpeg(width: 800, height: 1000)
        let uploads = [
            SelfieUpload(data: Data("I am definitely a photo. Trust me.\n".utf8), fileName: "selfie.jpg"),
            SelfieUpload(data: Data(whole.prefix(whole.count - 6)), fileName: "truncated.jpg"),
            SelfieUpload(data: Data(PhotoFixtures.pngHeader(width: 20000, height: 20000)), fileName: "bomb.png"),
            SelfieUpload(data: gpsJPEG, fileName: "holiday.jpg"),
            SelfieUpload(data: hugeExif, fileName: "huge-exif.jpg"),
        ]
        let good = SyntheticSelfies.make(count: 10, seed: 5).map { SelfieUpload(data: $0.png, fileName: $0.filename) }
        let intake = try await studio.training.addSelfies(uploads + good, for: user)

        #expect(intake.results.count == 15)
        let reasons = intake.results.prefix(3).map { $0.refusal?.reason }
        #expect(reasons == [.notAPhoto, .truncated, .tooManyPixels])
        for result in intake.results.prefix(3) {
            #expect(result.refusal?.userMessage.isEmpty == false)
            #expect(result.photo == nil)
        }
        #expect(intake.results[2].refusal?.width == 20000)
        #expect(intake.results.suffix(12).allSatisfy { $0.refusal == nil })
        #expect(intake.stored.count == 12)
        #expect(intake.totalKept == 12)
        #expect(await studio.images.keys(of: user.id).count == 12)

        // The GPS-tagged JPEG: the copy in the image store carries no GPS, no camera make, only orientation.
        let gpsInspection = try #require(intake.results[3].photo)
        let gpsRecord = try #require(intake.stored.first { $0.sha256 == Hex.sha256(gpsInspection.data) })
        #expect(gpsRecord.contentType == "image/jpeg")
        let storedGPS = try #require(await studio.images.get(gpsRecord.storageKey))
        #expect(storedGPS.count == gpsRecord.byteCount)
        #expect(Hex.sha256(storedGPS) == gpsRecord.sha256)
        #expect(!storedGPS.containsBytes(Array("GPS".utf8)))
        #expect(!storedGPS.containsBytes(PhotoFixtures.le16(0x8825)))
        #expect(!storedGPS.containsBytes(Array("Cam\0".utf8)))
        #expect(!storedGPS.containsBytes(PhotoFixtures.le32(48) + PhotoFixtures.le32(1) + PhotoFixtures.le32(51)))
        #expect(storedGPS.prefix(2) == Data([0xFF, 0xD8]) && storedGPS.suffix(2) == Data([0xFF, 0xD9]))
        #expect(storedGPS.suffix(PhotoFixtures.scanData.count + 2) == Data(PhotoFixtures.scanData + PhotoFixtures.eoi))
        #expect(gpsInspection.orientation == .right)
        #expect(!gpsInspection.stripped.isEmpty)

        // The huge EXIF block (16 × 64 KB) is stripped, not stored.
        let hugeInspection = try #require(intake.results[4].photo)
        let hugeRecord = try #require(intake.stored.first { $0.sha256 == Hex.sha256(hugeInspection.data) })
        let storedHuge = try #require(await studio.images.get(hugeRecord.storageKey))
        #expect(hugeExif.count > 16 * 65_000)
        #expect(storedHuge.count < 2000)
        for fill in 0..<16 { #expect(!storedHuge.containsBytes([UInt8](repeating: UInt8(0x40 + fill), count: 64))) }

        // Nothing of the refused files was stored, and every stored copy matches its record.
        for record in intake.stored {
            let bytes = try #require(await studio.images.get(record.storageKey))
            #expect(Hex.sha256(bytes) == record.sha256)
            #expect(record.userID == user.id)
        }
        #expect(intake.canStartTraining)
    }
}
