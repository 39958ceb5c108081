import AtelierClient
import AtelierCore
import AtelierProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Script mode: reads one command per line from standard input and prints what happens as lines.
///
/// ```
/// synced 12
/// event 13 sessionStarted the session started
/// event 14 slotStarted accueil (Accueil) started, ends 09:15
/// ok start seq=14
/// error agenda.noPreviousSlot: This is the first slot of the agenda.
/// ```
/// Each command waits for its answer before the next line is read. Exit status: 0 when every
/// line was accepted, 3 when some line was refused or could not be read, 1 when the connection
/// failed or the server refused entry.
public final class ScriptRunner {
    private let options: ConsoleOptions
    private let output: (String) -> Void
    private var mirror = SessionMirror()
    private var printedSeq: Int64 = 0
    /// True during the first catch-up, whose events are history (printed only with `printHistory`).
    private var skippingHistory: Bool
    private var wasLive = false
    private var failedLines = 0
    private var fatal: String?

    /// A runner printing with `output` (standard output by default).
    public init(options: ConsoleOptions, output: @escaping (String) -> Void = { print($0); fflush(nil) }) {
        self.options = options
        self.output = output
        skippingHistory = !options.printHistory
    }

    /// Runs the script from standard input; returns the exit status.
    public func run() -> Int32 {
        let wakeup: Wakeup
        let connection: SessionConnection
        do {
            (wakeup, connection) = try options.open(script: true)
        } catch {
            output("error connection: \(error)")
            return 1
        }
        wakeup.installSignals()
        connection.start()
        defer { connection.stop() }

        // Wait for the session before reading any line: names are resolved against it.
        let deadline = monotonicSeconds() + options.timeout
        while !wasLive && fatal == nil {
            if monotonicSeconds() > deadline {
                output("error connection: no answer from \(options.url) within \(Int(options.timeout)) s")
                return 1
            }
            _ = waitReadable([wakeup.readEnd], timeout: 0.25)
            process(wakeup.drain(), connection: connection)
        }
        if let fatal {
            output(fatal)
            return 1
        }

        var input = LineReader(fd: STDIN_FILENO)
        while fatal == nil && !wakeup.wasTerminated {
            let ready = waitReadable([STDIN_FILENO, wakeup.readEnd], timeout: 1)
            process(wakeup.drain(), connection: connection)
            guard ready[0] else { continue }
            let (lines, ended) = input.read()
            var quit = false
            for line in lines {
                if !execute(line, connection: connection, wakeup: wakeup) { quit = true; break }
                if fatal != nil { break }
            }
            if quit || ended { break }
        }
        if options.follow {
            while fatal == nil && !wakeup.wasTerminated {
                _ = waitReadable([wakeup.readEnd], timeout: 1)
                process(wakeup.drain(), connection: connection)
            }
        }
        if let fatal {
            output(fatal)
            return 1
        }
        return failedLines > 0 ? 3 : 0
    }

    /// Runs one line; false when the script asked to quit.
    private func execute(_ line: String, connection: SessionConnection, wakeup: Wakeup) -> Bool {
        let typed = line.trimmingSpaces()
        let action: ConsoleAction?
        do { action = try CommandParser(state: mirror.state).parse(typed) } catch {
            failedLines += 1
            output("error console.invalid: \(error.message)")
            return true
        }
        guard let action else { return true }
        switch action {
        case .send(let command, let confirmation):
            if let confirmation, !options.assumeYes {
                failedLines += 1
                output("error console.needsConfirmation: \(confirmation) Run with --yes to allow \"\(typed)\" in a script.")
                return true
            }
            guard let id = connection.send(command) else {
                failedLines += 1
                output("error console.notConnected: \"\(typed)\" was not sent: \(connection.status.summary).")
                return true
            }
            waitForAnswer(id, line: typed, connection: connection, wakeup: wakeup)
        case .help(let topic):
            for help in CommandCatalogue.all where topic == nil || help.name == topic {
                output("help \(help.usage) — \(help.summary)")
            }
        case .show(let view):
            output("ok view \(view.rawValue)")
        case .status:
            for line in statusLines() { output(line) }
        case .wait(let seconds):
            let until = monotonicSeconds() + seconds
            while monotonicSeconds() < until && fatal == nil {
                _ = waitReadable([wakeup.readEnd], timeout: until - monotonicSeconds())
                process(wakeup.drain(), connection: connection)
            }
            output("ok \(typed)")
        case .export(let format, let path):
            guard let id = connection.requestTranscript(format: format) else {
                failedLines += 1
                output("error console.notConnected: \"\(typed)\" was not sent: \(connection.status.summary).")
                return true
            }
            exportTargets[id] = path
            waitForAnswer(id, line: typed, connection: connection, wakeup: wakeup)
        case .edit(let target):
            failedLines += 1
            output("error console.needsText: a script cannot open an editor; give \(target.title) on the line.")
        case .quit:
            return false
        }
        return true
    }

    private var answered: [Int64: Bool] = [:]
    /// Where each asked transcript goes (nil: the server's file names, here).
    private var exportTargets: [Int64: String?] = [:]

