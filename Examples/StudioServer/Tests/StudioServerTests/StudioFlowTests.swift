import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SelfieModelKitTesting
import Testing

@testable import StudioServer

/// The whole journey of one user, then a second user who never reaches any of it.
@Suite("Studio server")
struct StudioFlowTests {
    static let mayaRequest =
        "A confident headshot for my LinkedIn profile, modern office, soft window light. Surprise me."

    /// What the first user ended up with, for the second user to try to reach.
    struct FirstUsersThings {
        var user: SignedIn
        var selfieID: String
        var generationID: String
        var photoID: String
        var favouritePhotoID: String
    }

    /// Sign up, upload 12 selfies, train, generate through the Photoshoot and Maya, then list, download,
    /// favourite and delete photos.
    func runWholeFlow(_ client: some TestClientProtocol, server: TestServer) async throws -> FirstUsersThings {
        try await server.deliverWebhooksThrough(client)
        let ada = try await client.signUp("ada@example.com")

        var selfieIDs: [String] = []
        for selfie in SyntheticSelfies.make(count: 12, seed: 7) {
            let response = try await client.send(.post, "/selfies?name=\(selfie.filename)", as: ada, body: selfie.png)
            #expect(response.status == .created)
            selfieIDs += try response.json(UploadJSON.self).stored.map(\.id)
        }
        #expect(selfieIDs.count == 12)
        let listed = try await client.send(.get, "/selfies", as: ada).json(PhotoListJSON.self)
        #expect(Set(listed.photos.map(\.id)) == Set(selfieIDs))

        let started = try await client.send(.post, "/training", as: ada)
        #expect(started.status == .accepted)
        let twice = try await client.send(.post, "/training", as: ada)
        #expect(twice.status == .conflict)
        #expect(try twice.json(ErrorBody.self).error.code == "training-already-active")

        try await server.simulator.advance(by: 45 * 60)
        let status = try await client.send(.get, "/training", as: ada).json(TrainingStatusJSON.self)
        #expect(status.canGenerate)
        #expect(status.trainingStatus == "completed")
        #expect(status.modelID == "sandrasocial/\(ada.userID)-selfie-lora")
        let deliveries = try await server.simulator.webhookAttempts()
        #expect(deliveries.contains { $0.delivery.event == "completed" })
        #expect(deliveries.allSatisfy { $0.outcome == .delivered(status: 200) }, "every webhook crossed the route")

        let looks = try await client.send(.get, "/photoshoot/looks", as: ada).json(LooksJSON.self)
        let look = try #require(looks.looks.first)
        let shoot = try await client.send(.post, "/photoshoot/generate", as: ada, json: ["lookID": look.id])
        #expect(shoot.status == .accepted)
        let shootID = try shoot.json(GenerationJSON.self).id

        let chat = try await client.send(
            .post, "/maya/chat", as: ada, json: ["message": "A confident headshot for LinkedIn"]
        ).json(MayaJSON.self)
        #expect(!chat.reply.isEmpty)
        let maya = try await client.send(
            .post, "/maya/generate", as: ada,
            json: ["message": Self.mayaRequest])
        #expect(maya.status == .accepted)
        let mayaGeneration = try #require(try maya.json(MayaJSON.self).generation)

        try await server.simulator.advance(by: 5 * 60)
        for id in [shootID, mayaGeneration.id] {
            let generation = try await client.send(.get, "/generations/\(id)", as: ada).json(GenerationJSON.self)
            #expect(generation.status == "succeeded")
            #expect(generation.photos.count == 3)
        }

        let photos = try await client.send(.get, "/photos", as: ada).json(PhotoListJSON.self).photos
        #expect(photos.count == 6)
        #expect(photos.allSatisfy { $0.kind == "generated" })
        let photo = try #require(photos.first)
        let download = try await client.send(.get, "/photos/\(photo.id)", as: ada)
        #expect(download.status == .ok)
        #expect(download.headers[.contentType] == "image/png")
        #expect(Array(download.body.readableBytesView.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        let favourite = try await client.send(
            .put, "/photos/\(photos[1].id)/favourite", as: ada, encoded: ["isFavourite": true])
        #expect(try favourite.json(PhotoJSON.self).isFavourite)

        let deleted = try await client.send(.delete, "/photos/\(photos[2].id)", as: ada)
        #expect(deleted.status == .noContent)
        #expect(try await client.send(.get, "/photos/\(photos[2].id)", as: ada).status == .notFound)

