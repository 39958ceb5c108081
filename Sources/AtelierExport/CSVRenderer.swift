import AtelierCore

/// Writes a transcript's notes, comments and votes as three CSV tables, one file each, because each
/// has its own columns and a spreadsheet opens one table per file.
///
/// RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line
/// break, quotes doubled. A UTF-8 byte order mark leads each file so spreadsheet programs read the
/// accents right. Times are local to the workshop (`YYYY-MM-DD HH:MM:SS`).
struct CSVRenderer {
    let transcript: Transcript
    let clock: WorkshopClock
    let words: Vocabulary

    init(_ transcript: Transcript) {
        self.transcript = transcript
        clock = WorkshopClock(timezone: transcript.timezone)
        words = Vocabulary.for(transcript.language)
    }

    /// A header row in the document's language, from the columns' keys.
    private func header(_ keys: [String]) -> [String] { keys.map { words.columns[$0] ?? $0 } }

    private func yesNo(_ value: Bool) -> String { value ? words.yes : words.no }

    /// The tables, in the order `notes`, `comments`, `votes`.
    func tables() -> [(name: String, bytes: [UInt8])] {
        [("notes", notes()), ("comments", comments()), ("votes", votes())].map { ($0.0, Self.encode($0.1)) }
    }

    private var names: Bool { transcript.namesIncluded }

    private func authorHeader() -> [String] {
        header(["author_role"] + (names ? ["author_name", "author_organisation"] : []))
    }

    private func author(_ attribution: Transcript.Attribution?) -> [String] {
        [attribution?.role.label ?? ""] + (names ? [attribution?.name ?? "", attribution?.organisation ?? ""] : [])
    }

    /// Every note with its board, question, group, author's role, dots and whether it was promoted.
    private func notes() -> [[String]] {
        var rows = [header(["note_id", "slot", "room", "theme", "question", "group", "text", "anonymous"]) + authorHeader()
            + header(["created_at", "dots", "promoted"])]
        for board in transcript.boards {
            let prompts = Dictionary(board.prompts.map { ($0.id, $0.text) }, uniquingKeysWith: { first, _ in first })
            let grouped = board.clusters.flatMap { cluster in cluster.notes.map { ($0, cluster.name ?? cluster.id) } }
            let loose = board.ungrouped.flatMap { group in group.notes.map { ($0, "") } }
            for (note, group) in (grouped + loose).sorted(by: { isBefore(($0.0.createdAt, $0.0.id), ($1.0.createdAt, $1.0.id)) }) {
                rows.append([note.id, board.slot, board.room, board.theme, prompts[note.prompt] ?? note.prompt, group,
                             note.text, yesNo(note.anonymous)] + author(note.attribution)
                    + [clock.dateTime(Timestamp(milliseconds: note.createdAt)), String(note.dots), yesNo(note.promoted)])
            }
        }
        return rows
    }

    private func comments() -> [[String]] {
        var lines: [(key: (Int64, String), row: [String])] = []
        for board in transcript.boards {
            for note in board.clusters.flatMap(\.notes) + board.ungrouped.flatMap(\.notes) {
                for comment in note.comments {
                    lines.append(((comment.createdAt, comment.id), [comment.id, note.id, board.theme, note.text, comment.text]
                        + author(comment.attribution) + [clock.dateTime(Timestamp(milliseconds: comment.createdAt))]))
                }
            }
        }
        let columns = header(["comment_id", "note_id", "theme", "note", "text"]) + authorHeader() + header(["created_at"])
        return [columns] + lines.sorted { isBefore($0.key, $1.key) }.map(\.row)
    }

    /// Writing order: by time, then by id number (`n9` before `n10`).
    private func isBefore(_ lhs: (Int64, String), _ rhs: (Int64, String)) -> Bool {
        if lhs.0 != rhs.0 { return lhs.0 < rhs.0 }
        return lhs.1.count != rhs.1.count ? lhs.1.count < rhs.1.count : lhs.1 < rhs.1
    }

    /// One row per item of each round, with its room when the round spans rooms and its dots from every role that voted in any round.
    private func votes() -> [[String]] {
        var roles: [Transcript.RoleRef] = []
        for vote in transcript.votes { for role in vote.roles where !roles.contains(role.role) { roles.append(role.role) } }
        var rows = [header(["vote_id", "slot", "scope", "status", "rank", "item_id", "item", "room", "dots", "voters"]) + roles.map(\.label)]
        for vote in transcript.votes {
            for item in vote.items {
                let byRole = roles.map { role in
                    vote.roles.firstIndex { $0.role == role }.map { String(item.byRole[$0]) } ?? "0"
                }
                rows.append([vote.id, vote.slot, words.scopes[vote.scope] ?? vote.scope, words.statuses[vote.status] ?? vote.status,
                             String(item.rank), item.item, item.text, item.room ?? "", String(item.dots), String(item.voters)] + byRole)
            }
        }
        return rows
    }

    /// The rows as RFC 4180 bytes behind a byte order mark.
    static func encode(_ rows: [[String]]) -> [UInt8] {
        let text = rows.map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// One field, quoted when it holds a comma, a quote, a line break or edge spaces.
    ///
    /// A field starting with `=`, `+`, `-` or `@` gets a leading apostrophe: spreadsheets would
    /// otherwise run a participant's text as a formula (CSV injection).
    static func field(_ raw: String) -> String {
        let value = raw.first.map { "=+-@".contains($0) } == true ? "'" + raw : raw
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.first == " " || value.last == " "
        return needsQuotes ? "\"" + value.replacingAll("\"", with: "\"\"") + "\"" : value
    }
}

extension String {
    /// The string with every `target` replaced by `replacement`, without Foundation.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
