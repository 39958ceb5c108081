import AtelierStore
import ArgumentParser
import Foundation

/// Finds the session a command names, by id or join code, in an existing database.
enum StoredSession {
    /// The open store and the session `reference` names; prints why and fails when either is missing.
    static func find(_ reference: String, in path: String) throws -> (store: EventStore, record: SessionRecord) {
        guard FileManager.default.fileExists(atPath: path) else {
            printError("No database at \(path): pass --db or set ATELIER_DB.")
            throw ExitCode.failure
        }
        let store = try EventStore(path: path)
        let code = reference.uppercased()
        guard let record = try store.session(id: reference) ?? store.session(joinCode: reference)
            ?? store.session(joinCode: code)
        else {
            printError("No session \"\(reference)\" in \(path): give a session id or a join code (`atelier sessions` lists them).")
            throw ExitCode.failure
        }
        return (store, record)
    }
}
