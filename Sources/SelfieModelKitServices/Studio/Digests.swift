import Crypto
import Foundation

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
