import Foundation
import SelfieModelKitValidation
import Testing

@Suite("Large photos")
struct LargePhotoTests {
    @Test("a 14 MB JPEG with dense byte stuffing keeps its scan data byte for byte")
    func largeScan() throws {
        var generator = SplitMix64(seed: 7)
        var pattern: [UInt8] = []
        while pattern.count < 65_536 {
            let byte = UInt8(truncatingIfNeeded: generator.next())
            pattern.append(byte)
            if byte == 0xFF { pattern.append(0x00) }
        }
        let scan = [[UInt8]](repeating: pattern, count: 14 * 1024 * 1024 / pattern.count).flatMap { $0 }
        let head =
            JPEGFixture.soi + JPEGFixture.exif() + JPEGFixture.quantisationTable
            + JPEGFixture.frame(width: 4000, height: 3000) + JPEGFixture.huffmanTable + JPEGFixture.scanHeader
        let original = Data(head + scan + JPEGFixture.eoi)
        let photo = try PhotoInspector().accept(original, fileName: "big.jpg")
        #expect(photo.data.count == original.count - JPEGFixture.exif().count + 36)
        #expect(photo.data.suffix(scan.count + 2) == Data(scan + JPEGFixture.eoi))
    }
}
