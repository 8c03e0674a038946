import SelfieModelKit

/// Maya's built-in stylist: deterministic, offline, and genuinely useful.
///
/// It reads the user's messages (the whole conversation, later messages overriding earlier ones) for
/// the setting, outfit (with colours), light, mood, framing, season, brand vibe, colour palette, props
/// and what the photos are for, using phrase tables with synonyms, plurals, folded accents and simple
/// negation ("a café, not an office"). See ``brief(for:)``.
///
/// Then it either asks for what is missing — first where to shoot, then, while fewer than two details
/// are known, the outfit, light, mood and framing, at most two questions in a row — or writes the prompt:
/// an editorial personal-brand FLUX prompt assembled from curated fragments (camera, lens, light, natural
/// skin texture, film grain) naming the user's trigger word once, filling open choices with tasteful
/// defaults it tells the user about. "Surprise me" or "you choose" makes it decide at once; "start over"
/// forgets the brief. Every quick reply it offers is itself understood by the next turn.
public struct BuiltInStylist: Stylist {
    /// How many questions Maya asks before she shoots with defaults.
    public static let maximumQuestions = 2
    /// How many explicit details (beyond the place) make a brief ready without further questions.
    public static let detailsForReadyBrief = 2

    /// The dimensions Maya asks about, in order, after the place.
    static let askedDimensions: [StyleDimension] = [.outfit, .light, .mood, .framing]

    /// Creates the stylist.
    public init() {}

    public func respond(to request: StylistRequest) async throws -> StylistReply {
        reply(to: request)
    }

    /// The reply to `request`, synchronously; the same request always gets the same reply.
    public func reply(to request: StylistRequest) -> StylistReply {
        let brief = brief(for: request)
        let questionsAsked = questionsAskedSinceReset(in: request)
        let hasPlace = !brief.choices(in: .setting).isEmpty || !brief.choices(in: .useCase).isEmpty
        let details = StyleDimension.allCases.filter { $0 != .setting && $0 != .useCase }
            .filter { !brief.choices(in: $0).isEmpty }.count
        let isReady =
            brief.userDefersToStylist
            || (hasPlace && (details >= Self.detailsForReadyBrief || questionsAsked >= Self.maximumQuestions))
        if isReady {
            return readyReply(for: brief, triggerWord: request.triggerWord)
        }
        let isFirstTurn = !request.conversation.contains { $0.speaker == .stylist }
        guard hasPlace else {
            return question(about: .setting, brief: brief, greeting: isFirstTurn)
        }
        let missing = Self.askedDimensions.first { brief.choices(in: $0).isEmpty } ?? .framing
        return question(about: missing, brief: brief, greeting: isFirstTurn)
    }

    /// What Maya understood from the conversation in `request`: every user message since the last
    /// "start over", in order, each one's choices replacing the earlier ones of the same dimension
    /// (an outfit piece is added instead when the user says "add" or "also"), and negated choices
    /// ("no blazer", "not at sunset") removed and excluded from the defaults.
    public func brief(for request: StylistRequest) -> StyleBrief {
        var brief = StyleBrief()
        let texts = request.conversation.filter { $0.speaker == .user }.map(\.text) + [request.message]
        for text in texts {
            let clauses = StyleText.clauses(of: String(text.prefix(StylistRequest.maximumMessageLength)))
            if StyleText.contains(anyOf: StyleVocabulary.resetPhrases, in: clauses) { brief = StyleBrief() }
            let reading = StyleReading(clauses: clauses)
            for dimension in StyleDimension.allCases {
                let found = reading.found[dimension] ?? []
                let negated = reading.negated[dimension] ?? []
                var excluded = brief.exclusions[dimension, default: []].union(negated)
                excluded.subtract(found.map(\.id))
                brief.exclusions[dimension] = excluded.isEmpty ? nil : excluded
                var current = brief.choices(in: dimension)
                if found.isEmpty {
                    current.removeAll { negated.contains($0.id) }
                } else if dimension == .outfit && reading.adds {
                    current = Array(
                        (current.filter { old in !found.contains { $0.id == old.id } } + found)
                            .suffix(dimension.maximumChoices))
                } else {
                    current = found
                }
                brief.choices[dimension] = current.isEmpty ? nil : current
            }
            if StyleText.contains(anyOf: StyleVocabulary.deferPhrases, in: clauses) {
                brief.userDefersToStylist = true
            }
        }
        return brief
    }

