import AtelierCore
import AtelierWire
import ArgumentParser

/// `atelier check FILE...`: validates workshop files the way the server will read them.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate workshop files; print each problem as FILE:LINE: PATH: MESSAGE.")

    @Argument(help: "Workshop files to check.", completion: .file(extensions: ["json"]))
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let workshop = try WorkshopFile.load(path: file)
                print("\(file): ok — \(WorkshopSummary(workshop))")
                for stated in workshop.statedDefaults { print("\(file): \(stated)") }
            } catch {
                failed = true
                printError(error.description)
            }
        }
        if failed { throw ExitCode.failure }
    }
}

/// One line saying what a workshop holds.
struct WorkshopSummary: CustomStringConvertible {
    let workshop: WorkshopDefinition
    init(_ workshop: WorkshopDefinition) { self.workshop = workshop }

    var description: String {
        let title = workshop.title.text(in: workshop.primaryLanguage)
        return "\(title) (\(count(workshop.agenda.count, "slot")), \(count(workshop.rooms.count, "room")), "
            + "\(count(workshop.roles.count, "role")), \(count(workshop.addressees?.count ?? 0, "addressee")), \(workshop.languages.joined(separator: "/")))"
    }

    private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
