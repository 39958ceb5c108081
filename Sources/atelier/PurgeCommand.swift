import AtelierServer
import AtelierStore
import ArgumentParser
import Foundation

/// `atelier purge SESSION`: removes participants' names and organisations, keeping what they wrote and voted.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove participants' names and organisations from a session, keeping notes, votes and the synthesis.",
        discussion: """
            Names become participant ids (p3); roles stay, so transcripts still attribute quotes by role. \
            With --expired, every session that ended at least its workshop's retentionDays ago (30 by default) \
            is purged.
            """)

    @Argument(help: "Session id or join code.")
    var session: String?

    @Flag(help: "Purge every session whose retention has run out, instead of one session.")
    var expired = false

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Flag(help: "Purge even though the session has not ended (people who join later still leave their names).")
    var force = false

    func validate() throws {
        if (session == nil) == !expired { throw ValidationError("Give a session, or --expired for every expired session.") }
        if expired && force { throw ValidationError("--force purges one session that has not ended; --expired only ended ones.") }
    }

    func run() throws {
        guard let session else { return try purgeExpired() }
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

    private func purgeExpired() throws {
        guard FileManager.default.fileExists(atPath: db) else {
            printError("No database at \(db): pass --db or set ATELIER_DB.")
            throw ExitCode.failure
        }
        let reports = try EventStore(path: db).purgeExpiredIdentities(at: SessionHub.wallClock())
        if reports.isEmpty { return print("No expired session holds names or organisations.") }
        for report in reports { print(report.retentionLine) }
    }
}
