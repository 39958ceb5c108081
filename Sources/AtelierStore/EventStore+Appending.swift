import GRDB

extension EventStore {
    /// Stores a new session together with its first events in one transaction,
    /// so a session is never stored without the events that created it.
    public func createSession(_ session: SessionRecord, firstEvents: [EventRecord]) throws(StoreError) {
        if let stray = firstEvents.first(where: { $0.sessionID != session.id }) {
            throw StoreError(
                .invalidBatch,
                "the first events of session \(session.id) include an event of session \(stray.sessionID)")
        }
        try write { db in
            let idTaken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?)", arguments: [session.id])
            if idTaken == true {
                throw StoreError(.duplicateSession, "session \(session.id) is already stored")
            }
            if try Self.joinCodeExists(session.joinCode, in: db) {
                throw StoreError(.joinCodeTaken, "join code \(session.joinCode) is already used by another session")
            }
            try db.execute(
                sql: "INSERT INTO sessions (\(SessionRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: session.databaseArguments)
            try Self.insert(firstEvents, in: db)
        }
    }

    /// Appends a batch of events, possibly of several sessions, in one transaction (group commit),
    /// returning after COMMIT.
    ///
    /// Each session's sequences must continue its stored log without gap or repeat; on any error nothing is written.
    public func append(_ events: [EventRecord]) throws(StoreError) {
        guard !events.isEmpty else { return }
        try write { db in try Self.insert(events, in: db) }
    }

    /// Checks every sequence against the stored log before writing any row; runs inside the caller's
    /// write transaction so the check and the writes see the same state.
    static func insert(_ events: [EventRecord], in db: Database) throws {
        var nextSequences: [String: Int64] = [:]
        for event in events {
            let expected = try nextSequences[event.sessionID] ?? nextSequence(of: event.sessionID, in: db)
            if event.sequence < expected {
                throw StoreError(
                    .duplicateSequence,
                    "session \(event.sessionID) expects sequence \(expected) but got \(event.sequence), already taken")
            }
            if event.sequence > expected {
                throw StoreError(
                    .sequenceGap,
                    "session \(event.sessionID) expects sequence \(expected) but got \(event.sequence)")
            }
            nextSequences[event.sessionID] = expected + 1
        }

        let statement = try db.cachedStatement(
            sql: "INSERT INTO events (\(EventRecord.columns)) VALUES (?, ?, ?, ?, ?, ?)")
        for event in events {
            try statement.execute(arguments: event.databaseArguments)
        }
    }

    /// The sequence a session's next event must carry: one past the last stored, or 1 for an empty log.
    private static func nextSequence(of sessionID: String, in db: Database) throws -> Int64 {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT seq FROM events WHERE session_id = sessions.id ORDER BY seq DESC LIMIT 1)
                FROM sessions WHERE id = ?
                """,
            arguments: [sessionID])
        guard let row else {
            throw StoreError(.unknownSession, "session \(sessionID) is not stored")
        }
        let last: Int64? = try row.decode(atIndex: 0)
        return (last ?? 0) + 1
    }

    /// Whether a stored session uses `joinCode`; shared by the public query and session creation.
    static func joinCodeExists(_ joinCode: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE join_code = ?)", arguments: [joinCode]) ?? false
    }
}
