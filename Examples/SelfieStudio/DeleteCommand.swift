import ArgumentParser
import Foundation
import SelfieModelKit
import SelfieModelKitServices

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// For the crash tests: the process kills itself with SIGKILL right after this step of the erasure.
    @Option(name: .customLong("kill-after-step"), help: .hidden) var killAfterStep: String?

    func validate() throws {
        if let killAfterStep, UserErasureStep(rawValue: killAfterStep) == nil {
            throw ValidationError("--kill-after-step: one of \(UserErasureStep.allCases.map(\.rawValue))")
        }
        guard confirm else {
            throw ValidationError(
                "This deletes user \(user)'s model, selfies, photos and records for good. Add --confirm to go ahead.")
        }
    }

    func run() async throws {
        let user = try options.user(user)
        let killAfter = killAfterStep.flatMap(UserErasureStep.init(rawValue:))
        let report = try await options.withRuntime { runtime in
            guard let killAfter else { return try await runtime.services.erasure.eraseUser(user) }
            let erasure = UserErasureService(context: runtime.services.context) { step, _ in
                guard step == killAfter else { return }
                // Replicate keeps what it answered when a host dies; the in-process simulator stands in for it,
                // so its world is written first. Then this process dies without any cleanup.
                await runtime.saveSimulatorState()
                kill(getpid(), SIGKILL)
            }
            return try await erasure.eraseUser(user)
        }
        print(report)
    }
}
