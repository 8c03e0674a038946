import Crypto
import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("The whole journey, on the simulator")
struct JourneyTests {
    @Test(
        "selfies → training (webhooks) → completed record → Photoshoot and Maya → photos kept, listed, favourited, deleted",
        arguments: StoreFactory.all)
    func wholeJourney(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try studio.user("alice1")

        let intake = try await studio.addSyntheticSelfies(for: user, count: 12)
        #expect(intake.stored.count == 12)
        #expect(intake.results.allSatisfy { $0.refusal == nil })
        #expect(intake.canStartTraining)
        #expect(try await studio.training.selfies(for: user).count == 12)

        let started = try await studio.training.startTraining(for: user)
        let trainingID = try #require(started.trainingID)
        #expect(!started.status.isTerminal)

        // Webhooks alone carry the training to its end: no reconciler pass.
        let finished = try await studio.finishTraining(for: user, reconcile: false)
        #expect(finished.status == .succeeded)
        #expect(finished.trainingID == trainingID)
        let record = try #require(try await studio.store.userModel(for: user))
        #expect(record.trainingStatus == .completed)
        #expect(record.replicateModelID.description == "sandrasocial/alice1-selfie-lora")
        #expect(record.triggerWord.rawValue == "useralice1")
        let version = try #require(record.replicateVersionID)
        #expect(finished.outputVersionID == version)
        let schema = try #require(record.versionSchemaJSON)
        #expect(ComplianceAuditor.inputProperties(ofSchema: schema)?.contains("guidance_scale") == true)
        // The version really exists at the simulator and is the one the training reported.
        let trainingJSON = try await studio.context.client.training(trainingID)
        #expect(trainingJSON.trainingOutput?.version == version)
        #expect(try await studio.training.status(for: user).canGenerate)

        let photoshoot = try await studio.generation.generate(user: user, look: studio.firstLook)
        let (reply, mayaStarted) = try await studio.maya.generate(
            user: user, from: "A confident headshot for LinkedIn, modern office, soft window light. Surprise me.")
        #expect(reply.prompt != nil)
        let maya = try #require(mayaStarted)
        #expect(maya.source == .maya)
        #expect(photoshoot.source == .photoshoot)
        #expect(photoshoot.lookID == studio.firstLook.rawValue)

        for started in [photoshoot, maya] {
            let done = try await studio.finish(started, for: user, reconcile: false)
            #expect(done.status == .succeeded, "\(done.failure?.providerError ?? "")")
        }
        #expect(await studio.predictionCreates().count == 2)

        var photos = try await studio.generation.photos(for: user)
        #expect(photos.count == 6)
        for generationID in [photoshoot.id, maya.id] {
            let own = photos.filter { $0.generationID == generationID }
            #expect(own.count == 3)
            #expect(Set(own.compactMap(\.outputIndex)) == [0, 1, 2])
        }
        for photo in photos {
            let (fetched, bytes) = try await studio.generation.photo(photo.id, for: user)
            #expect(fetched == photo)
            #expect(photo.kind == .generated)
            #expect(photo.contentType == "image/png")
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let image = try SimulatedImage(png: bytes)
            #expect(image.width == photo.width && image.height == photo.height)
            #expect(photo.width * 4 == photo.height * 3)
            #expect(photo.byteCount == bytes.count)
            #expect(photo.sha256 == Hex.sha256(bytes))
        }

        let favourite = photos[0]
        #expect(try await studio.generation.setFavourite(favourite.id, true, for: user).isFavourite)
        #expect(try await studio.generation.photos(for: user).first { $0.id == favourite.id }?.isFavourite == true)
        #expect(try await studio.generation.setFavourite(favourite.id, false, for: user).isFavourite == false)

        let doomed = photos[1]
        #expect(await studio.images.get(doomed.storageKey) != nil)
        try await studio.generation.deletePhoto(doomed.id, for: user)
        #expect(await studio.images.get(doomed.storageKey) == nil)
        photos = try await studio.generation.photos(for: user)
        #expect(photos.count == 5)
        #expect(!photos.contains { $0.id == doomed.id })
        await #expect(throws: SelfieModelKitError.self) { try await studio.generation.photo(doomed.id, for: user) }
        let error = await #expect(throws: SelfieModelKitError.self) {
            try await studio.generation.deletePhoto(doomed.id, for: user)
        }
        #expect(error?.code == .notFound)

        // The record, the two bodies sent and the archive pass the compliance audit.
        let bodies = await studio.predictionCreates().compactMap(\.body)
        let report = studio.context.auditor.audit(
            records: [record], requests: bodies.map { RecordedPredictionRequest(user: user.id, body: $0) })
        #expect(report.isCompliant, "\(report)")
    }
}

/// Lowercase hex digests.
enum Hex {
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
