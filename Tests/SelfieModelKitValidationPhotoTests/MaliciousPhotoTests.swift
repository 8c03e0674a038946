import Foundation
import SelfieModelKitValidation
import Testing

/// The malicious selfies of the issue, and every other refusal reason.
@Suite("Photo refusals")
struct MaliciousPhotoTests {
    let inspector = PhotoInspector()

    private func reason(_ bytes: [UInt8], _ name: String = "photo.jpg") -> PhotoRefusal.Reason? {
        inspector.inspect(Data(bytes), fileName: name).refusal?.reason
    }

    @Test("a text file named .jpg is not a photo")
    func textNamedJPEG() throws {
        let refusal = try #require(
            inspector.inspect(Data("hello, I am definitely a JPEG\n".utf8), fileName: "selfie.jpg").refusal)
        #expect(refusal.reason == .notAPhoto)
        #expect(refusal.error.code == .invalidPhoto)
        #expect(refusal.error.rule == "photo.not-a-photo")
        #expect(refusal.fileName == "selfie.jpg")
        #expect(refusal.userMessage.contains("JPEG, PNG or WebP"))
        #expect(reason([]) == .notAPhoto)
    }

    @Test("the file name never decides the format")
    func nameIgnored() throws {
        let photo = try inspector.accept(Data(PNGFixture.png()), fileName: "selfie.jpg")
        #expect(photo.format == .png)
    }

    @Test("the throwing API throws the refusal's error")
    func throwingAPI() {
        #expect(throws: SelfieModelKitError.self) { try inspector.accept(Data("text".utf8), fileName: "a.jpg") }
        do {
            _ = try inspector.accept(Data("text".utf8), fileName: "a.jpg")
        } catch {
            #expect(error.code == .invalidPhoto)
            #expect(error.rule == PhotoRefusal.Reason.notAPhoto.rawValue)
        }
    }

    @Test("other image formats are recognised and refused as unsupported")
    func unsupportedFormats() {
        #expect(reason(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 40)) == .unsupportedFormat)
        #expect(reason(Array("BM".utf8) + [UInt8](repeating: 0, count: 40)) == .unsupportedFormat)
        #expect(reason([0x49, 0x49, 0x2A, 0x00] + [UInt8](repeating: 0, count: 40)) == .unsupportedFormat)
        #expect(reason(JPEGFixture.jpeg(frameMarker: 0xC3)) == .unsupportedFormat)  // lossless JPEG
    }

    @Test("truncated JPEGs: cut mid-scan, no EOI, a segment length past the end")
    func truncatedJPEG() {
        let whole = JPEGFixture.jpeg(metadata: [JPEGFixture.exif()])
        #expect(reason(Array(whole.prefix(whole.count - 5))) == .truncated)
        #expect(reason(Array(whole.dropLast(2))) == .truncated)
        let overlong = JPEGFixture.soi + [0xFF, 0xE1, 0xFF, 0xF0] + [UInt8](repeating: 0, count: 100)
        #expect(reason(overlong) == .truncated)
        #expect(reason(JPEGFixture.soi + [0xFF]) == .truncated)
    }

    @Test("corrupt JPEGs: no frame, garbage between segments, zero height")
    func corruptJPEG() {
        #expect(reason(JPEGFixture.soi + JPEGFixture.quantisationTable + JPEGFixture.eoi) == .corrupt)
        #expect(
            reason(JPEGFixture.soi + JPEGFixture.jfif + [0x00, 0x11] + JPEGFixture.jpeg().dropFirst(2)) == .corrupt)
        #expect(reason(JPEGFixture.jpeg(width: 1024, height: 0)) == .corrupt)
        let scanBeforeFrame = JPEGFixture.soi + JPEGFixture.scanHeader + JPEGFixture.scanData + JPEGFixture.eoi
        #expect(reason(scanBeforeFrame) == .corrupt)
    }

    @Test("a 20000×20000 PNG header is refused for its pixel count, from the header alone")
    func hugePNGHeader() throws {
        let headerOnly = PNGFixture.signature + PNGFixture.header(width: 20000, height: 20000)
        let refusal = try #require(inspector.inspect(Data(headerOnly), fileName: "bomb.png").refusal)
        #expect(refusal.reason == .tooManyPixels)
        #expect(refusal.width == 20000)
        #expect(refusal.height == 20000)
        #expect(refusal.userMessage.contains("400 megapixels"))
        #expect(
            reason(PNGFixture.signature + PNGFixture.header(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)) == .tooManyPixels)
    }

    @Test("broken PNGs: bad CRC, missing IEND, truncated chunk, unknown critical chunk, no IDAT")
    func brokenPNG() {
        var badCRC = PNGFixture.png(beforeData: [PNGFixture.text])
        badCRC[badCRC.count - 13] ^= 0xFF  // last byte of the IDAT CRC
        #expect(reason(badCRC) == .corrupt)

        let noEnd = Array(PNGFixture.png().dropLast(PNGFixture.end.count))
        #expect(reason(noEnd) == .truncated)
        #expect(reason(Array(PNGFixture.png().dropLast(PNGFixture.end.count + 3))) == .truncated)
        #expect(reason(PNGFixture.png(beforeData: [PNGFixture.chunk("CgBI", [0, 0, 0, 0])])) == .corrupt)
        let noData = PNGFixture.signature + PNGFixture.header(width: 1024, height: 768) + PNGFixture.end
        #expect(reason(noData) == .corrupt)
        var badHeader = PNGFixture.png()
        badHeader[20] ^= 0x01  // inside IHDR's width
        #expect(reason(badHeader) == .corrupt)
    }

    @Test("broken WebPs: RIFF size mismatch both ways, truncated chunk, no bitstream")
    func brokenWebP() {
        let image = WebPFixture.vp8(width: 1024, height: 1024)
        let good = WebPFixture.riff([image])
        #expect(reason(WebPFixture.riff([image], riffSize: good.count - 8 + 10)) == .truncated)
        #expect(reason(WebPFixture.riff([image], riffSize: good.count - 8 - 2)) == .corrupt)
        #expect(reason(good + [0, 0]) == .corrupt)
        #expect(reason(Array(good.prefix(good.count - 4))) == .truncated)
        let onlyMetadata = WebPFixture.riff([
            WebPFixture.vp8x(flags: 0x08, width: 1024, height: 1024), WebPFixture.exif(),
        ])
        #expect(reason(onlyMetadata) == .corrupt)
        let mismatch = WebPFixture.riff([WebPFixture.vp8x(flags: 0, width: 2048, height: 2048), image])
        #expect(reason(mismatch) == .corrupt)
    }

    @Test("animated images are refused")
    func animated() {
        let apng = PNGFixture.png(beforeData: [PNGFixture.chunk("acTL", [0, 0, 0, 2, 0, 0, 0, 0])])
        #expect(reason(apng) == .animated)
        let animatedWebP = WebPFixture.riff([
            WebPFixture.vp8x(flags: 0x02, width: 1024, height: 1024), WebPFixture.chunk("ANIM", [0, 0, 0, 0, 0, 0]),
            WebPFixture.vp8(width: 1024, height: 1024),
        ])
        #expect(reason(animatedWebP) == .animated)
    }

    @Test("short side: 511 is refused, 512 is accepted")
    func tooSmall() throws {
        let refusal = try #require(
            inspector.inspect(Data(JPEGFixture.jpeg(width: 2000, height: 511)), fileName: "s.jpg").refusal)
        #expect(refusal.reason == .tooSmall)
        #expect(refusal.error.rule == "photo.too-small")
        #expect((refusal.width, refusal.height) == (2000, 511))
        #expect(refusal.userMessage.contains("512"))
        #expect(inspector.inspect(Data(JPEGFixture.jpeg(width: 512, height: 512)), fileName: "s.jpg").photo != nil)
        #expect(reason(WebPFixture.riff([WebPFixture.vp8l(width: 300, height: 4000)])) == .tooSmall)
    }

    @Test("pixel count: exactly 40 megapixels is accepted, one row more is refused")
    func megapixels() {
        #expect(inspector.inspect(Data(PNGFixture.png(width: 8000, height: 5000)), fileName: "p.png").photo != nil)
        #expect(reason(PNGFixture.png(width: 8000, height: 5001)) == .tooManyPixels)
    }

    @Test("file size: over 15 MB is refused before anything else is read")
    func fileTooLarge() throws {
        let limit = PhotoLimits.standard.maximumByteCount
        #expect(limit == 15 * 1024 * 1024)
        let padding = [UInt8](repeating: 0, count: limit + 1 - JPEGFixture.jpeg().count)
        let refusal = try #require(
            inspector.inspect(Data(JPEGFixture.jpeg(trailer: padding)), fileName: "big.jpg").refusal)
        #expect(refusal.reason == .fileTooLarge)
        #expect(refusal.userMessage.contains("15 MB"))
        #expect(reason([UInt8](repeating: 0x41, count: limit + 1), "notes.txt") == .fileTooLarge)

        let atLimit = JPEGFixture.jpeg(trailer: Array(padding.dropLast()))
        #expect(inspector.inspect(Data(atLimit), fileName: "big.jpg").photo?.data == Data(JPEGFixture.jpeg()))
    }

    @Test("every reason has a distinct, stable rule")
    func stableRules() {
        let reasons: [PhotoRefusal.Reason] = [
            .notAPhoto, .unsupportedFormat, .heicNotSupported, .animated, .fileTooLarge, .tooSmall, .tooManyPixels,
            .truncated, .corrupt, .duplicate, .batchFull,
        ]
        #expect(Set(reasons.map(\.rawValue)).count == reasons.count)
        #expect(reasons.allSatisfy { $0.rawValue.hasPrefix("photo.") })
        #expect(PhotoRefusal.Reason.tooSmall.rawValue == "photo.too-small")
    }
}
