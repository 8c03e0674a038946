import ArgumentParser
import Foundation
import SelfieModelKit
import SelfieModelKitServices

/// `selfie-studio delete --user ID --confirm`: erases a user everywhere.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Erase a user everywhere: Replicate (jobs, model, versions, uploads), stored photos and records.",
        discussion: """
            In order: cancels the user's running trainings and generations, deletes every version of their model \
            and then the model at Replicate, deletes their uploaded training archives, deletes their selfies and \
            photos, and deletes their records. Run it again to finish an erasure that was interrupted. Nothing of \
            the user can be started meanwhile or afterwards. --confirm is required: it cannot be undone.
            """)
    @OptionGroup var options: StudioOptions
    @Option(help: "The user id.") var user: String
    @Flag(help: "Confirm that the user's model, photos and records are to be deleted for good.") var confirm = false

    func validate() throws {
        guard confirm else {
            throw ValidationError(
                "This deletes user \(user)'s model, selfies, photos and records for good. Add --confirm to go ahead.")
        }
    }

    func run() async throws {
        let user = try options.user(user)
        let report = try await options.withRuntime { runtime in
            try await runtime.services.erasure.eraseUser(user)
        }
        print(report)
    }
}
