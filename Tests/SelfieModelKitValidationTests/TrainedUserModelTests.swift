import Foundation
import SelfieModelKitValidation
import Testing

@Suite("TrainedUserModel")
struct TrainedUserModelTests {
    @Test("a completed record of the user makes a trained model")
    func completed() throws {
        let model = try Fixtures.trained("42")
        #expect(model.reference.description == "sandrasocial/42-selfie-lora:\(Fixtures.versionHex)")
        #expect(model.triggerWord.rawValue == "user42")
        #expect(model.user == Fixtures.user("42"))
    }

    @Test(
        "every broken rule is refused with a guiding message",
        arguments: [
            (TrainingStatus.pending, SelfieModelKitError.Code.modelTrainingInProgress),
            (.training, .modelTrainingInProgress), (.failed, .modelTrainingFailed), (.canceled, .modelNotTrained),
        ])
    func notCompleted(status: TrainingStatus, code: SelfieModelKitError.Code) {
        #expect {
            try TrainedUserModel(
                record: Fixtures.record("42", status: status), for: Fixtures.user("42"), owner: Fixtures.owner)
        } throws: { error in
            guard let error = error as? SelfieModelKitError else { return false }
            return error.code == code && !error.userMessage.isEmpty && error.userMessage.hasSuffix(".")
        }
    }

    @Test("a completed record without a version is refused")
    func missingVersion() {
        #expect(throws: SelfieModelKitError.self) {
            try TrainedUserModel(
                record: Fixtures.record("42", version: nil), for: Fixtures.user("42"), owner: Fixtures.owner)
        }
    }

    @Test("another user's record is refused")
    func otherUsersRecord() {
        #expect {
            try TrainedUserModel(record: Fixtures.record("7"), for: Fixtures.user("42"), owner: Fixtures.owner)
        } throws: { ($0 as? SelfieModelKitError)?.rule == "trained-model.user" }
    }

    @Test("a forged record pointing at another user's model is refused")
    func forgedModel() {
        #expect {
            try TrainedUserModel(
                record: Fixtures.record("42", modelUser: "7"), for: Fixtures.user("42"), owner: Fixtures.owner)
        } throws: { ($0 as? SelfieModelKitError)?.rule == "trained-model.model-id" }
    }

    @Test("a record under another owner is refused")
    func otherOwner() {
        #expect {
            try TrainedUserModel(
                record: Fixtures.record("42", owner: try ReplicateOwner("mallory")), for: Fixtures.user("42"),
                owner: Fixtures.owner)
        } throws: { ($0 as? SelfieModelKitError)?.rule == "trained-model.model-id" }
    }

    @Test("the not-trained error guides the user to upload and train")
    func notTrainedMessage() {
        let error = TrainedUserModel.notTrainedError()
        #expect(error.code == .modelNotTrained)
        #expect(
            error.userMessage == "Your personal model isn't trained yet. Upload at least 10 selfies and start training."
        )
    }
}

@Suite("UserPrompt")
struct UserPromptTests {
    let trigger = TriggerWord(for: try! UserID("42"))

    @Test(
        "trigger word exactly once, foreign trigger words removed",
        arguments: [
            ("a portrait in an office", "user42 a portrait in an office"),
            ("user42 in a café", "user42 in a café"),
            ("USER42 in a café", "user42 in a café"),
            ("user42 and user42 again", "user42 and again"),
            ("user7 on a beach", "user42 on a beach"),
            ("portrait of (user7), with user42's smile", "portrait of (), with user42's smile"),
            ("users and usernames stay", "user42 users and usernames stay"),
            ("  lots \n\t of   space ", "user42 lots of space"),
            ("user1 user2 user3 smiling", "user42 smiling"),
        ])
    func rules(input: String, expected: String) throws {
        let prompt = try UserPrompt(input, triggerWord: trigger)
        #expect(prompt.text == expected)
        #expect(prompt.text.components(separatedBy: "user42").count - 1 == 1)
    }

    @Test("removed trigger words are reported")
    func removedReported() throws {
        let prompt = try UserPrompt("user7 and User9 in Paris", triggerWord: trigger)
        #expect(prompt.removedTriggerWords == ["user7", "User9"])
    }

    @Test("empty prompts are refused", arguments: ["", "   ", "user42", "user7", "!!! ...", "user42 user7 ,"])
    func empty(input: String) {
        #expect { try UserPrompt(input, triggerWord: trigger) } throws: {
            ($0 as? SelfieModelKitError)?.rule == "prompt.empty"
        }
    }

    @Test("non-ASCII descriptions are content")
    func unicode() throws {
        #expect(try UserPrompt("日本の庭園", triggerWord: trigger).text == "user42 日本の庭園")
    }

    @Test("long prompts are refused")
    func tooLong() {
        #expect { try UserPrompt(String(repeating: "a ", count: 1100), triggerWord: trigger) } throws: {
            ($0 as? SelfieModelKitError)?.rule == "prompt.length"
        }
    }
}

@Suite("GenerationSeed")
struct GenerationSeedTests {
    @Test("range is [0, 1000000)", arguments: [-1, 1_000_000, Int.max, Int.min])
    func outOfRange(value: Int) {
        #expect(throws: SelfieModelKitError.self) { try GenerationSeed(value) }
    }

    @Test("edges are accepted")
    func edges() throws {
        #expect(try GenerationSeed(0).value == 0)
        #expect(try GenerationSeed(999_999).value == 999_999)
    }

    @Test("random seeds stay in range and the generator is injectable")
    func random() {
        var first = SplitMix64(state: 1)
        var second = SplitMix64(state: 1)
        let seeds = (0..<10_000).map { _ in GenerationSeed.random(using: &first) }
        #expect(seeds.allSatisfy { GenerationSeed.range.contains($0.value) })
        #expect(Set(seeds).count > 9_000)
        #expect(GenerationSeed.random(using: &second) == seeds[0])
        #expect(GenerationSeed.range.contains(GenerationSeed.random().value))
    }
}
