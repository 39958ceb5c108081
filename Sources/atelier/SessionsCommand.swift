import AtelierCore
import AtelierExport
import AtelierStore
import ArgumentParser

/// `atelier sessions`: what a database holds.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List the sessions recorded in a database.")

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    func run() throws {
        let store = try EventStore(path: db)
        let sessions = try store.sessions()
        if sessions.isEmpty { return print("No sessions in \(db).") }
        print("code    session        status   events  created           workshop")
        for record in sessions {
            let state = try store.replay(session: record.id)
            let clock = WorkshopClock(state.workshop)
            let created = clock.day(state.createdAt) + " " + clock.clock(state.createdAt)
            let events = try store.lastSequence(of: record.id)
            print("\(record.joinCode)  \(record.id)  \(state.status.rawValue.padding(8))\(String(events).padding(8))"
                + "\(created)  \(record.title)")
        }
    }
}

extension String {
    /// The string padded with spaces to `width` characters, for aligned columns.
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
