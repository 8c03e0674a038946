/// Bounds-checked integer reads over a photo's bytes.
///
/// Every read returns `nil` instead of trapping when it would run past the end, so a hostile file can
/// never crash the inspector; callers turn `nil` into a "truncated" refusal.
struct PhotoBytes: Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    /// Whether `length` bytes starting at `offset` lie inside the buffer (without overflowing).
    func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func u8(_ offset: Int) -> UInt8? {
        contains(offset, length: 1) ? bytes[offset] : nil
    }

    func u16be(_ offset: Int) -> Int? {
        guard contains(offset, length: 2) else { return nil }
        return Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
    }

    func u16le(_ offset: Int) -> Int? {
        guard contains(offset, length: 2) else { return nil }
        return Int(bytes[offset + 1]) << 8 | Int(bytes[offset])
    }

    func u24le(_ offset: Int) -> Int? {
        guard contains(offset, length: 3) else { return nil }
        return Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset])
    }

    func u32be(_ offset: Int) -> Int? {
        guard contains(offset, length: 4) else { return nil }
        return (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    func u32le(_ offset: Int) -> Int? {
        guard contains(offset, length: 4) else { return nil }
        return (0..<4).reversed().reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    /// A 64-bit big-endian value; `nil` past the end or when it does not fit in `Int`.
    func u64be(_ offset: Int) -> Int? {
        guard contains(offset, length: 8), bytes[offset] & 0x80 == 0 else { return nil }
        return (0..<8).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    /// Four bytes as an ASCII code such as `"IHDR"`; non-printable bytes become `?`.
    func fourCC(_ offset: Int) -> String? {
        guard contains(offset, length: 4) else { return nil }
        return String(
            decoding: bytes[offset..<offset + 4].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") },
            as: UTF8.self)
    }

    /// Whether the bytes at `offset` equal `prefix`.
    func matches(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
        guard contains(offset, length: prefix.count) else { return false }
        return bytes[offset..<offset + prefix.count].elementsEqual(prefix)
    }

    subscript(range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }
}

extension Array where Element == UInt8 {
    mutating func appendU16be(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendU32be(_ value: Int) {
        for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func appendU32le(_ value: Int) {
        for shift in stride(from: 0, through: 24, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func appendASCII(_ text: String) { append(contentsOf: Array(text.utf8)) }

    mutating func writeU32le(_ value: Int, at offset: Int) {
        for index in 0..<4 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
