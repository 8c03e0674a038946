import Foundation
import Testing

@testable import SelfieModelKitReplicate

@Suite("Trainer progress from logs")
struct TrainerProgressTests {
    static let realisticLogs = """
        Downloading input_images...
        Extracted 14 files from zip to input_images
        Loading captioning model...
        Loading checkpoint shards: 100%|██████████| 2/2 [00:03<00:00,  1.64s/it]
        Captioning images: 100%|██████████| 14/14 [00:21<00:00,  1.52s/it]
        Using trigger word: user42
        Running job: flux_train_replicate
        Loading Flux model
        Quantizing transformer
        flux_train_replicate:   0%|          | 0/1000 [00:00<?, ?it/s]
        flux_train_replicate:   1%|          | 10/1000 [00:12<19:40,  1.19s/it, lr: 4.0e-04 loss: 4.1e-01]
        flux_train_replicate:  42%|####      | 420/1000 [07:01<09:40,  1.00s/it, lr: 4.0e-04 loss: 3.1e-01]
        Generating Images: 100%|██████████| 1/1 [00:04<00:00,  4.00s/it]
        Saved sample to output/flux_train_replicate/samples/420.jpg

        """

    @Test("the last trainer line wins, not the later sampling bar")
    func lastTrainerLine() throws {
        let progress = try #require(TrainerProgress(logs: Self.realisticLogs))
        #expect(progress.step == 420)
        #expect(progress.totalSteps == 1000)
        #expect(progress.fraction == 0.42)
    }

    @Test("without a label, any tqdm bar counts (here the sampling bar)")
    func anyBar() throws {
        let progress = try #require(TrainerProgress(logs: Self.realisticLogs, label: nil))
        #expect(progress.step == 1 && progress.totalSteps == 1)
    }

    @Test("carriage-return updates on one line: the last one counts")
    func carriageReturns() throws {
        let logs =
            "flux_train_replicate:  10%|#         | 100/1000 [01:40<15:00,  1.00s/it]\r"
            + "flux_train_replicate:  11%|#         | 110/1000 [01:50<14:50,  1.00s/it]\r"
            + "flux_train_replicate:  12%|#1        | 120/1000 [02:00<14:40,  1.00s/it, lr: 4.0e-04 loss: 3/4]"
        let progress = try #require(TrainerProgress(logs: logs))
        #expect(progress.step == 120)
    }

    @Test("completion reads as 1.0")
    func complete() throws {
        let logs =
            Self.realisticLogs
            + "flux_train_replicate: 100%|##########| 1000/1000 [16:40<00:00,  1.00s/it, lr: 4.0e-04 loss: 2.2e-01]\n"
            + "Saving LoRA weights\n"
        #expect(TrainerProgress(logs: logs)?.fraction == 1.0)
    }

    @Test(
        "no progress yet, or nonsense numbers",
        arguments: [
            "",
            "Downloading input_images...\nLoading Flux model\n",
            "Captioning images: 100%|██████████| 14/14 [00:21<00:00,  1.52s/it]\n",
            "flux_train_replicate: seed 3/4 chosen\n",
            "flux_train_replicate: 100%|##########| 1200/1000 [16:40<00:00]\n",
            "flux_train_replicate:   0%|          | 0/0 [00:00<?, ?it/s]\n",
        ])
    func none(logs: String) {
        #expect(TrainerProgress(logs: logs) == nil)
    }

    @Test("a training exposes its progress")
    func trainingProgress() throws {
        let training = try JSONDecoder().decode(
            Training.self,
            from: Data(Fixtures.trainingJSON(status: "processing", logs: Self.realisticLogs).utf8))
        #expect(training.progress?.fraction == 0.42)
    }
}
