import Foundation

/// SplitMix64: a small, fast, seedable generator. Every random choice of the simulator comes from one
/// of these, so a run with the same seed and the same requests behaves the same.
package struct SimulatorRandom: RandomNumberGenerator, Sendable {
    /// The generator's whole state (a snapshot keeps it; `init(seed:)` with it continues the sequence).
    package private(set) var state: UInt64

    /// A generator seeded with `seed`.
    package init(seed: UInt64) { self.state = seed }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A uniform double in `[0, 1)`.
    package mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// Whether an event with probability `rate` happens (never for `rate <= 0`, always for `rate >= 1`).
    package mutating func chance(_ rate: Double) -> Bool {
        guard rate > 0 else { return false }
        guard rate < 1 else { return true }
        return unit() < rate
    }

    /// A uniform double in `range`.
    package mutating func value(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    private static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// A Replicate-style id: 26 characters of lowercase base32 (`gm3qorzdhgbfurvjtvhg6dckhu`).
    package mutating func replicateID(length: Int = 26) -> String {
        var characters: [Character] = []
        characters.reserveCapacity(length)
        for _ in 0..<length { characters.append(Self.idAlphabet[Int(next() % 32)]) }
        return String(characters)
    }

    /// `count` random bytes.
    package mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// Dates the way Replicate writes them: ISO 8601 in UTC with microseconds (`2026-01-01T00:00:00.000000Z`).
package enum SimulatorDate {
    /// Formats `date`.
    package static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = min(999_999, Int(((seconds - whole) * 1_000_000).rounded()))
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
            + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "."
            + pad(micros, 6) + "Z"
    }
}
