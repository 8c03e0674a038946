import Foundation

/// Normalises free text and finds phrases in it, for the built-in stylist.
///
/// Text becomes clauses (split at `.,;:!?`, line breaks and "but") of lowercase ASCII words:
/// diacritics are folded ("café" → "cafe"), apostrophes dropped ("don't" → "dont"), `&` read as "and",
/// and every other non-alphanumeric character separates words. A phrase matches a run of whole words,
/// where a word also matches its plural ("blazers", "dresses"). A match is negated when a negation
/// ("not", "without", "instead of", …) ends within three words before it in the same clause.
enum StyleText {
    /// A phrase found in a clause.
    struct Match: Equatable {
        /// The index of the clause in the text.
        var clause: Int
        /// The index of the first matched word in the clause.
        var start: Int
        /// How many words matched.
        var length: Int
        /// Whether a negation precedes the match.
        var negated: Bool

        /// A position that orders matches through the whole text.
        var position: Int { clause * 10_000 + start }
    }

    /// The lowercase ASCII words of `text`, ignoring clause boundaries.
    static func words(of text: String) -> [String] { clauses(of: text).flatMap { $0 } }

    /// The clauses of `text`, each a list of lowercase ASCII words.
    static func clauses(of text: String) -> [[String]] {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var clauses: [[String]] = []
        var words: [String] = []
        var word = ""
        func endWord() {
            if word == "but" {
                endClause()
            } else if !word.isEmpty {
                words.append(word)
            }
            word = ""
        }
        func endClause() {
            if !words.isEmpty { clauses.append(words) }
            words = []
        }
        for scalar in folded.unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                word.unicodeScalars.append(scalar)
            case "'", "\u{2019}":
                continue
            case "&":
                endWord()
                words.append("and")
            case ".", ",", ";", ":", "!", "?", "\n", "(", ")":
                endWord()
                endClause()
            default:
                endWord()
            }
        }
        endWord()
        endClause()
        return clauses
    }

    /// Every occurrence of `phrase` in `clauses`.
    static func find(_ phrase: [String], in clauses: [[String]]) -> [Match] {
        guard !phrase.isEmpty else { return [] }
        var matches: [Match] = []
        for (index, clause) in clauses.enumerated() where clause.count >= phrase.count {
            for start in 0...(clause.count - phrase.count)
            where zip(clause[start...], phrase).allSatisfy({ wordMatches($0, $1) }) {
                matches.append(
                    Match(
                        clause: index, start: start, length: phrase.count,
                        negated: isNegated(clause: clause, before: start)))
            }
        }
        return matches
    }

    /// Whether any of `phrases` occurs (not negated) in `clauses`.
    static func contains(anyOf phrases: [[String]], in clauses: [[String]]) -> Bool {
        phrases.contains { phrase in find(phrase, in: clauses).contains { !$0.negated } }
    }

    /// A text word matches a phrase word when equal, or when it is that word's plural.
    private static func wordMatches(_ word: String, _ phraseWord: String) -> Bool {
        word == phraseWord || word == phraseWord + "s" || word == phraseWord + "es"
    }

    /// Whether a negation ends within the three words before `start`.
    private static func isNegated(clause: [String], before start: Int) -> Bool {
        let windowStart = max(0, start - 3)
        guard windowStart < start else { return false }
        let window = Array(clause[windowStart..<start])
        return StyleVocabulary.negationPhrases.contains { negation in
            guard negation.count <= window.count else { return false }
            return (0...(window.count - negation.count)).contains { offset in
                Array(window[offset..<(offset + negation.count)]) == negation
            }
        }
    }
}
