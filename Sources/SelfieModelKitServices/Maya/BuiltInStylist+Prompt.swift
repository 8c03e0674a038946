import SelfieModelKit

extension BuiltInStylist {
    /// What Maya picks when neither the user, the use case nor the setting says.
    static let globalDefaults: [StyleDimension: String] = [
        .setting: "rooftop", .framing: "half-body", .outfit: "smart-casual", .light: "window", .mood: "confident",
    ]

    /// The dimensions filled in with defaults when open, in the order they are resolved.
    static let defaultedDimensions: [StyleDimension] = [.setting, .framing, .outfit, .light, .mood, .brandVibe, .prop]

    /// The finish every prompt ends with: Maya's editorial personal-brand signature.
    static let finish =
        "natural skin texture with visible pores, no retouching, subtle film grain, editorial personal-brand photography"

    /// The prompt for `brief`, with open choices filled with defaults, naming `triggerWord` exactly once.
    public func prompt(for brief: StyleBrief, triggerWord: TriggerWord) -> String {
        let resolved = resolve(brief).resolved
        func option(_ dimension: StyleDimension) -> StyleOption? {
            resolved.choices(in: dimension).first.flatMap { StyleVocabulary.option(dimension, $0.id) }
        }
        func fragment(_ dimension: StyleDimension) -> String? {
            resolved.choices(in: dimension).first.flatMap { choice in
                StyleVocabulary.option(dimension, choice.id)?.fragment(colour: choice.colour)
            }
        }
        let framing = option(.framing)
        let outfits = resolved.choices(in: .outfit).compactMap { choice in
            StyleVocabulary.option(.outfit, choice.id)?.fragment(colour: choice.colour)
        }
        let camera = option(.palette)?.gear ?? option(.brandVibe)?.gear ?? "Canon EOS R5"
        let lens = framing?.gear ?? "a 50mm lens at f/2"
        let palette = fragment(.palette) ?? Self.defaultPalette(forLight: option(.light)?.id)
        let parts: [String?] = [
            "\(framing?.fragment ?? "Editorial personal-brand portrait") of \(triggerWord.rawValue)",
            outfits.isEmpty ? nil : "wearing " + outfits.joined(separator: " with "),
            fragment(.setting), fragment(.prop), fragment(.mood), fragment(.season), fragment(.light),
            fragment(.brandVibe), "shot on \(camera) with \(lens)", palette, Self.finish,
        ]
        return parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    }

    /// The brief with open choices filled: from the use case's suggestions, then the setting's, then
    /// Maya's own defaults, skipping whatever the user ruled out. Also returns what was filled, to tell
    /// the user.
    func resolve(_ brief: StyleBrief) -> (resolved: StyleBrief, filled: [StyleChoice]) {
        var resolved = brief
        var filled: [StyleChoice] = []
        for dimension in Self.defaultedDimensions where resolved.choices(in: dimension).isEmpty {
            let useCase = resolved.choices(in: .useCase).first.flatMap { StyleVocabulary.option(.useCase, $0.id) }
            let setting = resolved.choices(in: .setting).first.flatMap { StyleVocabulary.option(.setting, $0.id) }
            let excluded = brief.exclusions[dimension] ?? []
            let suggested = [
                useCase?.defaults[dimension], setting?.defaults[dimension], Self.globalDefaults[dimension],
            ]
            .compactMap { $0 }.first { !excluded.contains($0) }
            // When every suggestion was ruled out, the first option the user did not rule out.
            let fallback =
                Self.globalDefaults[dimension] == nil
                ? nil : StyleVocabulary.options(dimension).first { !excluded.contains($0.id) }?.id
            guard let id = suggested ?? fallback, let option = StyleVocabulary.option(dimension, id) else { continue }
            let choice = StyleChoice(dimension: dimension, id: id, label: option.label(colour: nil))
            resolved.choices[dimension] = [choice]
            filled.append(choice)
        }
        return (resolved, filled)
    }

    /// The colour treatment that suits the light when the user names none.
    private static func defaultPalette(forLight light: String?) -> String {
        switch light {
        case "golden-hour": "warm honey tones"
        case "neon", "blue-hour": "cinematic colour grade"
        case "candlelight": "rich warm tones"
        default: "true-to-life colour"
        }
    }
}
