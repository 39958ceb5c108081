import AtelierCore
import AtelierServer
import Foundation
import Testing

/// An organiser's sqlite3 shell on the live database: `BEGIN IMMEDIATE` holds the write lock
/// until `COMMIT`, as someone querying the views might do by mistake.
final class SQLiteShell {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(database: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// Runs `sql` and waits until the shell has done it (it prints a marker after).
    func run(_ sql: String) {
        input.fileHandleForWriting.write(Data("\(sql)\nSELECT 'done';\n".utf8))
        var seen = ""
        while !seen.contains("done") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// Nobody waits on the database for long: a write lock held outside the server delays the
/// acknowledgements of what is decided meanwhile, never the service itself.
@Suite(.serialized) struct StoreLockTests {
    static let note = Command.addNote(board: nil, prompt: "attentes", text: "pendant le verrou", colour: nil, anonymous: nil)

    /// A started session with `names` in it, and a shell holding the database's write lock.
    static func locked(_ names: [String], options: SessionHub.Options = .init()) throws -> (LiveServer, [Peer], SQLiteShell) {
        let server = try LiveServer(options: options)
        let peers = try names.map { name in
            let peer = try Peer(server)
            try peer.join(server, name: name)
            return peer
        }
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        let shell = try SQLiteShell(database: server.databasePath)
        shell.run("BEGIN IMMEDIATE;")
        return (server, peers, shell)
    }

    @Test func aWriteLockHeldByAShellDelaysAcksButStallsNobody() throws {
        let (server, peers, shell) = try Self.locked(["Anne", "Bob"])
        let (anne, bob) = (peers[0], peers[1])
        let noteID = anne.send(.command(Self.note))
        // Bob is answered while the lock holds, and Anne's note is neither acknowledged nor refused.
        let languageID = bob.send(.command(.setLanguage(language: "en")))
        for _ in 1...20 { #expect(try bob.request(.ping)["ack"] != nil) }
        let answered = { (peer: Peer, id: Int64) in
            peer.received.contains { $0["ack"]?.int64Value == id || $0["error"]?.int64Value == id }
        }
        #expect(!answered(anne, noteID))
        #expect(!answered(bob, languageID), "a command waits for the lock too")

        shell.run("COMMIT;")
        shell.close()
        let answer = try anne.answer(to: noteID)
        #expect(answer["ack"] != nil, "\(answer.serialized())")
        #expect(try bob.answer(to: languageID)["ack"] != nil)
        try bob.waitForEvent("noteAdded") { $0["text"] == .string("pendant le verrou") }
        let stored = try server.store.events(of: server.sessionID).count { $0.type == "noteAdded" }
        #expect(stored == 1)
    }

    @Test func commandsThatWaitedForALockPastThePatienceAreRefusedAndChangeNothing() throws {
        var options = SessionHub.Options()
        options.lockPatienceMilliseconds = 300
        let (server, peers, shell) = try Self.locked(["Anne"], options: options)
        let anne = peers[0]
        let refused = try anne.command(Self.note)
        #expect(Peer.code(refused) == "server.storeFailed")
        #expect(server.hub.state(of: server.sessionID)?.notes.isEmpty == true)
        shell.run("COMMIT;")
        shell.close()
        #expect(try anne.command(Self.note)["ack"] != nil)
    }
}
