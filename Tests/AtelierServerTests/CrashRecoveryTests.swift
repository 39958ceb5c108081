import AtelierClient
import AtelierCore
import AtelierStore
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `$ATELIER_BIN`, else the `atelier` executable next to this test bundle (both are products of
/// the same build), else the package's `.build/debug/atelier`.
private let atelierBinary: String = {
    if let given = ProcessInfo.processInfo.environment["ATELIER_BIN"] { return given }
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for directory in [bundle, bundle.deletingLastPathComponent()] where FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("atelier").path) {
        return directory.appendingPathComponent("atelier").path
    }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return package.appendingPathComponent(".build/debug/atelier").path
}()

/// `atelier serve` as a separate process, so that it can be killed.
private final class ServeProcess {
    let process = Process()
    private(set) var port = 0
    private(set) var code = ""
    private(set) var key: String?

    init(database: String, workshop: String, port requested: Int = 0) throws {
        process.executableURL = URL(fileURLWithPath: atelierBinary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(requested), "--db", database,
                             "--workshop", workshop, "--web", NSTemporaryDirectory()]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var banner = ""
        let reader = output.fileHandleForReading
        while !banner.contains("Stop with Ctrl-C.") {
            let chunk = reader.availableData
            guard !chunk.isEmpty else { throw ServeError.noBanner(banner) }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        for line in banner.split(separator: "\n") {
            if line.hasPrefix("atelier serving on http://127.0.0.1:") {
                port = Int(line.dropFirst("atelier serving on http://127.0.0.1:".count).prefix { $0.isNumber }) ?? 0
            } else if line.hasPrefix("Session ") {
                code = String(line.dropFirst("Session ".count).prefix { $0 != " " })
            } else if let range = line.range(of: "Moderator key: "), line.contains("shown once") {
                key = String(line[range.upperBound...].prefix { $0 != " " })
            }
        }
    }

    enum ServeError: Error { case noBanner(String) }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// What one client was told: the commands the server acknowledged, and those whose answer the
/// crash swallowed.
private final class Ledger: Sendable {
    struct Entry: Sendable { let command: Command; let seq: Int64? }
    let acked = Mutex<[Entry]>([])
    let unanswered = Mutex<[Command]>([])
    let refused = Mutex<[String]>([])

    func record(_ update: SessionConnection.Update) {
        switch update {
        case .accepted(_, let command, let seq): acked.withLock { $0.append(Entry(command: command, seq: seq)) }
        case .unanswered(_, let command): unanswered.withLock { $0.append(command) }
        case .refused(_, let command, let error): refused.withLock { $0.append("\(command): \(error.code)") }
        default: break
        }
    }
}

/// Kill -9 in the middle of a session: nothing acknowledged is lost, and clients come back alone.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func everyAcknowledgedActionSurvivesAKillAndClientsResyncByThemselves() throws {
        #expect(FileManager.default.isExecutableFile(atPath: atelierBinary), "atelier is not built at \(atelierBinary)")
        let folder = NSTemporaryDirectory() + "atelier-crash-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "atelier.db"
        let workshop = folder + "essai.json"
        try testWorkshopJSON.write(toFile: workshop, atomically: true, encoding: .utf8)

        let first = try ServeProcess(database: database, workshop: workshop)
        let key = try #require(first.key)
        let url = "ws://127.0.0.1:\(first.port)/ws"
        func connection(_ entry: SessionConnection.Entry, _ ledger: Ledger) throws -> SessionConnection {
            let configuration = SessionConnection.Configuration(url: url, code: first.code, entry: entry, initialDelay: 0.2, maximumDelay: 1)
            let connection = try SessionConnection(configuration: configuration) { ledger.record($0) }
            connection.start()
            return connection
        }
        func waitUntil(_ what: String, seconds: Double = 30, _ condition: () -> Bool) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while !condition() {
                guard Date() < deadline else { throw CrashError.timeout(what) }
                usleep(20_000)
            }
        }

        // The moderator starts the session, puts three notes up and opens a generous dot vote.
        let moderatorLedger = Ledger()
        let moderator = try connection(.moderate(key: key, name: "Claire", language: "fr"), moderatorLedger)
        try waitUntil("moderator live") { moderator.status == .live }
        _ = moderator.send(.start)
        for text in ["Un café", "Des bancs", "Un parc"] {
            _ = moderator.send(.addNote(board: nil, prompt: "attentes", text: text, colour: nil, anonymous: nil))
        }
        _ = moderator.send(.openVote(on: .boards, dotsPerPerson: 100, maxDotsPerItem: 100, hidden: false))
        try waitUntil("vote open") { moderatorLedger.acked.withLock { $0.count } == 5 }

