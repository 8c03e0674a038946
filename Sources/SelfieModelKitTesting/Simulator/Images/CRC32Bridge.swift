import SelfieModelKit

/// Core's package-internal CRC-32, reached from this module.
enum CRC32Bridge {
    static func checksum(_ bytes: [UInt8]) -> UInt32 { CRC32.checksum(bytes) }
}
