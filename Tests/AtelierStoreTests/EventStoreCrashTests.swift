import Foundation
import GRDB
import Testing
import AtelierStore

/// What a writer killed with SIGKILL leaves behind, using the crash writer as a child process.
@Suite struct EventStoreCrashTests {
    @Test func killedWritersLeaveEveryReportedCommitAndNoPartialBatch() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            // Each report is "committed <last of crash-a> <last of crash-b>"; the writer appends 30 and 20 per batch.
            var lastReported: (a: Int64, b: Int64) = (0, 0)
            let rounds = 5
            for _ in 1...rounds {
                var reports = 0
                let outcome = try CrashWriter.run(mode: "loop", path: path, jitter: 0.005) { _ in
                    reports += 1
                    return reports >= 20
                }
                try #require(outcome.wasKilled, "writer ended on its own: \(outcome.errorOutput)")
                for line in outcome.lines {
                    let fields = line.split(separator: " ")
                    try #require(fields.count == 3 && fields[0] == "committed", "unexpected report \(line)")
                    lastReported = (try #require(Int64(fields[1])), try #require(Int64(fields[2])))
                }
            }

            let store = try EventStore(path: path)
            let a = try store.events(of: "crash-a").map(\.sequence)
            let b = try store.events(of: "crash-b").map(\.sequence)
            try store.close()
            #expect(a == Array(1...Int64(a.count)), "crash-a is contiguous from 1")
            #expect(b == Array(1...Int64(b.count)), "crash-b is contiguous from 1")
            #expect(Int64(a.count) >= lastReported.a, "every reported commit of crash-a survived")
            #expect(Int64(b.count) >= lastReported.b, "every reported commit of crash-b survived")
            #expect(a.count.isMultiple(of: 30) && b.count.isMultiple(of: 20), "no batch is cut within a session")
            #expect(a.count / 30 == b.count / 20, "no batch is cut across sessions")
            #expect(Int64(a.count) <= lastReported.a + 30, "at most one batch committed after the last report")
            #expect(try inspect(path) { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        }
    }

    @Test func aBatchUncommittedAtKillTimeLeavesNoTrace() throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            let committed = Fixture.events("held", 1...3)
            let setup = try EventStore(path: path)
            try setup.createSession(Fixture.session("held"), firstEvents: committed)
            try setup.close()
            let walPath = path + "-wal"
            let walSizeBefore = Self.fileSize(walPath)

            var walSizeWhileHeld = 0
            let outcome = try CrashWriter.run(mode: "hold", path: path) { line in
                guard line.hasPrefix("holding ") else { return false }
                walSizeWhileHeld = Self.fileSize(walPath)
                return true
            }
            try #require(outcome.wasKilled, "writer ended on its own: \(outcome.errorOutput)")
            #expect(outcome.lines == ["holding 2000"])
            #expect(walSizeWhileHeld > walSizeBefore, "the uncommitted batch reached the WAL file before the kill")

            let store = try EventStore(path: path)
            #expect(try store.events(of: "held") == committed)
            try store.append([Fixture.event("held", 4)])
            #expect(try store.lastSequence(of: "held") == 4)
            try store.close()

            #expect(try inspect(path) { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        }
    }

    /// Size in bytes of the file at `path`, or 0 when it does not exist.
    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
