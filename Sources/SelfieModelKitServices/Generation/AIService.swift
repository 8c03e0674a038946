import Foundation
import SelfieModelKitValidation

/// Maya, the AI stylist (the specification's `ai-service`): a ``Stylist`` turns what the user says into a
/// reply and, when ready, a prompt; generating goes through the same single path as the Photoshoot.
/// Maya never calls Replicate herself.
public struct AIService: Sendable {
    /// The stylist: an LLM provider when configured, the built-in stylist otherwise.
    public let stylist: any Stylist
    /// The generation path shared with the Photoshoot.
    public let generation: ImageGenerationService

    /// Creates the service.
    public init(stylist: any Stylist, generation: ImageGenerationService) {
        self.stylist = stylist
        self.generation = generation
    }

    /// Maya's answer to what the user said, given the conversation so far.
    public func chat(
        user: AuthenticatedUser, message: String, conversation: [StylistTurn] = []
    ) async throws
        -> StylistReply
    {
        try await stylist.respond(
            to: StylistRequest(message: message, conversation: conversation, triggerWord: TriggerWord(for: user.id)))
    }

    /// Starts a generation from a stylist's reply; fails with guidance when the reply holds no prompt yet.
    ///
    /// Pass only a reply your process got from ``chat(user:message:conversation:)`` (kept server-side, for
    /// example in the session), never one rebuilt from what a client sent: the reply's prompt is what
    /// reaches the user's model. The prompt is still validated as a `UserPrompt` (length, trigger word of
    /// this user only), but a client must not be able to skip the stylist. A route that takes the user's
    /// words should call ``generate(user:from:conversation:)`` instead.
    public func generate(user: AuthenticatedUser, from reply: StylistReply) async throws -> GenerationRecord {
        guard let prompt = reply.prompt else {
            throw SelfieModelKitError(
                .invalidPrompt, rule: "maya.no-prompt",
                userMessage: "Tell Maya a little more about the photo you want, then create it.")
        }
        return try await generation.start(user: user, promptText: prompt, source: .maya, lookID: nil)
    }

    /// Asks the stylist about `message` and generates from the reply when it holds a prompt.
    public func generate(
        user: AuthenticatedUser, from message: String, conversation: [StylistTurn] = []
    )
        async throws -> (reply: StylistReply, generation: GenerationRecord?)
    {
        let reply = try await chat(user: user, message: message, conversation: conversation)
        guard reply.prompt != nil else { return (reply, nil) }
        return (reply, try await generate(user: user, from: reply))
    }
}
