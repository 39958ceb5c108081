import AtelierStore
import ArgumentParser

/// `atelier purge SESSION`: removes participants' names and organisations, keeping what they wrote and voted.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove participants' names and organisations from a session, keeping notes, votes and the synthesis.",
        discussion: "Names become participant ids (p3); roles stay, so transcripts still attribute quotes by role.")

    @Argument(help: "Session id or join code.")
    var session: String

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Flag(help: "Purge even though the session has not ended (people who join later still leave their names).")
    var force = false

    func run() throws {
        let (store, record) = try StoredSession.find(session, in: db)
        let state = try store.replay(session: record.id)
        if state.status != .ended && !force {
            printError("Session \(record.id) (\(record.joinCode)) has not ended: end it first, or pass --force.")
            throw ExitCode.failure
        }
        let report = try store.purgeIdentities(session: record.id)
        guard !report.removed.isEmpty else {
            return print("Nothing to remove: session \(record.id) (\(record.joinCode)) holds no participant names or organisations.")
        }
        print("Session \(record.id) (\(record.joinCode)):")
        for removal in report.removed {
            let what = [removal.name ? "name" : nil, removal.organisation ? "organisation" : nil].compactMap { $0 }
            print("  \(removal.participantID.padding(6))removed \(what.joined(separator: " and "))")
        }
        print("Removed \(report.names) name\(report.names == 1 ? "" : "s") and \(report.organisations) "
            + "organisation\(report.organisations == 1 ? "" : "s"); notes, comments, votes and recommendations are kept.")
        if !report.walCleared {
            print("Another program has the database open: older copies of the names stay in its write-ahead log "
                + "until it closes the file.")
        }
    }
}
