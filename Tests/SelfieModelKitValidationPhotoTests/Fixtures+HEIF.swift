import Foundation

/// Builds HEIC files from ISO base media boxes: ftyp, meta (hdlr, pitm, iprp with ipco and ipma), mdat.
enum HEIFFixture {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        PNGFixture.be32(payload.count + 8) + Array(type.utf8) + payload
    }

    static func fullBox(_ type: String, version: UInt8 = 0, flags: UInt8 = 0, _ payload: [UInt8]) -> [UInt8] {
        box(type, [version, 0, 0, flags] + payload)
    }

    static func ftyp(major: String = "heic", compatible: [String] = ["mif1", "heic"]) -> [UInt8] {
        box("ftyp", Array(major.utf8) + [0, 0, 0, 0] + compatible.flatMap { Array($0.utf8) })
    }

    static func ispe(width: Int, height: Int) -> [UInt8] {
        fullBox("ispe", PNGFixture.be32(width) + PNGFixture.be32(height))
    }

    /// `ipma` version 0, 7-bit indexes: each item's associated property indexes (1-based).
    static func ipma(_ associations: [(item: Int, properties: [Int])]) -> [UInt8] {
        var payload = PNGFixture.be32(associations.count)
        for entry in associations {
            payload += [UInt8(entry.item >> 8), UInt8(entry.item & 0xFF), UInt8(entry.properties.count)]
            payload += entry.properties.map { UInt8($0 | 0x80) }  // essential bit set, as for real files
        }
        return fullBox("ipma", payload)
    }

    /// A HEIC whose items 1 (thumbnail) and 2 (primary) have the given sizes; `primary: nil` omits `pitm`.
    static func heic(
        thumbnail: (Int, Int) = (320, 240), image: (Int, Int) = (4032, 3024), primary: Int? = 2,
        ftypBox: [UInt8] = ftyp()
    ) -> [UInt8] {
        let properties =
            box("hvcC", [1, 2, 3]) + ispe(width: thumbnail.0, height: thumbnail.1)
            + ispe(width: image.0, height: image.1)
        let iprp = box("iprp", box("ipco", properties) + ipma([(1, [1, 2]), (2, [1, 3])]))
        let handler = fullBox("hdlr", [0, 0, 0, 0] + Array("pict".utf8) + [UInt8](repeating: 0, count: 13))
        let pitm = primary.map { fullBox("pitm", [UInt8($0 >> 8), UInt8($0 & 0xFF)]) } ?? []
        let meta = fullBox("meta", handler + pitm + iprp)
        return ftypBox + meta + box("mdat", [UInt8](repeating: 0xAB, count: 64))
    }
}
