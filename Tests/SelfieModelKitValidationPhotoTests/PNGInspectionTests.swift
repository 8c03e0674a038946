import Foundation
import SelfieModelKitValidation
import Testing

@Suite("PNG inspection")
struct PNGInspectionTests {
    let inspector = PhotoInspector()

    @Test("dimensions come from IHDR")
    func dimensions() throws {
        let photo = try inspector.accept(Data(PNGFixture.png(width: 2048, height: 1536)), fileName: "x.png")
        #expect(photo.format == .png)
        #expect(photo.contentType == "image/png")
        #expect((photo.width, photo.height) == (2048, 1536))
    }

    @Test("text, EXIF and time chunks are stripped; pixel chunks are kept")
    func stripsMetadata() throws {
        let original = Data(
            PNGFixture.png(
                beforeData: [
                    PNGFixture.gamma, PNGFixture.text, PNGFixture.exif(orientation: nil, gps: true),
                    PNGFixture.physical,
                ],
                afterData: [PNGFixture.compressedText, PNGFixture.internationalText, PNGFixture.time]))
        #expect(
            PNGFixture.chunkTypes(original) == [
                "IHDR", "gAMA", "tEXt", "eXIf", "pHYs", "IDAT", "zTXt", "iTXt", "tIME", "IEND",
            ])

        let photo = try inspector.accept(original, fileName: "x.png")
        #expect(PNGFixture.chunkTypes(photo.data) == ["IHDR", "gAMA", "pHYs", "IDAT", "IEND"])
        #expect(photo.stripped.map(\.name) == ["tEXt", "eXIf", "zTXt", "iTXt", "tIME"])
        #expect(photo.data == Data(PNGFixture.png(beforeData: [PNGFixture.gamma, PNGFixture.physical])))
        #expect(!photo.data.containsBytes(Array("GPS".utf8)))
    }

    @Test("the orientation survives as a minimal eXIf chunk with a valid CRC, right after IHDR")
    func orientationKept() throws {
        let original = Data(PNGFixture.png(beforeData: [PNGFixture.exif(orientation: 3, gps: true)]))
        let photo = try inspector.accept(original, fileName: "x.png")
        #expect(photo.orientation == .down)
        #expect(PNGFixture.chunkTypes(photo.data) == ["IHDR", "eXIf", "IDAT", "IEND"])
        #expect(!photo.data.containsBytes(Array("GPS".utf8)))
        let again = try inspector.accept(photo.data, fileName: "x.png")  // the new chunk's CRC is checked here
        #expect(again.data == photo.data)
        #expect(again.orientation == .down)
    }

    @Test("unknown ancillary chunks are dropped, bytes after IEND too")
    func unknownAncillaryAndTrailer() throws {
        let original = Data(PNGFixture.png(beforeData: [PNGFixture.chunk("prVt", [1, 2, 3])]) + [0xDE, 0xAD])
        let photo = try inspector.accept(original, fileName: "x.png")
        #expect(photo.stripped.map(\.name) == ["prVt", "trailing bytes"])
        #expect(photo.data == Data(PNGFixture.png()))
    }
}
