import AtelierCore
import GRDB

/// A running server's claim on a session it serves: it keeps the log in memory and appends the
/// next sequence itself, so nothing else may append to that session while the claim is live.
public struct SessionLease: Sendable, Hashable {
    /// Who holds it, in words for a person (`atelier serve, process 4242`).
    public var holder: String
    /// When the holder last renewed it.
    public var renewedAt: Timestamp
}

extension EventStore {
    /// How long a lease lives without being renewed: a server renews its leases every minute, so
    /// one that stopped without releasing them (killed, crashed) holds them three minutes at most.
    public static let leaseLifetimeMilliseconds: Int64 = 180_000

    /// Version 4: the leases of served sessions.
    static func createSessionLeases(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE session_leases (
                session_id TEXT NOT NULL PRIMARY KEY REFERENCES sessions(id),
                holder TEXT NOT NULL,
                renewed_at INTEGER NOT NULL
            );
            """)
    }

    /// Claims or renews the leases of `sessions` for `holder` at `now`.
    public func holdSessions(_ sessions: [String], holder: String, at now: Timestamp) throws(StoreError) {
        guard !sessions.isEmpty else { return }
        try write { db in
            for session in sessions {
                try db.execute(sql: """
                    INSERT INTO session_leases (session_id, holder, renewed_at) VALUES (?, ?, ?)
                    ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder, renewed_at = excluded.renewed_at
                    """, arguments: [session, holder, now.milliseconds])
            }
        }
    }

    /// Gives up `holder`'s leases on `sessions`, or every lease it has (a server stopping).
    public func releaseSessions(_ sessions: [String]? = nil, holder: String) throws(StoreError) {
        try write { db in
            guard let sessions else {
                return try db.execute(sql: "DELETE FROM session_leases WHERE holder = ?", arguments: [holder])
            }
            for session in sessions {
                try db.execute(sql: "DELETE FROM session_leases WHERE holder = ? AND session_id = ?", arguments: [holder, session])
            }
        }
    }

    /// The live lease on a session at `now`, if any.
    public func lease(of session: String, at now: Timestamp) throws(StoreError) -> SessionLease? {
        try read { db in try Self.liveLease(of: session, at: now, in: db) }
    }

    /// Appends events to one session unless a server holds it, checking both in one transaction so
    /// no server can load the session between the check and the write. Refused with
    /// `.sessionServed` while a lease is live, and like `append` when the log grew meanwhile.
    public func appendUnlessServed(_ events: [EventRecord], at now: Timestamp) throws(StoreError) {
        guard let session = events.first?.sessionID else { return }
        if events.contains(where: { $0.sessionID != session }) {
            throw StoreError(.invalidBatch, "an unserved append holds events of one session only")
        }
        try write { db in
            if let lease = try Self.liveLease(of: session, at: now, in: db) {
                throw StoreError(.sessionServed, "session \(session) is served by \(lease.holder)")
            }
            try Self.insert(events, in: db)
        }
    }

    private static func liveLease(of session: String, at now: Timestamp, in db: Database) throws -> SessionLease? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT holder, renewed_at FROM session_leases WHERE session_id = ? AND renewed_at > ?",
            arguments: [session, now.milliseconds - leaseLifetimeMilliseconds])
        else { return nil }
        return SessionLease(holder: row["holder"], renewedAt: Timestamp(milliseconds: row["renewed_at"]))
    }
}
