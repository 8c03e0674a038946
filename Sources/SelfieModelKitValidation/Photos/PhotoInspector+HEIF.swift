/// HEIC/HEIF: walks the ISO base media boxes (every size checked against its parent and the file's end)
/// and reads the image size from the `ispe` property of the primary item (`meta` → `iprp` → `ipco`,
/// matched through `ipma` and `pitm`), else from the largest `ispe`.
///
/// HEIC photos are measured and validated for a precise refusal, never accepted (see `PhotoFormat`).
enum HEIFFile {
    struct Box {
        var type: String
        var start: Int
        var contentStart: Int
        var end: Int
    }

    static func dimensions(_ data: PhotoBytes) throws(PhotoProblem) -> (width: Int, height: Int) {
        let top = try boxes(in: 0..<data.count, data)
        guard let meta = top.first(where: { $0.type == "meta" }), meta.contentStart + 4 <= meta.end else {
            throw .corrupt(.heic, "no meta box")
        }
        let metaChildren = try boxes(in: meta.contentStart + 4..<meta.end, data)
        guard let iprp = metaChildren.first(where: { $0.type == "iprp" }) else {
            throw .corrupt(.heic, "no item properties (iprp)")
        }
        let iprpChildren = try boxes(in: iprp.contentStart..<iprp.end, data)
        guard let ipco = iprpChildren.first(where: { $0.type == "ipco" }) else {
            throw .corrupt(.heic, "no property container (ipco)")
        }
        let properties = try boxes(in: ipco.contentStart..<ipco.end, data)
        var sizes: [Int: (width: Int, height: Int)] = [:]
        for (index, property) in properties.enumerated() where property.type == "ispe" {
            guard let width = data.u32be(property.contentStart + 4), let height = data.u32be(property.contentStart + 8),
                property.contentStart + 12 <= property.end
            else { throw .corrupt(.heic, "ispe property too short") }
            sizes[index + 1] = (width, height)  // ipma indexes properties from 1
        }
        if let primary = primaryItem(metaChildren, data),
            let associations = iprpChildren.first(where: { $0.type == "ipma" }).map({
                associationsOf(primary, $0, data)
            }),
            let size = associations.lazy.compactMap({ sizes[$0] }).first
        {
            return try nonZero(size)
        }
        guard let largest = sizes.values.max(by: { $0.width * $0.height < $1.width * $1.height }) else {
            throw .corrupt(.heic, "no image spatial extents (ispe)")
        }
        return try nonZero(largest)
    }

    private static func nonZero(_ size: (width: Int, height: Int)) throws(PhotoProblem) -> (width: Int, height: Int) {
        guard size.width > 0, size.height > 0 else { throw .corrupt(.heic, "ispe declares a zero dimension") }
        return size
    }

    /// The boxes laid end to end in `range`; a box that runs past the file is truncation, past its parent corruption.
    static func boxes(in range: Range<Int>, _ data: PhotoBytes) throws(PhotoProblem) -> [Box] {
        var result: [Box] = []
        var position = range.lowerBound
        while position < range.upperBound {
            guard let size32 = data.u32be(position), let type = data.fourCC(position + 4) else {
                throw .truncated(.heic, "file ends inside a box header at offset \(position)")
            }
            var header = 8
            var size = size32
            if size32 == 1 {
                guard let large = data.u64be(position + 8) else {
                    throw .truncated(.heic, "file ends inside the 64-bit size of box \(type)")
                }
                header = 16
                size = large
            } else if size32 == 0 {
                size = range.upperBound - position
            }
            guard size >= header else { throw .corrupt(.heic, "box \(type) at \(position) declares size \(size)") }
            let (end, overflow) = position.addingReportingOverflow(size)
            guard !overflow, end <= data.count else {
                throw .truncated(.heic, "box \(type) at \(position) runs past the end of the file")
            }
            guard end <= range.upperBound else {
                throw .corrupt(.heic, "box \(type) at \(position) runs past its parent")
            }
            result.append(Box(type: type, start: position, contentStart: position + header, end: end))
            position = end
        }
        return result
    }

    /// The primary item id from `pitm` (16-bit in version 0, 32-bit otherwise).
    private static func primaryItem(_ metaChildren: [Box], _ data: PhotoBytes) -> Int? {
        guard let pitm = metaChildren.first(where: { $0.type == "pitm" }), let version = data.u8(pitm.contentStart)
        else { return nil }
        return version == 0 ? data.u16be(pitm.contentStart + 4) : data.u32be(pitm.contentStart + 4)
    }

    /// The property indexes `ipma` associates with `item`.
    private static func associationsOf(_ item: Int, _ ipma: Box, _ data: PhotoBytes) -> [Int] {
        guard let version = data.u8(ipma.contentStart), let flags = data.u8(ipma.contentStart + 3),
            let entryCount = data.u32be(ipma.contentStart + 4)
        else { return [] }
        var position = ipma.contentStart + 8
        for _ in 0..<max(0, min(entryCount, ipma.end - position)) {
            guard let itemID = version < 1 ? data.u16be(position) : data.u32be(position) else { return [] }
            position += version < 1 ? 2 : 4
            guard let count = data.u8(position) else { return [] }
            position += 1
            let wide = flags & 1 == 1
            var indexes: [Int] = []
            for _ in 0..<count {
                guard let raw = wide ? data.u16be(position) : data.u8(position).map(Int.init) else { return [] }
                indexes.append(raw & (wide ? 0x7FFF : 0x7F))
                position += wide ? 2 : 1
            }
            guard position <= ipma.end else { return [] }
            if itemID == item { return indexes }
        }
        return []
    }
}
