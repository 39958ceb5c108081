import ArgumentParser

/// The `atelier` command: one executable for organisers, moderators and operators.
@main
struct Atelier: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Live facilitation for collective-intelligence workshops.",
        subcommands: [
            ServeCommand.self, ModerateCommand.self, CheckCommand.self, SimulateCommand.self, SessionsCommand.self,
            ExportCommand.self, SynthesisCommand.self, PurgeCommand.self, StateCommand.self, BenchCommand.self,
        ])
}
