import Foundation
import GRDB
import Testing
@testable import AtelierStore

/// Opening a file: folders, schema, migrations, journal and connection settings.
@Suite struct EventStoreSchemaTests {
    @Test func openingCreatesParentFoldersAndTheSchema() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("nested/deeper/atelier.db").path
            try EventStore(path: path).close()

            try inspect(path) { db in
                #expect(try db.tableExists("sessions"))
                #expect(try db.tableExists("events"))
                #expect(try db.triggerExists("events_refuse_update"))
                #expect(try db.triggerExists("events_refuse_delete"))
                #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") == ["v1", "v2-organiser-views", "v3-recommendation-translations", "v4-session-leases"])
                for view in ["participants", "rooms", "room_assignments", "notes", "comments", "votes", "vote_totals", "recommendations"] {
                    #expect(try db.viewExists(view), "view \(view)")
                }
                let eventColumns = try db.columns(in: "events").map(\.name)
                #expect(eventColumns == ["session_id", "seq", "at", "actor", "type", "payload"])
                #expect(try db.primaryKey("events").columns == ["session_id", "seq"])
            }
        }
    }

    @Test func reopeningAnExistingFileKeepsSchemaAndData() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            let first = try EventStore(path: path)
            try first.createSession(Fixture.session("s1"), firstEvents: Fixture.events("s1", 1...2))
            try first.close()

            let second = try EventStore(path: path)
            #expect(try second.sessions() == [Fixture.session("s1")])
            #expect(try second.events(of: "s1") == Fixture.events("s1", 1...2))
            try second.close()
            #expect(try inspect(path) { try Int.fetchOne($0, sql: "SELECT count(*) FROM grdb_migrations") } == 4)
        }
    }

    @Test func aClosedStoreRefusesFurtherCalls() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            let store = try EventStore(path: path)
            try store.close()

            let readError = #expect(throws: StoreError.self) { try store.sessions() }
            #expect(readError?.code == .closed)
            let writeError = #expect(throws: StoreError.self) { try store.createSession(Fixture.session("s1"), firstEvents: []) }
            #expect(writeError?.code == .closed)
            try store.close()
        }
    }

    @Test func aFileMigratedByANewerVersionIsRefused() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            try EventStore(path: path).close()
            try tamper(path) { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v999')") }

            let error = #expect(throws: StoreError.self) { try EventStore(path: path) }
            #expect(error?.code == .migration)
        }
    }

    @Test func aFileThatIsNotADatabaseFailsToOpen() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            try Data(String(repeating: "not a database ", count: 100).utf8).write(to: URL(fileURLWithPath: path))

            let error = #expect(throws: StoreError.self) { try EventStore(path: path) }
            #expect(error?.code == .open)
            #expect(error?.sqliteCode == ResultCode.SQLITE_NOTADB.rawValue)
        }
    }

    @Test func theJournalIsInWALMode() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            let store = try EventStore(path: path)
            #expect(try store.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
            #expect(try inspect(path) { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        }
    }

    @Test(arguments: [(EventStore.Durability.normal, 1), (.full, 2)])
    func durabilitySetsTheSynchronousLevel(durability: EventStore.Durability, level: Int) throws {
        try withTemporaryFolder { folder throws in
            let store = try EventStore(path: folder.appendingPathComponent("atelier.db").path, durability: durability)
            #expect(store.durability == durability)
            #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == level)
        }
    }

    @Test func foreignKeysAndTheBusyTimeoutAreOn() throws {
        try withTemporaryFolder { folder throws in
            let store = try EventStore(path: folder.appendingPathComponent("atelier.db").path, busyTimeout: 2.5)
            #expect(try store.queue.read { try Bool.fetchOne($0, sql: "PRAGMA foreign_keys") } == true)
            #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA busy_timeout") } == 2_500)
        }
    }

    @Test func anInMemoryStoreHasTheSameSchemaAndKeepsWhatItIsGivenUntilClosed() throws {
        let store = try EventStore.inMemory()
        #expect(store.path == ":memory:")
        try store.queue.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") == ["v1", "v2-organiser-views", "v3-recommendation-translations", "v4-session-leases"])
            #expect(try db.viewExists("notes"))
            #expect(try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true)
            // SQLite names no file for a database in memory.
            let file: String? = try Row.fetchOne(db, sql: "PRAGMA database_list")?["file"]
            #expect(file == "")
        }
        try store.createSession(Fixture.session("s1"), firstEvents: Fixture.events("s1", 1...2))
        try store.append(Fixture.events("s1", 3...3))
        #expect(try store.events(of: "s1") == Fixture.events("s1", 1...3))
        #expect(try EventStore.inMemory().sessions().isEmpty, "each in-memory store is its own")
        try store.close()
        #expect(throws: StoreError.self) { try store.sessions() }
    }
}
