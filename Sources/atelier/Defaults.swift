import Foundation

/// Where things are when no option says otherwise.
enum Defaults {
    /// The workshop served when none is named.
    static let workshop = "Workshops/befus-25-ans.json"

    /// The database: `$ATELIER_DB`, else `$XDG_DATA_HOME/atelier/atelier.db`, else `~/.local/share/atelier/atelier.db`.
    static var database: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["ATELIER_DB"], !path.isEmpty { return path }
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share").path
        return data + "/atelier/atelier.db"
    }

    /// Where `atelier moderate` keeps its reconnect tokens: `$XDG_STATE_HOME/atelier/moderator`,
    /// else `~/.local/state/atelier/moderator`.
    static var moderatorIdentities: String {
        let state = ProcessInfo.processInfo.environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/state").path
        return state + "/atelier/moderator"
    }
}
