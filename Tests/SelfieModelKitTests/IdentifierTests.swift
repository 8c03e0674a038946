import Foundation
import SelfieModelKit
import Testing

@Suite("Identifiers")
struct IdentifierTests {
    @Test("valid user ids", arguments: ["42", "a1", "0", "user42x", String(repeating: "a", count: 39) + "1"])
    func validUserIDs(raw: String) throws {
        #expect(try UserID(raw).rawValue == raw)
    }

    @Test(
        "invalid user ids name their rule",
        arguments: [
            ("", "user-id.empty"), ("abc", "user-id.digit"), ("User42", "user-id.characters"),
            ("4-2", "user-id.characters"), ("4_2", "user-id.characters"), ("42 ", "user-id.characters"),
            ("é1", "user-id.characters"), (String(repeating: "1", count: 41), "user-id.length"),
        ])
    func invalidUserIDs(raw: String, rule: String) {
        #expect {
            try UserID(raw)
        } throws: { error in
            let error = error as? SelfieModelKitError
            return error?.code == .invalidIdentifier && error?.rule == rule
        }
    }

    @Test("model id and trigger word derive from the user id")
    func derivation() throws {
        let user = try UserID("42")
        let model = ReplicateModelID.selfieModel(for: user, owner: .sandrasocial)
        #expect(model.description == "sandrasocial/42-selfie-lora")
        #expect(TriggerWord(for: user).rawValue == "user42")
        let reference = ModelVersionReference(
            model: model, version: try ModelVersionID(String(repeating: "ab", count: 32)))
        #expect(reference.description == "sandrasocial/42-selfie-lora:" + String(repeating: "ab", count: 32))
        #expect(try ModelVersionReference(parsing: reference.description) == reference)
    }

    @Test(
        "version ids are 64 lowercase hex",
        arguments: [
            "", "ABCDEF" + String(repeating: "0", count: 58), String(repeating: "0", count: 63),
            String(repeating: "g", count: 64),
        ])
    func invalidVersion(raw: String) {
        #expect(throws: SelfieModelKitError.self) { try ModelVersionID(raw) }
    }

    @Test("secrets never print")
    func secretsRedacted() throws {
        let token = try APIToken("r8_supersecret")
        let secret = try WebhookSecret("whsec_c2VjcmV0")
        for text in [
            "\(token)", String(describing: token), String(reflecting: token), "\(secret)", String(reflecting: secret),
            "\([token])", "\(Mirror(reflecting: token).children.map { "\($0.value)" })",
        ] {
            #expect(!text.contains("supersecret"))
            #expect(!text.contains("c2VjcmV0"))
        }
        #expect(token.revealForTransport() == "r8_supersecret")
    }

    @Test("decoding validates")
    func decodingValidates() throws {
        let decoder = JSONDecoder()
        #expect(throws: SelfieModelKitError.self) { try decoder.decode(UserID.self, from: Data("\"Bad\"".utf8)) }
        #expect(throws: SelfieModelKitError.self) {
            try decoder.decode(ModelVersionReference.self, from: Data("\"a/b:c\"".utf8))
        }
        let id = try decoder.decode(UserID.self, from: Data("\"7\"".utf8))
        #expect(id.rawValue == "7")
    }
}
