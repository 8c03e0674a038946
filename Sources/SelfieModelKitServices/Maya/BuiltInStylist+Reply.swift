import SelfieModelKit

extension BuiltInStylist {
    /// A question about one open dimension, with quick replies that the next turn understands.
    struct Question {
        var text: String
        var suggestions: [String]
    }

    /// Maya's question for each dimension she asks about.
    static let questions: [StyleDimension: Question] = [
        .setting: Question(
            text: "Where shall we shoot? A bright office, a cosy café, golden hour outdoors, a clean studio, "
                + "or somewhere you love to travel?",
            suggestions: [
                "Modern office", "Cosy café", "Golden hour on a rooftop", "Black-and-white studio",
                "A street in Paris",
            ]),
        .outfit: Question(
            text: "What would you like to wear? Name the piece and the colour, like \"a navy blazer\" or "
                + "\"a cream knit sweater\".",
            suggestions: ["Navy blazer", "Cream knit sweater", "White linen shirt", "Black turtleneck"]),
        .light: Question(
            text: "What light do you picture?",
            suggestions: ["Golden hour", "Soft window light", "Dramatic spotlight", "Neon at night"]),
        .mood: Question(
            text: "How would you like to come across?",
            suggestions: ["Confident", "Warm and approachable", "Calm and serene", "Joyful"]),
        .framing: Question(
            text: "How close should we frame it?",
            suggestions: ["Close-up headshot", "Waist-up", "Full body", "Wide environmental shot"]),
    ]

    /// Variations offered once a prompt is ready, with the choice each one makes.
    static let variations: [(text: String, dimension: StyleDimension, id: String)] = [
        ("Make it golden hour", .light, "golden-hour"),
        ("Try black and white", .palette, "black-and-white"),
        ("Closer headshot", .framing, "headshot"),
        ("Full-body shot", .framing, "full-body"),
        ("Warmer smile", .mood, "warm"),
        ("Soft window light", .light, "window"),
    ]

    /// How many quick replies Maya offers.
    static let suggestionCount = 4

    func question(about dimension: StyleDimension, brief: StyleBrief, greeting: Bool) -> StylistReply {
        let question = Self.questions[dimension] ?? Self.questions[.setting]!
        var opening = ""
        if greeting { opening = "Hi, I'm Maya, your AI stylist. " }
        if !brief.isEmpty {
            opening += "Love it: " + brief.allChoices.map(\.label).joined(separator: ", ") + ". "
        }
        return StylistReply(text: opening + question.text, prompt: nil, suggestions: question.suggestions)
    }

    func readyReply(for brief: StyleBrief, triggerWord: TriggerWord) -> StylistReply {
        let (resolved, filled) = resolve(brief)
        let order: [StyleDimension] = [
            .framing, .setting, .outfit, .light, .mood, .season, .brandVibe, .palette, .prop,
        ]
        var summary: [String] = []
        for dimension in order {
            let labels = resolved.choices(in: dimension).map(\.label)
            guard !labels.isEmpty else { continue }
            switch dimension {
            case .setting: summary.append(labels[0])
            case .outfit: summary.append("wearing " + labels.joined(separator: " with "))
            case .prop: summary.append("with " + labels[0])
            default: summary.append(labels.joined(separator: ", "))
            }
        }
        var text = "Here's your shot: " + summary.joined(separator: ", ") + "."
        if !filled.isEmpty {
            text +=
                " I picked what you left open (" + filled.map(\.label).joined(separator: ", ")
                + "); say the word to change anything."
        }
        text += " Ready when you are."
        var suggestions = Self.variations.filter { variation in
            !resolved.choices(in: variation.dimension).contains { $0.id == variation.id }
        }.map(\.text)
        suggestions = Array(suggestions.prefix(Self.suggestionCount - 1)) + ["Start over"]
        return StylistReply(text: text, prompt: prompt(for: brief, triggerWord: triggerWord), suggestions: suggestions)
    }
}