        return FirstUsersThings(
            user: ada, selfieID: selfieIDs[0], generationID: shootID, photoID: photo.id,
            favouritePhotoID: photos[1].id)
    }

    @Test("one user's whole journey", arguments: bothSetups, TestStorage.allCases)
    func wholeFlow(setup: TestingSetup, storage: TestStorage) async throws {
        try await TestServer.with(storage) { server in
            try await server.application.test(setup) { client in
                _ = try await runWholeFlow(client, server: server)
            }
        }
    }

    @Test("a second user never reaches the first user's anything", arguments: bothSetups, TestStorage.allCases)
    func secondUserIsolation(setup: TestingSetup, storage: TestStorage) async throws {
        try await TestServer.with(storage) { server in
            try await server.application.test(setup) { client in
                let first = try await runWholeFlow(client, server: server)
                let grace = try await client.signUp("grace@example.com")
                let missing = UUID().uuidString.lowercased()

                // Each attempt on the first user's id answers exactly like the same attempt on an id that never
                // existed.
                let attempts: [(HTTPRequest.Method, String, String)] = [
                    (.get, "/photos/\(first.photoID)", "/photos/\(missing)"),
                    (.delete, "/photos/\(first.photoID)", "/photos/\(missing)"),
                    (.get, "/generations/\(first.generationID)", "/generations/\(missing)"),
                    (.delete, "/selfies/\(first.selfieID)", "/selfies/\(missing)"),
                    (.get, "/photos/\(first.favouritePhotoID)", "/photos/\(missing)"),
                ]
                for (method, theirs, nobodys) in attempts {
                    let stolen = try await client.send(method, theirs, as: grace)
                    let absent = try await client.send(method, nobodys, as: grace)
                    #expect(stolen.status == .notFound, "\(method) \(theirs)")
                    #expect(stolen.status == absent.status)
                    #expect(try stolen.json(ErrorBody.self) == absent.json(ErrorBody.self))
                }
                let favourite = try await client.send(
                    .put, "/photos/\(first.favouritePhotoID)/favourite", as: grace, encoded: ["isFavourite": false])
                let favouriteMissing = try await client.send(
                    .put, "/photos/\(missing)/favourite", as: grace, encoded: ["isFavourite": false])
                #expect(favourite.status == .notFound)
                #expect(try favourite.json(ErrorBody.self) == favouriteMissing.json(ErrorBody.self))

                // Her own lists are empty, her training status is her own, and she cannot generate on his model.
                #expect(try await client.send(.get, "/photos", as: grace).json(PhotoListJSON.self).photos.isEmpty)
                #expect(try await client.send(.get, "/selfies", as: grace).json(PhotoListJSON.self).photos.isEmpty)
                let status = try await client.send(.get, "/training", as: grace).json(TrainingStatusJSON.self)
                #expect(!status.canGenerate)
                #expect(status.selfieCount == 0)
                #expect(status.modelID == nil)
                #expect(try await client.send(.post, "/training/cancel", as: grace).status == .notFound)
                let looks = try await client.send(.get, "/photoshoot/looks", as: grace).json(LooksJSON.self)
                let look = try #require(looks.looks.first)
                let generate = try await client.send(
                    .post, "/photoshoot/generate", as: grace, json: ["lookID": look.id])
                #expect(generate.status == .conflict)
                #expect(try generate.json(ErrorBody.self).error.code == "model-not-trained")
                let maya = try await client.send(
                    .post, "/maya/generate", as: grace, json: ["message": Self.mayaRequest])
                #expect(maya.status == .conflict)

                // Nothing of the first user's changed.
                let theirs = try await client.send(.get, "/photos", as: first.user).json(PhotoListJSON.self).photos
                #expect(theirs.count == 5)
                #expect(theirs.first { $0.id == first.favouritePhotoID }?.isFavourite == true)
                #expect(try await client.send(.get, "/photos/\(first.photoID)", as: first.user).status == .ok)
                let selfies = try await client.send(.get, "/selfies", as: first.user).json(PhotoListJSON.self).photos
                #expect(selfies.contains { $0.id == first.selfieID })
            }
        }
    }

    @Test("generation routes refuse requests without a signed-in user", arguments: bothSetups)
    func unauthenticated(setup: TestingSetup) async throws {
        try await TestServer.with { server in
            try await server.application.test(setup) { client in
                let forged = SignedIn(cookie: "SESSION_ID=not-a-session", userID: "u1")
                let routes: [(HTTPRequest.Method, String)] = [
                    (.post, "/selfies?name=a.png"), (.get, "/selfies"), (.post, "/training"), (.get, "/training"),
                    (.post, "/training/cancel"), (.post, "/maya/chat"), (.post, "/maya/generate"),
                    (.get, "/photoshoot/looks"), (.post, "/photoshoot/generate"), (.get, "/photos"),
                    (.get, "/photos/\(UUID())"), (.delete, "/photos/\(UUID())"), (.get, "/generations/\(UUID())"),
                ]
                for (method, uri) in routes {
                    for user in [nil, forged] {
                        let response = try await client.send(
                            method, uri, as: user, json: ["message": "hi", "lookID": "x"])
                        #expect(response.status == .unauthorized, "\(method) \(uri)")
                        #expect(try response.json(ErrorBody.self).error.code == "not-authenticated")
                    }
                }
            }
        }
    }

    @Test("a refused selfie is answered 422 with the library's reason and advice")
    func refusedSelfie() async throws {
        try await TestServer.with { server in
            try await server.application.test(.router) { client in
                let ada = try await client.signUp("ada@example.com")
                let response = try await client.send(
                    .post, "/selfies?name=notes.txt", as: ada, body: Data("not a photo at all".utf8))
                #expect(response.status == .unprocessableContent)
                let upload = try response.json(RefusalJSON.self)
                #expect(upload.totalKept == 0)
                let result = try #require(upload.results.first)
                #expect(!result.accepted)
                #expect(result.fileName == "notes.txt")
                #expect(result.reason == "photo.not-a-photo")
                #expect(result.message?.isEmpty == false)
            }
        }
    }

    @Test(
        "sign-in checks the bcrypt hash and answers a wrong email like a wrong password; a taken email is refused",
        arguments: TestStorage.allCases)
    func signIn(storage: TestStorage) async throws {
        try await TestServer.with(storage) { server in
            try await server.application.test(.router) { client in
                _ = try await client.signUp("ada@example.com", password: "correct horse battery")
                #expect(
                    try await client.send(
                        .post, "/auth/sign-up", json: ["email": "ADA@example.com", "password": "another one"]
                    ).status == .conflict)
                let good = try await client.send(
                    .post, "/auth/sign-in", json: ["email": "ada@example.com", "password": "correct horse battery"])
                #expect(good.status == .ok)
                #expect(good.headers[.setCookie] != nil)
                let wrongPassword = try await client.send(
                    .post, "/auth/sign-in", json: ["email": "ada@example.com", "password": "wrong horse"])
                let wrongEmail = try await client.send(
                    .post, "/auth/sign-in", json: ["email": "nobody@example.com", "password": "correct horse battery"])
                #expect(wrongPassword.status == .unauthorized)
                #expect(try wrongPassword.json(ErrorBody.self) == wrongEmail.json(ErrorBody.self))
                let stored = try #require(try await server.backend.accounts.account(email: "ada@example.com"))
                #expect(stored.passwordHash.hasPrefix("$2"))
                #expect(!stored.passwordHash.contains("correct horse"))
            }
        }
    }

    @Test("a forged or tampered webhook is refused with 401 and changes nothing", arguments: bothSetups)
    func forgedWebhook(setup: TestingSetup) async throws {
        try await TestServer.with { server in
            try await server.application.test(setup) { client in
                // Keep Replicate's deliveries instead of delivering them, to replay them by hand.
                let kept = KeptDeliveries()
                try await server.simulator.setWebhookReceiver { delivery in
                    await kept.append(delivery)
                    return 200
                }
                let ada = try await client.signUp("ada@example.com")
                for selfie in SyntheticSelfies.make(count: 12, seed: 3) {
                    _ = try await client.send(.post, "/selfies?name=\(selfie.filename)", as: ada, body: selfie.png)
                }
                #expect(try await client.send(.post, "/training", as: ada).status == .accepted)
                var completed: SimulatorWebhookDelivery?
                for _ in 0..<120 where completed == nil {
                    try await server.simulator.advance(by: 30)
                    completed = await kept.all.first { $0.event == "completed" }
                }
                let genuine = try #require(completed)

                // The same JSON with one more space: the signature covers the raw bytes, so it is refused.
                var tampered = genuine.body
                tampered.append(0x20)
                let forgedSignature = "v1,\(Data(repeating: 7, count: 32).base64EncodedString())"
                var forgedHeaders = genuine.headerFields
                forgedHeaders[HTTPField.Name("webhook-signature")!] = forgedSignature
                let refusals = [
                    (genuine.headerFields, tampered), (forgedHeaders, genuine.body), (HTTPFields(), genuine.body),
                ]
                for (headers, body) in refusals {
                    let response = try await client.execute(
                        uri: "/webhooks/replicate", method: .post, headers: headers, body: ByteBuffer(bytes: body))
                    #expect(response.status == .unauthorized)
                }
                #expect(try await !client.send(.get, "/training", as: ada).json(TrainingStatusJSON.self).canGenerate)

                // The genuine delivery, byte for byte, is applied.
                let accepted = try await client.execute(
                    uri: "/webhooks/replicate", method: .post, headers: genuine.headerFields,
                    body: ByteBuffer(bytes: genuine.body))
                #expect(accepted.status == .ok)
                #expect(try await client.send(.get, "/training", as: ada).json(TrainingStatusJSON.self).canGenerate)
            }
        }
    }
}

/// Webhook deliveries a test keeps aside.
actor KeptDeliveries {
    private(set) var all: [SimulatorWebhookDelivery] = []

    func append(_ delivery: SimulatorWebhookDelivery) { all.append(delivery) }
}
