import ArgumentParser

/// `selfie-fleet`: many simulated users on several host processes sharing one PostgreSQL, against
/// `selfie-sim` over HTTP, with every promise checked afterwards.
@main
struct SelfieFleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfie-fleet",
        abstract: "Runs N users through K host processes on one PostgreSQL and checks that nothing was lost.",
        discussion: """
            Each user signs up, uploads 12 selfies, trains, and makes one Maya and two Photoshoot \
            generations, through the library's public services in separate host processes. Replicate is \
            selfie-sim over HTTP (its rate limits on); webhooks reach the hosts over HTTP. Afterwards every \
            job must be terminal, nothing lost or duplicated (counted at the simulator and in the store), every \
            photo's provenance its owner's own model version, every quota counted once, and no user's row, \
            file or photo reachable as another's. Exits non-zero on any miss, naming the user and the job.
            """,
        subcommands: [RunCommand.self, HostCommand.self], defaultSubcommand: RunCommand.self)
}
