import Foundation
import SelfieModelKitValidation
import Testing

@Suite("HEIC inspection")
struct HEICInspectionTests {
    let inspector = PhotoInspector()

    @Test("a valid HEIC is measured from the primary item's ispe, then refused with export advice")
    func refusedWithDimensions() throws {
        let refusal = try #require(inspector.inspect(Data(HEIFFixture.heic()), fileName: "IMG_1234.HEIC").refusal)
        #expect(refusal.reason == .heicNotSupported)
        #expect(refusal.error.code == .invalidPhoto)
        #expect(refusal.error.rule == "photo.heic-not-supported")
        #expect(refusal.format == .heic)
        #expect(refusal.width == 4032)
        #expect(refusal.height == 3024)
        #expect(refusal.userMessage.contains("JPEG"))
    }

    @Test("the primary item wins over a larger item; without pitm the largest ispe is used")
    func primaryOrLargest() throws {
        let primaryIsSmall = HEIFFixture.heic(thumbnail: (5000, 4000), image: (1000, 800), primary: 2)
        let header = try PhotoInspector.readHeader(Data(primaryIsSmall))
        #expect((header.format, header.width, header.height) == (.heic, 1000, 800))

        let noPrimary = HEIFFixture.heic(thumbnail: (320, 240), image: (1000, 800), primary: nil)
        let largest = try PhotoInspector.readHeader(Data(noPrimary))
        #expect((largest.width, largest.height) == (1000, 800))
    }

    @Test("brands decide the format: heic and mif1 are HEIF, avif is refused as unsupported")
    func brands() throws {
        let mif1 = HEIFFixture.heic(ftypBox: HEIFFixture.ftyp(major: "mif1", compatible: ["mif1", "miaf"]))
        #expect(try PhotoInspector.readHeader(Data(mif1)).format == .heic)

        let avif = HEIFFixture.heic(ftypBox: HEIFFixture.ftyp(major: "avif", compatible: ["mif1", "avif"]))
        #expect(inspector.inspect(Data(avif), fileName: "a.avif").refusal?.reason == .unsupportedFormat)

        let video = HEIFFixture.heic(ftypBox: HEIFFixture.ftyp(major: "isom", compatible: ["isom", "mp41"]))
        #expect(inspector.inspect(Data(video), fileName: "clip.heic").refusal?.reason == .notAPhoto)
    }

    @Test("a box running past the end of the file is truncation; past its parent, corruption")
    func boxSizes() throws {
        let whole = HEIFFixture.heic()
        let cut = Data(whole.dropLast(10))
        #expect(inspector.inspect(cut, fileName: "x.heic").refusal?.reason == .truncated)

        var overlong = whole
        let metaStart = HEIFFixture.ftyp().count
        let iprpOffset = try #require(indexOf("iprp", in: overlong)) - 4
        // Grow iprp by 4 bytes: it now runs past meta's end while staying inside the file.
        let size = overlong[iprpOffset..<iprpOffset + 4].reduce(0) { $0 << 8 | Int($1) } + 4
        overlong.replaceSubrange(iprpOffset..<iprpOffset + 4, with: PNGFixture.be32(size))
        #expect(metaStart < iprpOffset)
        #expect(inspector.inspect(Data(overlong), fileName: "x.heic").refusal?.reason == .corrupt)
    }

    private func indexOf(_ type: String, in bytes: [UInt8]) -> Int? {
        let pattern = Array(type.utf8)
        return (0...(bytes.count - pattern.count)).first { bytes[$0..<$0 + pattern.count].elementsEqual(pattern) }
    }
}
