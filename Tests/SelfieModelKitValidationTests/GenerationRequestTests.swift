import Foundation
import SelfieModelKitValidation
import Testing

@Suite("GenerationRequest")
struct GenerationRequestTests {
    @Test("golden JSON: exactly the specification's body")
    func golden() throws {
        let model = try Fixtures.trained("42")
        let request = try GenerationRequest(
            model: model, prompt: try UserPrompt("editorial portrait, soft window light", for: model),
            seed: try GenerationSeed(123_456))
        let golden =
            #"{"version":"sandrasocial/42-selfie-lora:5f0c3d1b2a4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708","#
            + #""input":{"prompt":"user42 editorial portrait, soft window light","guidance":2.8,"num_inference_steps":35,"#
            + #""num_outputs":3,"aspect_ratio":"3:4","output_format":"png","output_quality":95,"go_fast":false,"#
            + #""disable_safety_checker":false,"seed":123456}}"#
        #expect(String(decoding: request.jsonBody(), as: UTF8.self) == golden)
    }

    @Test("the body parses with every key and type of the specification and no other key")
    func keysAndTypes() throws {
        let model = try Fixtures.trained("42")
        let request = try GenerationRequest(
            model: model, prompt: try UserPrompt("a \"quoted\" \\ prompt\u{1}", for: model), seed: .random())
        let object = try #require(try JSONSerialization.jsonObject(with: request.jsonBody()) as? [String: Any])
        #expect(Set(object.keys) == ["version", "input"])
        let input = try #require(object["input"] as? [String: Any])
        #expect(Set(input.keys) == Set(LockedGenerationParameters.inputKeys))
        #expect(input["prompt"] as? String == "user42 a \"quoted\" \\ prompt")
        #expect((input["guidance"] as? NSNumber)?.doubleValue == 2.8)
        #expect((input["seed"] as? NSNumber).map { GenerationSeed.range.contains($0.intValue) } == true)
    }

    @Test("webhook keys are added when configured")
    func webhook() throws {
        let model = try Fixtures.trained("42")
        let target = try WebhookTarget(url: URL(string: "https://studio.example/webhooks/replicate")!, events: [.start])
        let request = try GenerationRequest(
            model: model, prompt: try UserPrompt("portrait", for: model), seed: try GenerationSeed(1), webhook: target)
        let text = String(decoding: request.jsonBody(), as: UTF8.self)
        #expect(
            text.hasSuffix(
                #""seed":1},"webhook":"https://studio.example/webhooks/replicate","webhook_events_filter":["start","completed"]}"#
            ))
    }

    @Test("guidance_scale is sent only when the owner turns it on")
    func guidanceScaleOption() throws {
        let model = try Fixtures.trained("42")
        let prompt = try UserPrompt("portrait", for: model)
        let exact = try GenerationRequest(model: model, prompt: prompt, seed: try GenerationSeed(1))
        #expect(!String(decoding: exact.jsonBody(), as: UTF8.self).contains("guidance_scale"))
        let both = try GenerationRequest(
            model: model, prompt: prompt, seed: try GenerationSeed(1), guidanceKeyCompatibility: .alsoSendGuidanceScale)
        #expect(String(decoding: both.jsonBody(), as: UTF8.self).contains(#""seed":1,"guidance_scale":2.8}"#))
    }

    @Test("a prompt made for another user is refused")
    func foreignPrompt() throws {
        let model = try Fixtures.trained("42")
        let other = try Fixtures.trained("7")
        #expect(throws: SelfieModelKitError.self) {
            try GenerationRequest(
                model: model, prompt: try UserPrompt("portrait", for: other), seed: try GenerationSeed(1))
        }
    }
}

@Suite("TrainingRequest")
struct TrainingRequestTests {
    @Test("golden JSON: locked trainer, derived destination and trigger word, trainer defaults")
    func golden() throws {
        let request = try TrainingRequest(
            for: Fixtures.user("42"), owner: Fixtures.owner,
            inputImagesURL: URL(string: "https://api.replicate.com/v1/files/abc/download")!,
            webhook: try WebhookTarget(url: URL(string: "https://studio.example/hook")!, events: [.start, .logs]))
        #expect(
            TrainingRequest.trainer.description
                == "ostris/flux-dev-lora-trainer:26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2")
        #expect(
            TrainingRequest.trainer.trainingsPath
                == "/models/ostris/flux-dev-lora-trainer/versions/26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2/trainings"
        )
        let golden =
            #"{"destination":"sandrasocial/42-selfie-lora","input":{"input_images":"https://api.replicate.com/v1/files/abc/download","#
            + #""trigger_word":"user42","steps":1000,"lora_rank":16,"learning_rate":0.0004,"batch_size":1,"#
            + #""resolution":"512,768,1024","autocaption":true,"caption_dropout_rate":0.05,"optimizer":"adamw8bit"},"#
            + #""webhook":"https://studio.example/hook","webhook_events_filter":["start","logs","completed"]}"#
        #expect(String(decoding: request.jsonBody(), as: UTF8.self) == golden)
    }

    @Test("hyperparameters outside the trainer's ranges are refused with their name")
    func ranges() {
        let cases: [(String, () throws -> TrainingHyperparameters)] = [
            ("training.steps", { try TrainingHyperparameters(steps: 2) }),
            ("training.steps", { try TrainingHyperparameters(steps: 6001) }),
            ("training.lora_rank", { try TrainingHyperparameters(loraRank: 0) }),
            ("training.lora_rank", { try TrainingHyperparameters(loraRank: 129) }),
            ("training.learning_rate", { try TrainingHyperparameters(learningRate: 0) }),
            ("training.resolution", { try TrainingHyperparameters(resolution: "640") }),
            ("training.resolution", { try TrainingHyperparameters(resolution: "512,512") }),
            ("training.caption_dropout_rate", { try TrainingHyperparameters(captionDropoutRate: 1.5) }),
            ("training.optimizer", { try TrainingHyperparameters(optimizer: "sgd") }),
        ]
        for (rule, make) in cases {
            #expect { try make() } throws: { ($0 as? SelfieModelKitError)?.rule == rule }
        }
    }

    @Test("the archive URL must be http(s)")
    func archiveURL() {
        #expect(throws: SelfieModelKitError.self) {
            try TrainingRequest(
                for: Fixtures.user("42"), owner: Fixtures.owner, inputImagesURL: URL(string: "file:///etc/passwd")!)
        }
    }
}
