import AtelierCore
import AtelierExport
import AtelierStore
import Foundation
import GRDB
import Testing

@Suite struct PurgeTests {
    @Test("A session is purged once its workshop's retention (30 days by default) has run since it ended, not a moment before")
    func expiredSessionsArePurged() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            let live = try ExportFixture.record(in: store)
            #expect(live.status == .ended && live.workshop.retentionDays == nil)
            let ended = try #require(try store.events(of: ExportFixture.sessionID).last { $0.type == "sessionEnded" }).at
            let retention: Int64 = 30 * 86_400_000

            #expect(try store.purgeExpiredIdentities(at: Timestamp(milliseconds: ended + retention - 1)).isEmpty)
            #expect(try store.replay(session: ExportFixture.sessionID) == live)

            let reports = try store.purgeExpiredIdentities(at: Timestamp(milliseconds: ended + retention))
            #expect(reports.map(\.sessionID) == [ExportFixture.sessionID])
            #expect(reports.first?.names == ExportFixture.participants + 1)
            #expect(try store.replay(session: ExportFixture.sessionID).participants.values.allSatisfy { $0.name == $0.id })
            #expect(try store.purgeExpiredIdentities(at: Timestamp(milliseconds: ended + retention)).isEmpty, "nothing left to remove")
        }
    }

    @Test("Purge removes every name and organisation, says whose, and leaves a log that replays to the same session otherwise")
    func purgeKeepsEverythingButIdentities() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            let live = try ExportFixture.record(in: store)
            let report = try store.purgeIdentities(session: ExportFixture.sessionID)

            #expect(report.removed.map(\.participantID) == live.participantOrder)
            #expect(report.names == ExportFixture.participants + 1)
            #expect(report.organisations == ExportFixture.participants, "the moderator gave no organisation")
            #expect(report.walCleared)

            let purged = try store.replay(session: ExportFixture.sessionID)
            for (id, person) in purged.participants {
                #expect(person.name == id && person.organisation == nil)
                #expect(person.role == live.participants[id]?.role)
            }
            var expected = live
            for id in expected.participantOrder {
                expected.participants[id]?.name = id
                expected.participants[id]?.organisation = nil
            }
            #expect(purged == expected, "notes, comments, votes, promotions and recommendations are untouched")
        }
    }

    @Test("After a purge the default export is unchanged but for the organisations list")
    func exportAfterPurge() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            let live = try ExportFixture.record(in: store)
            _ = try store.purgeIdentities(session: ExportFixture.sessionID)
            let purged = try store.replay(session: ExportFixture.sessionID)
            var before = Transcript(state: live)
            let after = Transcript(state: purged)
            #expect(after.attendance.organisations.isEmpty)
            before.attendance.organisations = []
            #expect(before == after)
        }
    }

    @Test("A second purge removes nothing and says so")
    func purgeTwice() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            _ = try ExportFixture.record(in: store)
            _ = try store.purgeIdentities(session: ExportFixture.sessionID)
            let again = try store.purgeIdentities(session: ExportFixture.sessionID)
            #expect(again.removed.isEmpty && again.names == 0 && again.organisations == 0)
        }
    }

    @Test("The log is append-only again after a purge")
    func triggersComeBack() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("log.db").path
            let store = try EventStore(path: path)
            _ = try ExportFixture.record(in: store)
            let before = try triggers(in: path)
            _ = try store.purgeIdentities(session: ExportFixture.sessionID)
            #expect(try triggers(in: path) == before)
            #expect(before.count == 2)
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE events SET payload = '{}'") } }
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM events") } }
        }
    }

    @Test("No byte of a purged name is left in the database files")
    func namesGoneFromDisk() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("log.db").path
            let store = try EventStore(path: path)
            let live = try ExportFixture.record(in: store)
            _ = try store.purgeIdentities(session: ExportFixture.sessionID)
            try store.close()
            var bytes: [UInt8] = []
            for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: path + suffix).map(Array.init) ?? [] }
            let disk = String(decoding: bytes, as: UTF8.self)
            for person in live.participants.values {
                #expect(!disk.contains("\"\(person.name)\""), "\(person.name) is still on disk")
                if let organisation = person.organisation { #expect(!disk.contains(organisation)) }
            }
        }
    }

    @Test("Purging a session the database does not hold fails with unknownSession")
    func unknownSession() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            #expect { try store.purgeIdentities(session: "nope") } throws: { ($0 as? StoreError)?.code == .unknownSession }
        }
    }

    /// The SQL of the triggers on the file, as `sqlite_master` holds it.
    private func triggers(in path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { try String.fetchAll($0, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name") }
    }
}
