/// The aspects of a shoot the built-in stylist understands.
public enum StyleDimension: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// What the photos are for: LinkedIn, a website, a keynote, a podcast, social media, press.
    case useCase = "use-case"
    /// Where the photo is taken.
    case setting
    /// What the user wears (up to two pieces).
    case outfit
    /// The light.
    case light
    /// The expression and feeling.
    case mood
    /// How much of the person the frame shows.
    case framing
    /// The season or holiday.
    case season
    /// The personal brand's vibe: quiet luxury, minimalist, bold, corporate, creative, …
    case brandVibe = "brand-vibe"
    /// The colour treatment: black and white, warm film, muted neutrals, vibrant, pastel.
    case palette
    /// Something in hand or in the scene: a coffee, a laptop, a book, a microphone, …
    case prop

    /// How many choices the dimension holds at once.
    public var maximumChoices: Int { self == .outfit ? 2 : 1 }

    public var description: String { rawValue }
}

/// One understood element of a brief, such as the setting `cafe` ("a cosy café").
public struct StyleChoice: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The dimension this choice fills.
    public let dimension: StyleDimension
    /// The option's stable id in the stylist's vocabulary, such as `cafe` or `golden-hour`.
    public let id: String
    /// A colour the user gave the outfit piece, such as `navy`; `nil` when none was given.
    public let colour: String?
    /// How the stylist names the choice to the user, such as "a cosy café".
    public let label: String

    init(dimension: StyleDimension, id: String, colour: String? = nil, label: String) {
        self.dimension = dimension
        self.id = id
        self.colour = colour
        self.label = label
    }

    /// `dimension:id` or `dimension:id(colour)`.
    public var description: String {
        "\(dimension):\(id)" + (colour.map { "(\($0))" } ?? "")
    }
}

/// What the built-in stylist understood from a conversation: the user's explicit choices per dimension,
/// later messages overriding earlier ones.
public struct StyleBrief: Sendable, Hashable {
    /// The user's explicit choices, by dimension.
    public internal(set) var choices: [StyleDimension: [StyleChoice]] = [:]
    /// Whether the user asked the stylist to decide ("surprise me", "you choose", "go ahead").
    public internal(set) var userDefersToStylist = false
    /// Option ids the user ruled out ("not at sunset"), by dimension; defaults never pick them.
    public internal(set) var exclusions: [StyleDimension: Set<String>] = [:]

    init() {}

    /// The choices in `dimension`, in the order the user gave them.
    public func choices(in dimension: StyleDimension) -> [StyleChoice] { choices[dimension] ?? [] }

    /// The ids chosen in `dimension`.
    public func ids(in dimension: StyleDimension) -> [String] { choices(in: dimension).map(\.id) }

    /// Whether nothing at all was understood.
    public var isEmpty: Bool { choices.values.allSatisfy(\.isEmpty) }

    /// Every choice, in dimension order.
    public var allChoices: [StyleChoice] { StyleDimension.allCases.flatMap { choices(in: $0) } }
}
