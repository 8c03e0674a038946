import Foundation
import SelfieModelKitValidation
import Testing

@Suite("WebP inspection")
struct WebPInspectionTests {
    let inspector = PhotoInspector()

    @Test("dimensions from VP8, VP8L and VP8X")
    func dimensions() throws {
        let files: [(bytes: [UInt8], width: Int, height: Int)] = [
            (WebPFixture.riff([WebPFixture.vp8(width: 1200, height: 1600)]), 1200, 1600),
            (WebPFixture.riff([WebPFixture.vp8l(width: 900, height: 700)]), 900, 700),
            (
                WebPFixture.riff([
                    WebPFixture.vp8x(flags: 0x10, width: 2000, height: 3000), WebPFixture.alpha,
                    WebPFixture.vp8(width: 2000, height: 3000),
                ]), 2000, 3000
            ),
        ]
        for file in files {
            let photo = try inspector.accept(Data(file.bytes), fileName: "x.webp")
            #expect(photo.format == .webp)
            #expect(photo.contentType == "image/webp")
            #expect((photo.width, photo.height) == (file.width, file.height))
            #expect(photo.data == Data(file.bytes))  // nothing to strip: the bytes are unchanged
        }
    }

    @Test("EXIF, XMP and ICCP chunks are stripped, VP8X flags cleared and the RIFF size fixed")
    func stripsMetadata() throws {
        let original = Data(
            WebPFixture.riff([
                WebPFixture.vp8x(flags: 0x20 | 0x10 | 0x08 | 0x04, width: 1024, height: 1024), WebPFixture.icc,
                WebPFixture.alpha, WebPFixture.vp8(width: 1024, height: 1024),
                WebPFixture.exif(orientation: nil, gps: true), WebPFixture.xmp,
            ]))
        #expect(WebPFixture.layout(original).chunks == ["VP8X", "ICCP", "ALPH", "VP8 ", "EXIF", "XMP "])

        let photo = try inspector.accept(original, fileName: "x.webp")
        let layout = WebPFixture.layout(photo.data)
        #expect(layout.chunks == ["VP8X", "ALPH", "VP8 "])
        #expect(layout.flags == 0x10)
        #expect(WebPFixture.riffSize(photo.data) == photo.data.count - 8)
        #expect(photo.stripped.map(\.name) == ["ICCP", "EXIF", "XMP"])
        #expect(!photo.data.containsBytes(Array("GPS".utf8)))
        #expect(try inspector.accept(photo.data, fileName: "x.webp").data == photo.data)
    }

    @Test("the orientation survives as a minimal EXIF chunk, with the EXIF flag set")
    func orientationKept() throws {
        let original = Data(
            WebPFixture.riff([
                WebPFixture.vp8x(flags: 0x08 | 0x04, width: 800, height: 600), WebPFixture.vp8(width: 800, height: 600),
                WebPFixture.exif(orientation: 6, gps: true), WebPFixture.xmp,
            ]))
        let photo = try inspector.accept(original, fileName: "x.webp")
        #expect(photo.orientation == .right)
        let layout = WebPFixture.layout(photo.data)
        #expect(layout.chunks == ["VP8X", "VP8 ", "EXIF"])
        #expect(layout.flags == 0x08)
        #expect(!photo.data.containsBytes(Array("GPS".utf8)))
        #expect(WebPFixture.riffSize(photo.data) == photo.data.count - 8)
        #expect(try inspector.accept(photo.data, fileName: "x.webp").orientation == .right)
    }

    @Test("a simple-format file with a stray EXIF chunk gains a VP8X to carry the orientation")
    func synthesisedVP8X() throws {
        let original = Data(
            WebPFixture.riff([WebPFixture.vp8l(width: 640, height: 960, alpha: true), WebPFixture.exif(orientation: 8)])
        )
        let photo = try inspector.accept(original, fileName: "x.webp")
        let layout = WebPFixture.layout(photo.data)
        #expect(layout.chunks == ["VP8X", "VP8L", "EXIF"])
        #expect(layout.flags == 0x18)  // alpha and EXIF
        let reread = try PhotoInspector.readHeader(photo.data)
        #expect((reread.format, reread.width, reread.height) == (.webp, 640, 960))
    }
}
