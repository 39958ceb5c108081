import GRDB

extension EventStore {
    /// Name migration v1 gave the CHECK constraint on event payloads, so its violations surface as `.invalidPayload`.
    static let payloadCheckName = "payload_is_json"

    /// The one place schema versions are registered: append a migration for each change, never edit a shipped one.
    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createEventLog)
        migrator.registerMigration("v2-organiser-views", migrate: createOrganiserViews)
        migrator.registerMigration("v3-recommendation-translations", migrate: separateRecommendationTranslations)
        migrator.registerMigration("v4-session-leases", migrate: createSessionLeases)
        return migrator
    }

    /// Applies pending migrations, refusing a file that a newer build has already migrated further.
    static func migrate(_ queue: DatabaseQueue) throws {
        let migrator = makeMigrator()
        if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
            throw StoreError(.migration, "the database was written by a newer version of atelier")
        }
        try migrator.migrate(queue)
    }

    /// Version 1: the session registry and the append-only event log.
    ///
    /// The triggers refuse every UPDATE and DELETE on events. `purgeIdentities`, in one transaction,
    /// reads their SQL from sqlite_master, drops them, rewrites payloads, and re-runs that SQL, so it keeps
    /// working whatever later migrations make of the triggers.
    private static func createEventLog(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sessions (
                id TEXT NOT NULL PRIMARY KEY,
                join_code TEXT NOT NULL UNIQUE,
                workshop_id TEXT NOT NULL,
                title TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                moderator_key_hash TEXT NOT NULL,
                moderator_key_salt TEXT NOT NULL
            );

            -- A rowid table rather than WITHOUT ROWID: JSON payloads are often larger than
            -- the small rows WITHOUT ROWID suits; the primary key index serves per-session reads.
            CREATE TABLE events (
                session_id TEXT NOT NULL REFERENCES sessions(id),
                seq INTEGER NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT,
                type TEXT NOT NULL,
                payload TEXT NOT NULL CONSTRAINT payload_is_json CHECK (json_valid(payload)),
                PRIMARY KEY (session_id, seq)
            );

            CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
            BEGIN
                SELECT RAISE(ABORT, 'events are append-only');
            END;

            CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
            BEGIN
                SELECT RAISE(ABORT, 'events are append-only');
            END;
            """)
    }
}
