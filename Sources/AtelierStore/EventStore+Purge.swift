import AtelierCore
import GRDB

/// What a purge removed from one session.
public struct PurgeReport: Sendable, Hashable {
    /// One participant whose details were removed.
    public struct Removal: Sendable, Hashable {
        /// The participant's id, which stays (notes, votes and comments refer to it).
        public var participantID: String
        /// Whether a name was removed (it is replaced by the participant id).
        public var name: Bool
        /// Whether an organisation was removed.
        public var organisation: Bool
    }

    /// The purged session.
    public var sessionID: String
    /// Participants whose name or organisation was removed, in join order; empty when there was nothing left to remove.
    public var removed: [Removal]
    /// Whether the write-ahead log was emptied into the database afterwards, so no copy of the old
    /// text is left in it; false while another connection (a running server) still reads the file.
    public var walCleared: Bool

    /// What retention removed, in one line for people and logs: the session and counts, never a name.
    public var retentionLine: String {
        "Retention expired for session \(sessionID): removed \(names) name\(names == 1 ? "" : "s") and "
            + "\(organisations) organisation\(organisations == 1 ? "" : "s")."
    }

    /// How many names were removed.
    public var names: Int { removed.filter(\.name).count }
    /// How many organisations were removed.
    public var organisations: Int { removed.filter(\.organisation).count }
}

extension EventStore {
    /// Removes participants' names and organisations from a session's log, keeping everything else
    /// (roles, languages, notes, comments, votes, recommendations), so the session still replays and
    /// exports. Each name becomes the participant's id (`p3`); the organisation disappears.
    ///
    /// The one deliberate exception to the append-only log. In a single IMMEDIATE transaction it reads
    /// the SQL of the triggers that guard `events` from `sqlite_master`, drops them, rewrites the
    /// `participantJoined` payloads, and recreates the triggers from that same SQL, so no other write
    /// can slip through while they are down and the guard comes back exactly as the migrations made it.
    /// `secure_delete` overwrites the freed bytes, and a final checkpoint empties the WAL when no one
    /// else has the file open. Running it again removes nothing and says so.
    public func purgeIdentities(session id: String) throws(StoreError) -> PurgeReport {
        let removed = try write { db -> [PurgeReport.Removal] in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?)", arguments: [id]) == true
            else { throw StoreError(.unknownSession, "session \(id) is not stored") }
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, json_extract(payload, '$.id') AS participant,
                       json_extract(payload, '$.name') IS NOT json_extract(payload, '$.id') AS has_name,
                       json_type(payload, '$.organisation') IS NOT NULL AS has_organisation
                FROM events WHERE session_id = ? AND type = 'participantJoined' ORDER BY seq
                """, arguments: [id])
            let targets = rows.filter { ($0["has_name"] as Bool? ?? false) || ($0["has_organisation"] as Bool? ?? false) }
            guard !targets.isEmpty else { return [] }

            let secureDelete = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
            try db.execute(sql: "PRAGMA secure_delete = ON")
            let triggers = try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' ORDER BY name")
            for trigger in triggers {
                let name: String = trigger["name"]
                try db.execute(sql: "DROP TRIGGER \(name.quotedDatabaseIdentifier)")
            }
            for target in targets {
                try db.execute(sql: """
                    UPDATE events
                    SET payload = json_remove(json_set(payload, '$.name', json_extract(payload, '$.id')), '$.organisation')
                    WHERE session_id = ? AND seq = ?
                    """, arguments: [id, target["seq"] as Int64])
            }
            for trigger in triggers { try db.execute(sql: trigger["sql"] as String) }
            try db.execute(sql: "PRAGMA secure_delete = \(secureDelete)")
            return targets.map {
                PurgeReport.Removal(participantID: $0["participant"], name: $0["has_name"], organisation: $0["has_organisation"])
            }
        }
        return PurgeReport(sessionID: id, removed: removed, walCleared: removed.isEmpty ? true : checkpointAfterPurge())
    }

    /// Copies the WAL into the database and truncates it; false when another connection prevents it.
    private func checkpointAfterPurge() -> Bool {
        do {
            return try StoreError.check {
                try queue.writeWithoutTransaction { db in
                    let result = try db.checkpoint(.truncate)
                    return result.walFrameCount == result.checkpointedFrameCount
                }
            }
        } catch {
            return false
        }
    }
}

extension EventStore {
    /// Sessions whose retention has run out at `now`: they ended at least their workshop's
    /// `retentionDays` ago (30 when the file gives none), in the order they were created.
    public func expiredSessions(at now: Timestamp) throws(StoreError) -> [SessionRecord] {
        let endings = try read { db in
            try Row.fetchAll(db, sql: "SELECT session_id, MAX(at) AS ended FROM events WHERE type = 'sessionEnded' GROUP BY session_id")
                .reduce(into: [String: Int64]()) { $0[$1["session_id"]] = $1["ended"] }
        }
        var expired: [SessionRecord] = []
        for record in try sessions() {
            guard let ended = endings[record.id] else { continue }
            let days = Int64(try replay(session: record.id).workshop.noticeRetentionDays)
            if now.milliseconds - ended >= days * 86_400_000 { expired.append(record) }
        }
        return expired
    }

    /// Purges every session whose retention has run out at `now`, one transaction each; the reports of
    /// those that still held names or organisations.
    public func purgeExpiredIdentities(at now: Timestamp) throws(StoreError) -> [PurgeReport] {
        var reports: [PurgeReport] = []
        for record in try expiredSessions(at: now) {
            let report = try purgeIdentities(session: record.id)
            if !report.removed.isEmpty { reports.append(report) }
        }
        return reports
    }
}
