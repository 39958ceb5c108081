// Test helper for AtelierStoreTests: writes to a store until the test kills it with SIGKILL.
//
//   atelier-store-crash-writer loop <path>   appends batches forever, reporting each commit; resumes a previous run
//   atelier-store-crash-writer hold <path>   leaves a large batch uncommitted and waits
//
// Reports go to stdout unbuffered and only after the reported COMMIT returned, so each line the test reads
// names data that must survive the kill.

import AtelierStore
import Foundation
import GRDB

/// Sessions written by `loop`, with the number of events each receives per batch;
/// two sessions of different batch sizes let the test see whether a batch was cut across sessions.
let loopSessions: [(id: String, eventsPerBatch: Int64)] = [("crash-a", 30), ("crash-b", 20)]

/// Writes one line to stdout immediately, bypassing buffering so a killed process loses nothing it reported.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Writes the failure to stderr and exits, so the test sees why its child ended early.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("atelier-store-crash-writer: " + message + "\n").utf8))
    exit(1)
}

/// A JSON payload big enough that batches span several database pages.
func payload(_ sequence: Int64) -> String {
    "{\"sequence\":\(sequence),\"text\":\"\(String(repeating: "x", count: 300))\"}"
}

/// Creates the loop sessions unless an earlier run did, then appends one batch per turn from where the stored
/// log ends, reporting the sessions' last sequences after each commit.
func runLoop(path: String) throws -> Never {
    let store = try EventStore(path: path)
    for (index, session) in loopSessions.enumerated() where try store.session(id: session.id) == nil {
        try store.createSession(
            SessionRecord(
                id: session.id, joinCode: "CRASH\(index)", workshopID: "crash", title: session.id,
                createdAt: 0, moderatorKeyHash: "hash", moderatorKeySalt: "salt"),
            firstEvents: [])
    }
    var batch = try store.lastSequence(of: loopSessions[0].id) / loopSessions[0].eventsPerBatch
    while true {
        batch += 1
        var events: [EventRecord] = []
        for session in loopSessions {
            let first = (batch - 1) * session.eventsPerBatch + 1
            for sequence in first..<(first + session.eventsPerBatch) {
                events.append(
                    EventRecord(
                        sessionID: session.id, sequence: sequence, at: batch, actor: nil, type: "crash.tick",
                        payload: payload(sequence)))
            }
        }
        try store.append(events)
        report("committed " + loopSessions.map { String(batch * $0.eventsPerBatch) }.joined(separator: " "))
    }
}

/// Inserts `count` events for session `held` inside a transaction that never commits, with a tiny page cache
/// so the uncommitted pages spill into the WAL file, then reports and waits to be killed.
///
/// Should the test process die first, the writer exits once it is orphaned rather than hold the lock forever.
func runHold(path: String, count: Int64) throws {
    let parent = getppid()
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA cache_size = 8")
        try db.beginTransaction(.immediate)
        let last = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events WHERE session_id = 'held'") ?? 0
        for sequence in (last + 1)...(last + count) {
            try db.execute(
                sql: "INSERT INTO events (session_id, seq, at, actor, type, payload) VALUES ('held', ?, 0, NULL, ?, ?)",
                arguments: [sequence, "crash.held", payload(sequence)])
        }
        report("holding \(count)")
        while getppid() == parent {
            sleep(1)
        }
        fail("the test process is gone")
    }
}

guard CommandLine.arguments.count == 3 else {
    fail("usage: atelier-store-crash-writer loop|hold <path>")
}
do {
    let (mode, path) = (CommandLine.arguments[1], CommandLine.arguments[2])
    switch mode {
    case "loop": try runLoop(path: path)
    case "hold": try runHold(path: path, count: 2_000)
    default: fail("unknown mode \(mode)")
    }
} catch {
    fail("\(error)")
}
