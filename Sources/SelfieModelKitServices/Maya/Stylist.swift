import SelfieModelKit

/// Maya's stylist: turns what a user says, in the context of the conversation so far, into a reply,
/// optionally a ready FLUX prompt, and quick-reply suggestions.
///
/// A stylist never calls Replicate: a ready prompt goes to the generation service, which checks it (the
/// trigger-word rules live in `SelfieModelKitValidation`'s `UserPrompt`) and runs the user's own model.
/// The library ships ``BuiltInStylist`` (deterministic, no network) and ``AnthropicStylist`` (Claude over
/// the Messages API).
///
/// Conformers are `Sendable` values shared by every request; keep per-conversation state in the
/// ``StylistRequest/conversation`` the host passes in, not in the stylist.
public protocol Stylist: Sendable {
    /// Answers the user's latest message.
    /// - Throws: ``StylistError`` when a remote stylist cannot answer.
    func respond(to request: StylistRequest) async throws -> StylistReply
}

/// What a stylist answers: the user's latest message, the conversation before it, and whose photos
/// these are.
public struct StylistRequest: Sendable, Hashable {
    /// How many characters of each message the stylists read; the rest is ignored, which bounds the
    /// work (and, for a remote stylist, the cost) a single pasted wall of text can cause.
    public static let maximumMessageLength = 4000

    /// What the user just said.
    public var message: String
    /// The conversation before ``message``, oldest first.
    public var conversation: [StylistTurn]
    /// The trigger word of the user's own model; a ready prompt names it exactly once.
    public var triggerWord: TriggerWord

    /// Creates a request.
    public init(message: String, conversation: [StylistTurn] = [], triggerWord: TriggerWord) {
        self.message = message
        self.conversation = conversation
        self.triggerWord = triggerWord
    }
}

/// One turn of a conversation with the stylist.
public struct StylistTurn: Sendable, Hashable, Codable {
    /// Who spoke.
    public enum Speaker: String, Sendable, Hashable, Codable {
        /// The user.
        case user
        /// The stylist (Maya).
        case stylist
    }

    /// Who spoke.
    public var speaker: Speaker
    /// What they said.
    public var text: String

    /// Creates a turn.
    public init(_ speaker: Speaker, _ text: String) {
        self.speaker = speaker
        self.text = text
    }

    /// A turn by the user.
    public static func user(_ text: String) -> StylistTurn { StylistTurn(.user, text) }
    /// A turn by the stylist.
    public static func stylist(_ text: String) -> StylistTurn { StylistTurn(.stylist, text) }
}

/// A stylist's answer.
public struct StylistReply: Sendable, Hashable, Codable {
    /// What Maya says to the user.
    public var text: String
    /// A ready FLUX prompt, when the brief is complete enough to shoot; plain text naming the user's
    /// trigger word once. The generation service validates it before use.
    public var prompt: String?
    /// Short replies the user can tap, such as "Golden hour" or "Closer headshot".
    public var suggestions: [String]

    /// Creates a reply.
    public init(text: String, prompt: String? = nil, suggestions: [String] = []) {
        self.text = text
        self.prompt = prompt
        self.suggestions = suggestions
    }
}
