import Crypto
import Foundation

/// The hashes the simulator uses, on swift-crypto.
package enum SimulatorHash {
    /// SHA-256 of `bytes`.
    package static func sha256(_ bytes: some DataProtocol) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// Lowercase hex SHA-256 of `bytes`.
    package static func sha256Hex(_ bytes: some DataProtocol) -> String {
        hex(sha256(bytes))
    }

    /// Lowercase hex MD5 of `bytes` (Files API checksums and etags).
    package static func md5Hex(_ bytes: some DataProtocol) -> String {
        hex(Array(Insecure.MD5.hash(data: bytes)))
    }

    /// HMAC-SHA256 of `message` keyed with `key`.
    package static func hmacSHA256(key: [UInt8], message: some DataProtocol) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Lowercase hex of `bytes`.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