    private func waitForAnswer(_ id: Int64, line: String, connection: SessionConnection, wakeup: Wakeup) {
        var deadline = monotonicSeconds() + options.timeout
        while answered[id] == nil && fatal == nil {
            if monotonicSeconds() > deadline {
                if case .waiting = connection.status {
                    deadline = monotonicSeconds() + options.timeout
                } else {
                    failedLines += 1
                    let silence = "no answer to \"\(line)\" within \(Int(options.timeout)) s"
                    let export = exportTargets.removeValue(forKey: id) != nil
                    output("error console.timeout: " + (export ? TranscriptFiles.notSaved(silence, code: mirror.state?.joinCode) : silence))
                    return
                }
            }
            _ = waitReadable([wakeup.readEnd], timeout: 0.25)
            process(wakeup.drain(), connection: connection, lines: [id: line])
        }
        if answered.removeValue(forKey: id) == false { failedLines += 1 }
    }

    private func process(_ updates: [SessionConnection.Update], connection: SessionConnection,
                         lines: [Int64: String] = [:]) {
        guard !updates.isEmpty else { return }
        mirror = connection.mirror
        for update in updates {
            options.remember(update)
            switch update {
            case .status(let status):
                switch status {
                case .live:
                    if wasLive { output("connection live") }
                    wasLive = true
                case .waiting:
                    if !wasLive {
                        if case .waiting(_, _, let reason) = status {
                            fatal = "error connection: cannot reach \(options.url): \(reason)"
                        }
                    } else {
                        output("connection lost: \(status.summary)")
                    }
                case .closed(let reason):
                    if fatal == nil { fatal = "error connection: \(reason)" }
                default:
                    break
                }
            case .change(let change):
                switch change {
                case .welcomed(let welcome):
                    output("welcome session=\(welcome.session) code=\(welcome.code) participant=\(welcome.participant)"
                           + " reset=\(welcome.reset)")
                case .applied(let message):
                    guard message.seq > printedSeq, !skippingHistory else { continue }
                    printedSeq = message.seq
                    let describer = EventDescription(mirror: mirror)
                    output("event \(message.seq) \(EventDescription.name(of: message.event)) \(describer.summary(of: message))")
                case .synced(let seq):
                    printedSeq = max(printedSeq, seq)
                    skippingHistory = false
                    output("synced \(seq)")
                case .ignored, .none:
                    break
                }
            case let .accepted(id, _, seq):
                answered[id] = true
                output("ok \(lines[id] ?? "command")" + (seq.map { " seq=\($0)" } ?? ""))
            case let .refused(id, _, error):
                answered[id] = false
                output("error \(error.code): \(error.message)")
            case let .transcript(id, result):
                let target = exportTargets.removeValue(forKey: id) ?? nil
                do {
                    let saved = try TranscriptFiles.save(try result.get(), to: target)
                    answered[id] = true
                    output("ok \(lines[id] ?? "export") saved=\(saved.path) bytes=\(saved.bytes)")
                } catch let error as ServerMessage.ServerError {
                    answered[id] = false
                    output("error \(error.code): \(TranscriptFiles.notSaved(error.message, code: mirror.state?.joinCode))")
                } catch {
                    answered[id] = false
                    output("error console.exportFailed: \(TranscriptFiles.notSaved("\(error)", code: mirror.state?.joinCode))")
                }
            case let .unanswered(id, _):
                answered[id] = false
                output("error connection.lost: the connection dropped before \"\(lines[id] ?? "the command")\" was answered;"
                       + " it may or may not have been applied.")
            case .entryRefused(let error):
                fatal = "error \(error.code): \(error.message)"
            case .serverError(let error):
                output("error \(error.code): \(error.message)")
            case .unreadable(let reason):
                output("warning unreadable server message: \(reason)")
            }
        }
    }

    /// `status` in script mode: where the session stands, one fact a line.
    private func statusLines() -> [String] {
        guard let state = mirror.state else { return ["status no session"] }
        var lines = ["status \(state.status.rawValue) code=\(state.joinCode) seq=\(mirror.lastSeq)"]
        if let slot = state.currentSlot {
            let remaining = state.remaining(at: mirror.serverNow(localNow: SessionConnection.localMilliseconds()))
            lines.append("slot \(slot.id) kind=\(slot.kind.rawValue)"
                         + (remaining.map { " left=\(ConsoleClock.countdown(milliseconds: $0))" } ?? ""))
        }
        if let breakout = state.breakout {
            lines.append("rooms open mode=\(breakout.mode.rawValue) " + breakout.rooms.map { room in
                "\(room)=\(state.activeParticipants.filter { $0.room == room }.count)"
            }.joined(separator: " "))
        }
        let people = state.activeParticipants.filter { !$0.isModerator }
        lines.append("people \(people.count) " + people.map { "\($0.id)" }.joined(separator: " "))
        if let vote = state.voteOrder.last.flatMap({ state.votes[$0] }) {
            let voted = people.filter { vote.dotsUsed(by: $0.id) > 0 }.count
            lines.append("vote \(vote.id) \(vote.status.rawValue) voted=\(voted)/\(people.count)")
        }
        return lines
    }
}

/// Splits what arrives on a file descriptor into lines.
struct LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The complete lines read now, and whether the input has ended (the last partial line is then returned too).
    mutating func read() -> (lines: [String], ended: Bool) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = Glibc.read(fd, &chunk, chunk.count)
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return ([], false) }
        let ended = count <= 0
        if count > 0 { buffer.append(contentsOf: chunk[0..<count]) }
        var lines: [String] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            lines.append(String(decoding: buffer[..<newline], as: UTF8.self).trimmingCarriageReturn())
            buffer.removeSubrange(...newline)
        }
        if ended && !buffer.isEmpty {
            lines.append(String(decoding: buffer, as: UTF8.self).trimmingCarriageReturn())
            buffer = []
        }
        return (lines, ended)
    }
}

extension String {
    fileprivate func trimmingCarriageReturn() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
