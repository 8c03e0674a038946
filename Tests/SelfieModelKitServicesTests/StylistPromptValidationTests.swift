import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitValidation
import Testing

/// Prompts from the catalog and from Maya go through `UserPrompt` on the generation path; they should
/// pass it untouched (nothing removed, nothing added, nothing rewritten).
@Suite("Photoshoot and Maya prompts pass UserPrompt untouched")
struct StylistPromptValidationTests {
    let trigger = TriggerWord(for: try! UserID("7c3f9e1a"))

    @Test("every catalog look")
    func catalogPrompts() throws {
        for look in try LookCatalog.builtIn().looks {
            let text = look.prompt(for: trigger)
            let prompt = try UserPrompt(text, triggerWord: trigger)
            #expect(prompt.text == text, "\(look.id)")
            #expect(prompt.removedTriggerWords.isEmpty)
        }
    }

    @Test(
        "the built-in stylist's prompts",
        arguments: [
            "surprise me", "LinkedIn headshot in a navy blazer, go ahead",
            "Tokyo at night, leather jacket, bold, close-up", "black and white studio, turtleneck, moody",
            "Santorini in summer, linen and a red dress, joyful, wide shot, with flowers",
        ])
    func builtInPrompts(message: String) throws {
        let reply = BuiltInStylist().reply(to: StylistRequest(message: message, triggerWord: trigger))
        let text = try #require(reply.prompt)
        let prompt = try UserPrompt(text, triggerWord: trigger)
        #expect(prompt.text == text)
        #expect(prompt.removedTriggerWords.isEmpty)
    }
}