    /// How many times Maya spoke since the user last said "start over".
    private func questionsAskedSinceReset(in request: StylistRequest) -> Int {
        var count = 0
        for turn in request.conversation {
            switch turn.speaker {
            case .stylist:
                count += 1
            case .user:
                let clauses = StyleText.clauses(of: String(turn.text.prefix(StylistRequest.maximumMessageLength)))
                if StyleText.contains(anyOf: StyleVocabulary.resetPhrases, in: clauses) { count = 0 }
            }
        }
        let message = String(request.message.prefix(StylistRequest.maximumMessageLength))
        if StyleText.contains(anyOf: StyleVocabulary.resetPhrases, in: StyleText.clauses(of: message)) {
            count = 0
        }
        return count
    }
}

/// The choices one message names, and the ones it negates.
struct StyleReading {
    /// Choices named without negation, by dimension, at most each dimension's maximum.
    private(set) var found: [StyleDimension: [StyleChoice]] = [:]
    /// Option ids named with a negation ("not in an office"), by dimension.
    private(set) var negated: [StyleDimension: Set<String>] = [:]
    /// Whether the message adds to the outfit ("add a trench coat").
    let adds: Bool

    private struct Candidate {
        var dimension: StyleDimension
        var option: StyleOption
        var match: StyleText.Match

        func contains(_ other: Candidate) -> Bool {
            match.clause == other.match.clause && match.length > other.match.length
                && match.start <= other.match.start
                && match.start + match.length >= other.match.start + other.match.length
        }
    }

    init(clauses: [[String]]) {
        adds = StyleText.contains(anyOf: StyleVocabulary.addPhrases, in: clauses)
        var candidates: [Candidate] = []
        for dimension in StyleDimension.allCases {
            for option in StyleVocabulary.options(dimension) {
                for phrase in option.phrases {
                    candidates += StyleText.find(phrase, in: clauses).map {
                        Candidate(dimension: dimension, option: option, match: $0)
                    }
                }
            }
        }
        // A phrase inside a longer phrase ("studio" in "podcast studio") is not read on its own.
        let kept = candidates.filter { candidate in !candidates.contains { $0.contains(candidate) } }
        for dimension in StyleDimension.allCases {
            let inDimension = kept.filter { $0.dimension == dimension }.sorted { $0.match.position < $1.match.position }
            negated[dimension] = Set(inDimension.filter(\.match.negated).map(\.option.id))
            var chosen: [Candidate] = []
            for candidate in inDimension where !candidate.match.negated {
                if !chosen.contains(where: { $0.option.id == candidate.option.id }) { chosen.append(candidate) }
            }
            if chosen.contains(where: { !$0.option.isGeneric }) { chosen.removeAll { $0.option.isGeneric } }
            let choices = chosen.prefix(dimension.maximumChoices).map { candidate in
                let colour = dimension == .outfit ? Self.colour(before: candidate.match, in: clauses) : nil
                return StyleChoice(
                    dimension: dimension, id: candidate.option.id, colour: colour,
                    label: candidate.option.label(colour: colour))
            }
            if !choices.isEmpty { found[dimension] = Array(choices) }
        }
    }

    /// A colour named in the two words before an outfit piece ("navy wool blazer").
    private static func colour(before match: StyleText.Match, in clauses: [[String]]) -> String? {
        let clause = clauses[match.clause]
        for index in stride(from: match.start - 1, through: max(0, match.start - 2), by: -1) {
            if let colour = StyleVocabulary.colours[clause[index]] { return colour }
        }
        return nil
    }
}
