import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

@testable import StudioServer

/// What `DELETE /account` answers.
struct AccountDeletionJSON: Decodable {
    var userID: String
    var complete: Bool
    var canceledJobs: Int
    var deletedVersions: Int
    var deletedModel: Bool
    var deletedUploads: Int
    var deletedPhotos: Int
    var retainedByReplicate: [String]
}

@Suite("Deleting an account")
struct AccountDeletionTests {
    @Test(
        "signed in and with the password: everything of the user goes, everyone else stays",
        arguments: TestStorage.allCases)
    func deleteAccount(storage: TestStorage) async throws {
        try await TestServer.with(storage) { server in
            try await server.application.test(.router) { client in
                try await server.deliverWebhooksThrough(client)
                let ada = try await client.signUp("ada@example.com")
                let grace = try await client.signUp("grace@example.com")
                for (index, user) in [ada, grace].enumerated() {
                    for selfie in SyntheticSelfies.make(count: 12, seed: 7 + UInt64(index)) {
                        let upload = try await client.send(
                            .post, "/selfies?name=\(selfie.filename)", as: user, body: selfie.png)
                        #expect(upload.status == .created)
                    }
                    #expect(try await client.send(.post, "/training", as: user).status == .accepted)
                }
                try await server.simulator.advance(by: 45 * 60)
                let looks = try await client.send(.get, "/photoshoot/looks", as: ada).json(LooksJSON.self)
                let look = try #require(looks.looks.first)
                let shoot = try await client.send(.post, "/photoshoot/generate", as: ada, json: ["lookID": look.id])
                #expect(shoot.status == .accepted)
                try await server.simulator.advance(by: 5 * 60)
                let graceBefore = try await client.send(.get, "/selfies", as: grace).json(PhotoListJSON.self).photos
                #expect(graceBefore.count == 12)
                let owner = server.backend.configuration.replicateOwner.rawValue
                let adaModel = "\(owner)/\(ada.userID)-selfie-lora"
                #expect(try await server.simulator.inventory(of: owner).models.contains { $0.name == adaModel })

                // Not signed in, or the wrong password: nothing happens.
                #expect(
                    try await client.send(.delete, "/account", json: ["password": "correct horse battery"]).status
                        == .unauthorized)
                let wrong = try await client.send(.delete, "/account", as: ada, json: ["password": "not my password"])
                #expect(wrong.status == .unauthorized)
                #expect(try await client.send(.get, "/selfies", as: ada).json(PhotoListJSON.self).photos.count == 12)

                let deleted = try await client.send(
                    .delete, "/account", as: ada, json: ["password": "correct horse battery"])
                #expect(deleted.status == .ok)
                let body = try deleted.json(AccountDeletionJSON.self)
                #expect(body.userID == ada.userID && body.complete && body.deletedModel)
                #expect(body.deletedVersions == 1 && body.deletedPhotos == 15 && !body.retainedByReplicate.isEmpty)

                // The session and the account are gone; so is everything the library kept.
                #expect(try await client.send(.get, "/photos", as: ada).status == .unauthorized)
                let signIn = try await client.send(
                    .post, "/auth/sign-in", json: ["email": "ada@example.com", "password": "correct horse battery"])
                #expect(signIn.status == .unauthorized)
                let user = AuthenticatedUser.verifiedByHost(try UserID(ada.userID), via: "test")
                let store = server.backend.services.context.store
                #expect(try await store.userModel(for: user) == nil)
                #expect(try await store.photos(of: .selfie, for: user).isEmpty)
                #expect(try await store.generations(for: user, limit: 100).isEmpty)
                let inventory = try await server.simulator.inventory(of: owner)
                #expect(!inventory.models.contains { $0.name == adaModel })
                #expect(!inventory.files.contains { $0.name == "selfies-\(ada.userID).zip" })

                // Grace is untouched.
                let graceAfter = try await client.send(.get, "/selfies", as: grace).json(PhotoListJSON.self).photos
                #expect(graceAfter.map(\.id) == graceBefore.map(\.id))
                #expect(inventory.models.contains { $0.name == "\(owner)/\(grace.userID)-selfie-lora" })
            }
        }
    }
}
