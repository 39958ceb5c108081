import AtelierClient
import AtelierCore
import AtelierProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The full-screen console: a `poll` loop on the keyboard and on the wake-up pipe fed by the
/// connection and by signals, redrawing the lines that changed.
///
/// Runs on the main thread; the connection's updates reach it through `Wakeup`.
public final class ConsoleApp {
    private let options: ConsoleOptions
    private var model = ConsoleModel()
    private var decoder = KeyDecoder()
    private var screen: [String] = []
    private var quitting = false
    private var lastInterrupt = 0.0
    /// Where each asked transcript goes (nil: the server's file names, here).
    private var exportTargets: [Int64: String?] = [:]
    /// The terminal, left for the moderator's editor and taken back after.
    private var terminal: Terminal?

    /// A console for `options`.
    public init(options: ConsoleOptions) {
        self.options = options
        model.server = options.url
    }

    /// Whether the console can run full screen here (standard input and output are terminals).
    public static var canRunFullScreen: Bool { Terminal.isInteractive }

    /// Runs until the moderator quits; returns the exit status.
    public func run() -> Int32 {
        let wakeup: Wakeup
        let connection: SessionConnection
        let terminal: Terminal
        do {
            (wakeup, connection) = try options.open(script: false)
            terminal = try Terminal()
            self.terminal = terminal
        } catch {
            FileHandleOutput.standardError("atelier moderate: \(error)")
            return 1
        }
        wakeup.installSignals()
        connection.start()
        model.localNow = SessionConnection.localMilliseconds()
        draw(terminal, full: true)
        while !quitting && !wakeup.wasTerminated {
            let ready = waitReadable([STDIN_FILENO, wakeup.readEnd], timeout: 0.25)
            let updates = wakeup.drain()
            if !updates.isEmpty {
                model.mirror = connection.mirror
                for update in updates { record(update) }
            }
            if ready[0] {
                var bytes = [UInt8](repeating: 0, count: 4096)
                let count = read(STDIN_FILENO, &bytes, bytes.count)
                if count == 0 { quitting = true }
                if count > 0 {
                    for key in decoder.feed(bytes[0..<count]) { handle(key, connection: connection) }
                }
            }
            model.localNow = SessionConnection.localMilliseconds()
            draw(terminal, full: wakeup.takeResize())
        }
        terminal.restore()
        connection.stop()
        return 0
    }

    private func record(_ update: SessionConnection.Update) {
        options.remember(update)
        guard case let .transcript(id, result) = update else { return model.record(update) }
        let line = model.pending.removeValue(forKey: id) ?? "export"
        do {
            let saved = try TranscriptFiles.save(try result.get(), to: exportTargets.removeValue(forKey: id) ?? nil)
            model.message = .init(text: "✓ transcript saved to \(saved.path) (\(saved.bytes) bytes)", style: .good)
            model.log("transcript saved to \(saved.path)", style: .good)
        } catch let error as ServerMessage.ServerError {
            let text = TranscriptFiles.notSaved(error.message, code: model.mirror.state?.joinCode)
            model.message = .init(text: "✗ \(line): \(text) [\(error.code)]", style: .bad)
        } catch {
            model.message = .init(text: "✗ \(line): \(TranscriptFiles.notSaved("\(error)", code: model.mirror.state?.joinCode))",
                                  style: .bad)
        }
    }

    // MARK: Drawing

    private func draw(_ terminal: Terminal, full: Bool) {
        let size = terminal.size
        let renderer = DashboardRenderer(width: size.width, height: size.height)
        // So that the key back moves at once after paging past the end.
        model.scroll = min(model.scroll, renderer.scrollLimit(model))
        let lines = renderer.render(model).map { $0.rendered(colour: options.colour) }
        var output = "\u{1B}[?25l"
        if full || lines.count != screen.count {
            output += "\u{1B}[0m\u{1B}[2J"
            screen = []
        }
        for (row, line) in lines.enumerated() where row >= screen.count || screen[row] != line {
            output += "\u{1B}[\(row + 1);1H" + line + "\u{1B}[0m"
        }
        let cursor = renderer.cursorPosition(model)
        output += "\u{1B}[\(cursor.row + 1);\(cursor.column + 1)H\u{1B}[?25h"
        screen = lines
        terminal.write(output)
    }

    // MARK: Keys

