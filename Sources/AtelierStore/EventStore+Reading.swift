import GRDB

extension EventStore {
    /// Events of a session with a sequence above `sequence`, in sequence order, at most `limit` of them
    /// (all when nil); lets a reconnecting client or a replay page through the log.
    public func events(of sessionID: String, after sequence: Int64 = 0, limit: Int? = nil) throws(StoreError)
        -> [EventRecord]
    {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(EventRecord.columns) FROM events
                    WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?
                    """,
                // A negative LIMIT means no limit in SQLite.
                arguments: [sessionID, sequence, limit.map { max(0, $0) } ?? -1]
            ).map(EventRecord.init(row:))
        }
    }

    /// Sequence of the session's last stored event, or 0 when it has none or is not stored.
    public func lastSequence(of sessionID: String) throws(StoreError) -> Int64 {
        try read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT seq FROM events WHERE session_id = ? ORDER BY seq DESC LIMIT 1",
                arguments: [sessionID]) ?? 0
        }
    }

    /// Every stored session, oldest first, so the server can rebuild its registry at start.
    public func sessions() throws(StoreError) -> [SessionRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(SessionRecord.columns) FROM sessions ORDER BY created_at, id")
                .map(SessionRecord.init(row:))
        }
    }

    /// The session with this identifier, or nil.
    public func session(id: String) throws(StoreError) -> SessionRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(SessionRecord.columns) FROM sessions WHERE id = ?", arguments: [id])
                .map(SessionRecord.init(row:))
        }
    }

    /// The session participants join with this code, or nil; codes compare exactly, so normalise before.
    public func session(joinCode: String) throws(StoreError) -> SessionRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(SessionRecord.columns) FROM sessions WHERE join_code = ?", arguments: [joinCode]
            ).map(SessionRecord.init(row:))
        }
    }

    /// Whether a stored session already uses this join code, so the server can draw another before creating.
    public func isJoinCodeTaken(_ joinCode: String) throws(StoreError) -> Bool {
        try read { db in try Self.joinCodeExists(joinCode, in: db) }
    }
}
