import Foundation
import GRDB
import Testing
import AtelierStore

/// How the store behaves while other connections read or write the same file.
@Suite struct EventStoreConcurrencyTests {
    @Test func aReaderHoldingATransactionDoesNotBlockAppends() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            // No busy timeout: any wait on the reader's lock would fail the append at once.
            let store = try EventStore(path: path, busyTimeout: 0)
            try store.createSession(Fixture.session("s1"), firstEvents: Fixture.events("s1", 1...2))

            let reader = try DatabaseQueue(path: path)
            let (before, during) = try reader.read { db in
                let count = "SELECT count(*) FROM events"
                let before = try Int.fetchOne(db, sql: count)
                try store.append(Fixture.events("s1", 3...4))
                return (before, try Int.fetchOne(db, sql: count))
            }
            #expect(before == 2)
            #expect(during == 2, "the reader keeps its snapshot")
            #expect(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") } == 4)
            #expect(try store.lastSequence(of: "s1") == 4)
            try reader.close()
        }
    }

    @Test func anotherWriterHoldingTheLockMakesAppendFailAsBusyAfterTheTimeout() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            let store = try EventStore(path: path, busyTimeout: 0.2)
            try store.createSession(Fixture.session("s1"), firstEvents: [])

            let organiser = try DatabaseQueue(path: path)
            var error: StoreError?
            try organiser.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    error = #expect(throws: StoreError.self) { try store.append([Fixture.event("s1", 1)]) }
                    return .rollback
                }
            }
            try organiser.close()

            #expect(error?.code == .busy)
            #expect(try store.lastSequence(of: "s1") == 0)
            try store.append([Fixture.event("s1", 1)])
            #expect(try store.lastSequence(of: "s1") == 1)
        }
    }
}
