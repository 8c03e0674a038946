import Crypto
import Foundation
import SelfieModelKit

/// The lowercase hex of a digest, the one form every recorded sha256 takes (photo records, training
/// intents, archive entries).
func lowercaseHex(_ digest: some Sequence<UInt8>) -> String {
    digest.map { byte in
        let text = String(byte, radix: 16)
        return byte < 16 ? "0" + text : text
    }.joined()
}

/// The sha256 of `data`, lowercase hex.
func sha256Hex(_ data: Data) -> String {
    lowercaseHex(SHA256.hash(data: data))
}

extension PhotoID {
    /// A name-based id: a UUID shaped like version 5, from the SHA-256 of `name`. The same name always
    /// gives the same id, so a write repeated after a crash lands on the same image key.
    static func named(_ name: String) -> PhotoID {
        let hex = Array(sha256Hex(Data(name.utf8)))
        let text =
            String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-5" + String(hex[13..<16]) + "-a"
            + String(hex[17..<20]) + "-" + String(hex[20..<32])
        return PhotoID(UUID(uuidString: text)!)
    }
}
