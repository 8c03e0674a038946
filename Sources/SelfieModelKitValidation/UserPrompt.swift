/// A prompt for one user's model, carrying that user's trigger word exactly once and no one else's.
///
/// Rules, in order:
/// 1. Control characters become spaces; runs of whitespace collapse; the ends are trimmed.
/// 2. Every other user's trigger word (`user<otherId>`, any letter case) is removed.
/// 3. The user's own trigger word is kept once, in its exact lowercase form; when missing it is added
///    at the start.
/// 4. The result is non-empty beyond the trigger word and at most ``maximumLength`` characters.
public struct UserPrompt: Sendable, Hashable, CustomStringConvertible {
    /// The longest accepted prompt, trigger word included.
    public static let maximumLength = 2000

    /// The prompt text that is sent.
    public let text: String
    /// The trigger word the prompt carries.
    public let triggerWord: TriggerWord
    /// Trigger words of other users that were removed from the input.
    public let removedTriggerWords: [String]

    /// Builds the prompt `text` for `model`'s user.
    /// - Throws: `SelfieModelKitError` with code `.invalidPrompt` (rules `prompt.empty`, `prompt.length`).
    public init(_ text: String, for model: TrainedUserModel) throws {
        try self.init(text, triggerWord: model.triggerWord)
    }

    /// Builds the prompt `text` for the owner of `triggerWord`.
    /// - Throws: `SelfieModelKitError` with code `.invalidPrompt` (rules `prompt.empty`, `prompt.length`).
    public init(_ text: String, triggerWord: TriggerWord) throws {
        var output = ""
        var removed: [String] = []
        var hasOwn = false
        var hasContent = false
        for token in Self.tokens(text) {
            switch token {
            case .separator(let separator):
                if separator.unicodeScalars.contains(where: {
                    $0.properties.isAlphabetic || $0.properties.numericType != nil
                }) {
                    hasContent = true
                }
                output += separator
            case .word(let word):
                let lowered = word.lowercased()
                if lowered.hasPrefix(TriggerWord.prefix),
                    let id = try? UserID(String(lowered.dropFirst(TriggerWord.prefix.count)))
                {
                    if id != triggerWord.userID {
                        removed.append(word)
                    } else if !hasOwn {
                        hasOwn = true
                        output += triggerWord.rawValue
                    }
                } else {
                    hasContent = true
                    output += word
                }
            }
        }
        let body = output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard hasContent else {
            throw SelfieModelKitError(
                .invalidPrompt, rule: "prompt.empty",
                userMessage: "Describe the photo you want, for example \"a confident portrait in a sunlit office\".")
        }
        let full = hasOwn ? body : "\(triggerWord.rawValue) \(body)"
        guard full.count <= Self.maximumLength else {
            throw SelfieModelKitError(
                .invalidPrompt, rule: "prompt.length",
                userMessage: "Your description is too long. Keep it under \(Self.maximumLength) characters.",
                detail: "\(full.count) characters")
        }
        self.text = full
        self.triggerWord = triggerWord
        self.removedTriggerWords = removed
    }

    private enum Token {
        case word(String)
        case separator(String)
    }

    /// Splits text into maximal runs of ASCII letters and digits (candidate trigger words) and everything
    /// between them; control characters become spaces.
    private static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var currentIsWord = false
        for character in text {
            let isWord = character.isASCII && (character.isLetter || character.isNumber)
            let piece =
                character.unicodeScalars.contains { $0.properties.generalCategory == .control }
                ? " " : String(character)
            if isWord != currentIsWord, !current.isEmpty {
                tokens.append(currentIsWord ? .word(current) : .separator(current))
                current = ""
            }
            currentIsWord = isWord
            current += piece
        }
        if !current.isEmpty { tokens.append(currentIsWord ? .word(current) : .separator(current)) }
        return tokens
    }

    public var description: String { text }
}