        // Three participants write notes and place dots until the server is killed.
        let names = ["Anne", "Bob", "Chloé"]
        let ledgers = names.map { _ in Ledger() }
        let writers = try zip(names, ledgers).map { name, ledger in
            try connection(.join(name: name, role: "citoyen", organisation: nil, language: "fr"), ledger)
        }
        try waitUntil("writers live") { writers.allSatisfy { $0.status == .live } }
        let stopWriting = Atomic<Bool>(false)
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // One message every 20 ms in turn: about 16 a second each, within the rate limit, so
            // some are usually in flight when the server dies.
            var round = 0
            while !stopWriting.load(ordering: .acquiring) {
                for (index, writer) in writers.enumerated() where !stopWriting.load(ordering: .acquiring) {
                    _ = round.isMultiple(of: 2)
                        ? writer.send(.addNote(board: nil, prompt: "attentes", text: "\(names[index]) \(round)", colour: nil, anonymous: nil))
                        : writer.send(.placeDot(vote: "v1", item: "n\(1 + (round / 2 + index) % 3)"))
                    usleep(20_000)
                }
                round += 1
            }
            stopped.signal()
        }
        // Killed in the middle of the writing, once everyone has had a few acks.
        try waitUntil("writers acknowledged") { ledgers.allSatisfy { $0.acked.withLock { $0.count } >= 8 } }
        usleep(UInt32.random(in: 0..<60_000))  // not always between two messages
        first.kill()
        stopWriting.store(true, ordering: .releasing)
        stopped.wait()
        try waitUntil("writers dropped") { writers.allSatisfy { $0.status != .live } }
        // Every ack was sent by the killed server.
        let acked = ledgers.map { $0.acked.withLock { $0 } }

        let second = try ServeProcess(database: database, workshop: workshop, port: first.port)
        defer { second.stop() }
        #expect(second.port == first.port && second.code == first.code && second.key == nil)

        // The clients come back by themselves with rejoin and catch up.
        let everyone = [moderator] + writers
        try waitUntil("everyone back") { everyone.allSatisfy { $0.status == .live } }
        let observerLedger = Ledger()
        let observer = try connection(.moderate(key: key, name: "Observer", language: "fr"), observerLedger)
        try waitUntil("observer live") { observer.status == .live }
        let truth = try #require(observer.mirror.state)
        try waitUntil("writers caught up") { everyone.allSatisfy { $0.mirror.lastSeq >= observer.mirror.lastSeq - 1 } }

        // Every acknowledged action is in the database and in the resumed session.
        let store = try EventStore(path: database)
        let stored = try store.events(of: truth.id)
        let storedSeqs = Set(stored.map(\.sequence))
        for (index, entries) in acked.enumerated() {
            let participant = try #require(truth.participants.values.first { $0.name == names[index] }?.id)
            var dots = 0
            for entry in entries {
                let seq = try #require(entry.seq)
                #expect(storedSeqs.contains(seq), "\(names[index]): seq \(seq) of \(entry.command) is not stored")
                switch entry.command {
                case .addNote(_, _, let text, _, _):
                    #expect(truth.notes.values.filter { $0.text == text && $0.author == participant }.count == 1, "note \(text)")
                case .placeDot:
                    dots += 1
                default:
                    Issue.record("unexpected \(entry.command)")
                }
            }
            let unanswered = ledgers[index].unanswered.withLock { $0 }
            let used = truth.votes["v1"]?.dotsUsed(by: participant) ?? 0
            let maybe = unanswered.filter { if case .placeDot = $0 { return true } else { return false } }.count
            #expect(used >= dots && used <= dots + maybe, "\(names[index]): \(used) dots stored, \(dots) acked, \(maybe) unanswered")
        }
        #expect(ledgers.allSatisfy { $0.refused.withLock { $0.isEmpty } }, "\(ledgers.map { $0.refused.withLock { $0 } })")

        // Each client resynced to the same session, without an event applied twice.
        for client in everyone {
            let mirror = try #require(client.mirror.state)
            #expect(mirror.notes == truth.notes)
            #expect(mirror.noteOrder == truth.noteOrder)
            #expect(mirror.votes["v1"]?.dots == truth.votes["v1"]?.dots)
        }
        print("crash: \(acked.map(\.count)) acks before the kill, \(ledgers.map { $0.unanswered.withLock { $0.count } }) unanswered, \(stored.count) events stored")
        for client in everyone + [observer] { client.stop() }
        try store.close()
    }

    enum CrashError: Error { case timeout(String) }
}