    private func handle(_ key: Key, connection: SessionConnection) {
        if let confirmation = model.confirmation {
            model.confirmation = nil
            if key == .text("y") || key == .text("Y") {
                send(confirmation.command, line: confirmation.line, connection: connection)
            } else {
                model.message = .init(text: "Cancelled: \(confirmation.line)", style: .dim)
            }
            return
        }
        switch key {
        case .text(let text): model.insert(text)
        case .enter:
            let line = model.takeInput()
            run(line, connection: connection)
        case .tab:
            let completion = CommandCompleter(state: model.mirror.state).complete(model.input)
            model.setInput(completion.line)
            if !completion.candidates.isEmpty {
                model.message = .init(text: completion.candidates.prefix(30).joined(separator: "  "), style: .dim)
            }
        case .backspace: model.backspace()
        case .delete: model.deleteForward()
        case .left: model.cursor = max(0, model.cursor - 1)
        case .right: model.cursor = min(model.input.count, model.cursor + 1)
        case .home, .control("a"): model.cursor = 0
        case .end, .control("e"): model.cursor = model.input.count
        case .up: model.browseHistory(up: true)
        case .down: model.browseHistory(up: false)
        case .pageUp: model.page(down: false)
        case .pageDown: model.page(down: true)
        case .escape:
            if model.showsHelp { model.showsHelp = false } else { model.setInput(""); model.message = nil }
            model.scroll = 0
        case .control("u"): model.setInput("")
        case .control("w"): model.deleteWord()
        case .control("l"): screen = []
        case .control("d"):
            if model.input.isEmpty { quitting = true } else { model.deleteForward() }
        case .control("c"):
            if !model.input.isEmpty {
                model.setInput("")
            } else if monotonicSeconds() - lastInterrupt < 2 {
                quitting = true
            } else {
                lastInterrupt = monotonicSeconds()
                model.message = .init(text: "Press Ctrl-C again to leave the console (the session goes on).", style: .warning)
            }
        case .function(let number): functionKey(number, connection: connection)
        default: break
        }
    }

    private func functionKey(_ number: Int, connection: SessionConnection) {
        switch number {
        case 1:
            if model.showsHelp { model.showsHelp = false; model.scroll = 0 } else { model.showHelp(topic: nil) }
        case 2: run("start", connection: connection)
        case 3: run("prev", connection: connection)
        case 4: run("next", connection: connection)
        case 5: run(model.mirror.state?.status == .paused ? "resume" : "pause", connection: connection)
        case 6: run("extend 5", connection: connection)
        case 7: run("rooms open", connection: connection)
        case 8: run("rooms close 60", connection: connection)
        case 9:
            model.view = model.view.next
            model.showsHelp = false
            model.scroll = 0
        case 10: quitting = true
        default: break
        }
    }

    /// Runs a typed line (or the line a function key stands for).
    private func run(_ line: String, connection: SessionConnection) {
        let action: ConsoleAction?
        do { action = try CommandParser(state: model.mirror.state).parse(line) } catch {
            model.message = .init(text: "✗ " + error.message, style: .bad)
            return
        }
        guard let action else { return }
        let typed = line.trimmingSpaces()
        switch action {
        case .send(let command, let confirmation):
            if let confirmation {
                model.confirmation = .init(question: confirmation, command: command, line: typed)
            } else {
                send(command, line: typed, connection: connection)
            }
        case .help(let topic):
            model.showHelp(topic: topic)
        case .show(let view):
            model.view = view
            model.showsHelp = false
            model.scroll = 0
        case .status:
            model.message = .init(text: "\(model.connection.summary); last event #\(model.mirror.lastSeq)", style: .plain)
        case .wait:
            model.message = .init(text: "wait is for scripts.", style: .dim)
        case .export(let format, let path):
            guard let id = connection.requestTranscript(format: format) else {
                model.message = .init(text: "✗ Not sent: \(connection.status.summary). Try again once connected.", style: .bad)
                return
            }
            exportTargets[id] = path
            model.pending[id] = typed
            model.message = .init(text: "… \(typed)", style: .dim)
        case .edit(let target):
            edit(target, connection: connection)
        case .quit:
            quitting = true
        }
    }

    /// The editor round trip: the current text in the moderator's editor, the screen back, and the
    /// text sent when it changed.
    private func edit(_ target: ProseTarget, connection: SessionConnection) {
        guard let terminal else { return }
        let state = model.mirror.state
        terminal.restore()
        let edited: Result<String, ConsoleError>
        do { edited = .success(try ProseEditor.edit(target.current(in: state))) } catch {
            edited = .failure(error)
        }
        do { try terminal.enter() } catch {
            FileHandleOutput.standardError("atelier moderate: \(error)")
            quitting = true
            return
        }
        screen = []
        switch edited {
        case .failure(let error):
            model.message = .init(text: "✗ \(target.title): \(error)", style: .bad)
        case .success(let text):
            switch target.outcome(of: text, in: state) {
            case .unchanged:
                model.message = .init(text: "Unchanged: \(target.title); nothing sent.", style: .dim)
            case .empty:
                model.message = .init(text: target.clearingLine.map { "Empty file, nothing sent; to clear: \($0)" }
                                          ?? "Empty file: no reservation recorded.", style: .warning)
            case .send(let command):
                send(command, line: "edit \(target.title)", connection: connection)
            }
        }
    }

    private func send(_ command: Command, line: String, connection: SessionConnection) {
        guard let id = connection.send(command) else {
            model.message = .init(text: "✗ Not sent: \(connection.status.summary). Try again once connected.", style: .bad)
            return
        }
        model.pending[id] = line
        model.message = .init(text: "… \(line)", style: .dim)
    }
}

/// Writing to standard error without Foundation.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }
}
