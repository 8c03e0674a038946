import Foundation
import SelfieModelKitValidation
import Testing

@Suite("JPEG inspection")
struct JPEGInspectionTests {
    let inspector = PhotoInspector()

    @Test("dimensions come from the frame header, baseline and progressive")
    func dimensions() throws {
        for marker: UInt8 in [0xC0, 0xC2] {
            let bytes = JPEGFixture.jpeg(width: 3024, height: 4032, metadata: [JPEGFixture.jfif], frameMarker: marker)
            let photo = try inspector.accept(Data(bytes), fileName: "IMG_0001.JPG")
            #expect(photo.format == .jpeg)
            #expect(photo.contentType == "image/jpeg")
            #expect((photo.width, photo.height) == (3024, 4032))
        }
    }

    @Test("APPn and COM segments are stripped; tables, frame and scan are kept byte for byte")
    func stripsMetadata() throws {
        let metadata = [
            JPEGFixture.jfif, JPEGFixture.exif(orientation: nil, gps: false), JPEGFixture.xmp,
            JPEGFixture.iccProfile, JPEGFixture.photoshopIPTC, JPEGFixture.comment, JPEGFixture.adobe,
        ]
        let original = Data(JPEGFixture.jpeg(metadata: metadata))
        #expect(
            JPEGFixture.markers(original) == ["E0", "E1", "E1", "E2", "ED", "FE", "EE"] + JPEGFixture.decodingMarkers
                + ["D9"])

        let photo = try inspector.accept(original, fileName: "a.jpg")
        #expect(JPEGFixture.markers(photo.data) == ["EE"] + JPEGFixture.decodingMarkers + ["D9"])
        #expect(
            photo.stripped.map(\.name) == [
                "APP0 JFIF", "APP1 Exif", "APP1 XMP", "APP2 ICC_PROFILE", "APP13 Photoshop 3.0", "COM",
            ])
        #expect(photo.stripped.map(\.byteCount) == metadata.dropLast().map(\.count))
        let expected = Data(JPEGFixture.jpeg(metadata: [JPEGFixture.adobe]))
        #expect(photo.data == expected)
        #expect(photo.orientation == nil)
        #expect(photo.originalByteCount == original.count)
    }

    @Test("a GPS-tagged JPEG keeps its orientation and loses every trace of GPS")
    func gpsRemovedOrientationKept() throws {
        let original = Data(JPEGFixture.jpeg(metadata: [JPEGFixture.exif(orientation: 6, gps: true), JPEGFixture.xmp]))
        #expect(original.containsBytes(Array("GPS".utf8)))
        #expect(original.containsBytes([0x25, 0x88]))  // GPS IFD pointer tag, little-endian

        let photo = try inspector.accept(original, fileName: "holiday.jpg")
        #expect(photo.orientation == .right)
        #expect(!photo.data.containsBytes(Array("GPS".utf8)))
        #expect(!photo.data.containsBytes([0x25, 0x88]))
        #expect(!photo.data.containsBytes([0x88, 0x25]))
        #expect(!photo.data.containsBytes(Array("Cam".utf8)))  // Make is gone too
        #expect(JPEGFixture.markers(photo.data) == ["E1"] + JPEGFixture.decodingMarkers + ["D9"])

        let exif = try #require(JPEGFixture.payload(of: 0xE1, in: photo.data))
        let minimal: [UInt8] =
            Array("Exif".utf8) + [0, 0] + Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1]
            + [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0] + [0, 0, 0, 0]
        #expect(exif == minimal)
    }

    @Test("cleaning is idempotent: a cleaned photo inspects to the same bytes")
    func idempotent() throws {
        let original = Data(JPEGFixture.jpeg(metadata: [JPEGFixture.exif(orientation: 8, gps: true)]))
        let first = try inspector.accept(original, fileName: "a.jpg")
        let second = try inspector.accept(first.data, fileName: "a.jpg")
        #expect(second.data == first.data)
        #expect(second.orientation == .left)
    }

    @Test("an upright orientation is not written back")
    func uprightNotWritten() throws {
        let photo = try inspector.accept(
            Data(JPEGFixture.jpeg(metadata: [JPEGFixture.exif(orientation: 1, gps: true)])), fileName: "a.jpg")
        #expect(photo.orientation == .up)
        #expect(JPEGFixture.markers(photo.data) == JPEGFixture.decodingMarkers + ["D9"])
    }

    @Test("a huge EXIF block (60 KB APP1 segments, 50 of them) is stripped")
    func hugeExif() throws {
        let blob = JPEGFixture.segment(0xE1, Array("Exif".utf8) + [0, 0] + [UInt8](repeating: 0x47, count: 60_000))
        let original = Data(JPEGFixture.jpeg(metadata: Array(repeating: blob, count: 50)))
        #expect(original.count > 3_000_000)
        let photo = try inspector.accept(original, fileName: "huge.jpg")
        #expect(photo.stripped.count == 50)
        #expect(photo.stripped.allSatisfy { $0.name == "APP1 Exif" && $0.byteCount == blob.count })
        #expect(photo.data == Data(JPEGFixture.jpeg()))
        #expect(photo.orientation == nil)
    }

    @Test("bytes after EOI (such as a second embedded image with its own EXIF) are dropped")
    func trailingBytes() throws {
        let embedded = JPEGFixture.jpeg(metadata: [JPEGFixture.exif(orientation: 3, gps: true)])
        let original = Data(JPEGFixture.jpeg(metadata: [JPEGFixture.comment], trailer: embedded))
        let photo = try inspector.accept(original, fileName: "mpf.jpg")
        #expect(photo.stripped.map(\.name) == ["COM", "trailing bytes"])
        #expect(photo.stripped.last?.byteCount == embedded.count)
        #expect(photo.data == Data(JPEGFixture.jpeg()))
        #expect(!photo.data.containsBytes(Array("GPS".utf8)))
    }
}
