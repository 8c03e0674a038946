/// Progress of a running training, read from the trainer's tqdm lines in `logs`:
///
/// ```
/// flux_train_replicate:  42%|####      | 420/1000 [07:01<09:40,  1.00s/it, lr: 4.0e-04 loss: 3.1e-01]
/// ```
///
/// The official client's progress parser does not match these lines, so this one reads `N/M` itself.
/// Only lines carrying the trainer's label count by default, so the captioning and checkpoint-loading
/// bars that come earlier in the same logs (`100%|██████████| 2/2 [...]`) are not taken for training
/// progress. The last such line wins; tqdm's carriage-return updates count as line breaks.
public struct TrainerProgress: Sendable, Hashable, CustomStringConvertible {
    /// The label of `ostris/flux-dev-lora-trainer`'s progress lines.
    public static let fluxTrainerLabel = "flux_train_replicate"

    /// Steps done.
    public let step: Int
    /// Steps in all.
    public let totalSteps: Int

    /// Creates a progress value; `totalSteps` must be positive and `step` within `0...totalSteps`.
    public init?(step: Int, totalSteps: Int) {
        guard totalSteps > 0, (0...totalSteps).contains(step) else { return nil }
        self.step = step
        self.totalSteps = totalSteps
    }

    /// Reads the last progress line of `logs` that carries `label` (any tqdm line when `label` is `nil`);
    /// `nil` when there is none.
    public init?(logs: String, label: String? = TrainerProgress.fluxTrainerLabel) {
        var logs = logs
        let labelBytes = label.map { Array($0.utf8) }
        guard let found = logs.withUTF8({ Self.lastProgress(in: $0, label: labelBytes) }) else { return nil }
        self.init(step: found.step, totalSteps: found.total)
    }

    /// `step / totalSteps`, in `0...1`.
    public var fraction: Double { Double(step) / Double(totalSteps) }

    public var description: String { "\(step)/\(totalSteps)" }

    private static func lastProgress(
        in bytes: UnsafeBufferPointer<UInt8>, label: [UInt8]?
    ) -> (step: Int, total: Int)? {
        var lineEnd = bytes.count
        var index = bytes.count
        while index >= 0 {
            let atBreak = index == 0 || bytes[index - 1] == 0x0A || bytes[index - 1] == 0x0D
            if atBreak {
                let line = UnsafeBufferPointer(rebasing: bytes[index..<lineEnd])
                if label.map({ contains(line, $0) }) ?? true, let found = lastFraction(in: line) {
                    return found
                }
                lineEnd = max(index - 1, 0)
            }
            index -= 1
        }
        return nil
    }

    private static func contains(_ line: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard line.count >= needle.count else { return false }
        for start in 0...(line.count - needle.count) where line[start] == needle[0] {
            var matched = true
            for offset in 1..<needle.count where line[start + offset] != needle[offset] {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }

    /// The last `digits/digits` in `line` that tqdm prints before ` [elapsed<remaining`.
    private static func lastFraction(in line: UnsafeBufferPointer<UInt8>) -> (step: Int, total: Int)? {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var slash = line.count - 1
        while slash > 0 {
            defer { slash -= 1 }
            guard line[slash] == 0x2F, isDigit(line[slash - 1]), slash + 1 < line.count, isDigit(line[slash + 1])
            else { continue }
            var end = slash + 1
            var total = 0
            while end < line.count, isDigit(line[end]), total < 1_000_000_000 {
                total = total * 10 + Int(line[end] - 0x30)
                end += 1
            }
            var after = end
            while after < line.count, line[after] == 0x20 { after += 1 }
            guard after < line.count, line[after] == 0x5B else { continue }
            var start = slash - 1
            while start > 0, isDigit(line[start - 1]) { start -= 1 }
            guard slash - start <= 9 else { continue }
            var step = 0
            for position in start..<slash { step = step * 10 + Int(line[position] - 0x30) }
            if total > 0, step <= total { return (step, total) }
        }
        return nil
    }
}
