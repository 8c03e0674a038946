/// One option of a dimension in the built-in stylist's vocabulary: the phrases that name it, and the
/// curated words it contributes to a prompt. Prompts are assembled from these fragments only, never from
/// the user's raw text, so nothing a user types can smuggle words (such as another trigger word) into a
/// prompt.
struct StyleOption: Sendable {
    /// Stable id, such as `golden-hour`.
    let id: String
    /// How Maya names it; `{colour}` is replaced by the colour (outfit pieces only).
    let label: String
    /// Normalised phrases (lowercase ASCII words) that name the option.
    let phrases: [[String]]
    /// What it adds to a prompt; `{colour}` is replaced by the colour (outfit pieces only).
    let fragment: String
    /// The colour used when the user names none (outfit pieces only).
    let defaultColour: String?
    /// Choices this option suggests for dimensions the user left open, by dimension, as option ids.
    let defaults: [StyleDimension: String]
    /// The lens (framing options) or camera (brand vibe and palette options) this option calls for.
    let gear: String?
    /// Whether a more specific option of the same dimension named in the same message wins over this one
    /// ("a street in Paris" is Paris, not any city street).
    let isGeneric: Bool

    init(
        _ id: String, _ label: String, _ phrases: [String], _ fragment: String, colour: String? = nil,
        defaults: [StyleDimension: String] = [:], gear: String? = nil, isGeneric: Bool = false
    ) {
        self.id = id
        self.label = label
        self.phrases = phrases.map(StyleText.words(of:))
        self.fragment = fragment
        self.defaultColour = colour
        self.defaults = defaults
        self.gear = gear
        self.isGeneric = isGeneric
    }

    /// The label with `colour` (or the default colour) filled in.
    func label(colour: String?) -> String { fill(label, colour: colour) }

    /// The prompt fragment with `colour` (or the default colour) filled in.
    func fragment(colour: String?) -> String { fill(fragment, colour: colour) }

    private func fill(_ template: String, colour: String?) -> String {
        guard let chosen = colour ?? defaultColour else { return template }
        let startsWithVowel = chosen.first.map { "aeiou".contains($0) } ?? false
        let article = startsWithVowel ? template.replacing("a {colour}", with: "an {colour}") : template
        return article.replacing("{colour}", with: chosen)
    }
}

/// The built-in stylist's vocabulary: every option of every dimension, and the phrases of intent.
enum StyleVocabulary {
    /// The options of `dimension`.
    static func options(_ dimension: StyleDimension) -> [StyleOption] {
        switch dimension {
        case .useCase: useCases
        case .setting: settings
        case .outfit: outfits
        case .light: lights
        case .mood: moods
        case .framing: framings
        case .season: seasons
        case .brandVibe: brandVibes
        case .palette: palettes
        case .prop: props
        }
    }

    /// The option `id` of `dimension`.
    static func option(_ dimension: StyleDimension, _ id: String) -> StyleOption? {
        options(dimension).first { $0.id == id }
    }

    /// Colours a user may give an outfit piece ("a navy blazer"), as they appear in a prompt.
    static let colours: [String: String] = [
        "black": "black", "white": "white", "cream": "cream", "ivory": "ivory", "beige": "beige",
        "camel": "camel", "tan": "tan", "navy": "navy", "blue": "blue", "red": "red", "green": "green",
        "emerald": "emerald", "pink": "pink", "blush": "blush pink", "grey": "grey", "gray": "grey",
        "charcoal": "charcoal", "brown": "brown", "chocolate": "chocolate brown", "burgundy": "burgundy",
        "yellow": "yellow", "mustard": "mustard", "orange": "orange", "rust": "rust", "purple": "purple",
        "lilac": "lilac", "lavender": "lavender", "olive": "olive", "sage": "sage green", "teal": "teal",
        "cobalt": "cobalt blue", "khaki": "khaki", "taupe": "taupe",
    ]

    /// Phrases by which the user leaves the open choices to the stylist.
    static let deferPhrases: [[String]] = [
        "surprise me", "you choose", "you decide", "up to you", "your choice", "dealers choice", "go ahead",
        "generate", "create it", "lets go", "lets do it", "sounds good", "looks good", "shoot it",
        "just shoot", "make it happen", "your call", "whatever you think",
    ].map(StyleText.words(of:))

    /// Phrases that start a new brief, forgetting the earlier one.
    static let resetPhrases: [[String]] = [
        "start over", "start again", "new shoot", "new idea", "something completely different", "reset",
        "from scratch",
    ].map(StyleText.words(of:))

    /// Phrases that add to the outfit instead of replacing it ("add a trench coat").
    static let addPhrases: [[String]] = ["add", "also", "plus", "layer", "layered with"].map(StyleText.words(of:))

    /// Phrases that negate what follows within a few words ("not in an office", "without a jacket").
    static let negationPhrases: [[String]] = [
        "no", "not", "without", "never", "dont", "do not", "avoid", "instead of", "rather than",
        "other than", "except", "skip", "lose the", "no more",
    ].map(StyleText.words(of:))
}
