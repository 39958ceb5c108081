import ArgumentParser

/// The `atelier` command: one executable for organisers, moderators and operators.
@main
struct Atelier: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Live facilitation for collective-intelligence workshops.",
        subcommands: [CheckCommand.self, SimulateCommand.self, SessionsCommand.self, ModerateCommand.self])
}
