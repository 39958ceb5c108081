import AtelierClient
import AtelierCore

/// Everything the full-screen console shows, apart from the terminal itself.
///
/// A value fed by the connection's updates and the keys typed; `DashboardRenderer` draws it.
/// Owned by the console's main thread.
public struct ConsoleModel: Sendable {
    /// One line of the activity feed.
    public struct Activity: Hashable, Sendable {
        public var seq: Int64?
        public var at: Timestamp?
        public var text: String
        public var style: Style
    }

    /// A line above the input: a result, an error, a question or completion choices.
    public struct Message: Hashable, Sendable {
        public var text: String
        public var style: Style
    }

    /// A command waiting for yes or no.
    public struct Confirmation: Hashable, Sendable {
        public var question: String
        public var command: Command
        public var line: String
    }

    /// The session as the connection knows it.
    public var mirror = SessionMirror()
    /// The link to the server.
    public var connection: SessionConnection.Status = .idle
    /// Where the console is connected, for the header.
    public var server = ""
    /// The feed, oldest first, at most `activityLimit` lines.
    public private(set) var activity: [Activity] = []
    /// How many feed lines to keep.
    public var activityLimit = 1000
    /// The line above the input.
    public var message: Message?
    /// What is typed on the command line.
    public var input = ""
    /// Cursor position in `input`, in characters.
    public var cursor = 0
    /// Lines entered before, oldest first.
    public private(set) var history: [String] = []
    /// Position while browsing the history with the arrows; nil when editing a new line.
    public var historyIndex: Int?
    /// The lower panel.
    public var view: ConsoleView = .activity
    /// Whether the lower panel shows the help instead of `view`.
    public var showsHelp = false
    /// The command the help explains, or nil for the list of all.
    public var helpTopic: String?
    /// Lines scrolled in the lower panel: back from the newest in the activity feed, down from
    /// the top in the others.
    public var scroll = 0
    /// The command waiting for confirmation.
    public var confirmation: Confirmation?
    /// Commands sent and not yet answered, by message id, as they were typed.
    public var pending: [Int64: String] = [:]
    /// This machine's clock, in milliseconds since 1970, at the last tick.
    public var localNow: Int64 = 0

    /// An empty model.
    public init() {}

    /// Whether the lower panel keeps its newest line at the bottom (the activity feed), so that
    /// scrolling goes back in time; the other panels read from the top.
    public var panelFollowsNewest: Bool { !showsHelp && view == .activity }

    /// Scrolls the lower panel a few lines down (PgDn) or up (PgUp), the way it reads.
    public mutating func page(down: Bool) {
        let step = down == panelFollowsNewest ? -5 : 5
        scroll = max(0, scroll + step)
    }

    /// Opens the help on one command, or on all of them.
    public mutating func showHelp(topic: String?) {
        showsHelp = true
        helpTopic = topic
        scroll = 0
    }

    /// The server's clock now, as estimated.
    public var serverNow: Timestamp { mirror.serverNow(localNow: localNow) }

    /// Adds a line to the feed.
    public mutating func log(_ text: String, style: Style = .plain, seq: Int64? = nil, at: Timestamp? = nil) {
        activity.append(Activity(seq: seq, at: at, text: ConsoleText.sanitized(text), style: style))
        if activity.count > activityLimit { activity.removeFirst(activity.count - activityLimit) }
    }

    /// Folds one update of the connection: the mirror must already hold its effect.
    public mutating func record(_ update: SessionConnection.Update) {
        switch update {
        case .status(let status):
            let previous = connection
            connection = status
            switch status {
            case .live: if previous != .live { log("connected to \(server)", style: .good) }
            case .waiting: log(status.summary, style: .bad)
            case .closed(let reason): log("disconnected: \(reason)", style: .bad)
            default: break
            }
        case .change(let change):
            switch change {
            case .welcomed(let welcome):
                // A reset resends the whole log: drop the events already in the feed rather than show them twice.
                if welcome.reset { activity.removeAll { $0.seq != nil } }
                log("entered session \(welcome.session) as \(welcome.participant)"
                    + (welcome.reset ? "" : ", catching up on what was missed"), style: .dim)
            case .applied(let message):
                let describer = EventDescription(mirror: mirror)
                log(describer.summary(of: message), style: style(of: message.event), seq: message.seq, at: message.at)
            case .ignored, .none, .synced:
                break
            }
        case let .accepted(id, _, seq):
            let line = pending.removeValue(forKey: id) ?? "command"
            message = Message(text: "✓ \(line)" + (seq.map { " (seq \($0))" } ?? " (nothing to change)"), style: .good)
        case let .refused(id, _, error):
            let line = pending.removeValue(forKey: id) ?? "command"
            message = Message(text: "✗ \(line): \(error.message) [\(error.code)]", style: .bad)
            log("refused \(line): \(error.message) [\(error.code)]", style: .bad)
        case let .unanswered(id, _):
            let line = pending.removeValue(forKey: id) ?? "command"
            message = Message(text: "? \(line): the connection dropped before the server answered; check the feed before sending it again.",
                              style: .warning)
            log("no answer to \(line) before the connection dropped", style: .warning)
        case .entryRefused(let error):
            message = Message(text: "✗ \(error.message) [\(error.code)]", style: .bad)
            log("the server refused entry: \(error.message) [\(error.code)]", style: .bad)
        case .serverError(let error):
            message = Message(text: "✗ \(error.message) [\(error.code)]", style: .bad)
            log("server error: \(error.message) [\(error.code)]", style: .bad)
        case .unreadable(let reason):
            log("unreadable message from the server: \(reason)", style: .bad)
        case .transcript:
            // The app writes the files, then reports.
            break
        }
    }

    /// How an event stands out in the feed.
    func style(of event: Event) -> Style {
        switch event {
        case .slotStarted, .sessionStarted, .roomsOpened, .voteOpened, .voteRevealed: .current
        case .slotTimeUp, .roomsClosing, .sessionPaused: .warning
        case .sessionEnded, .participantLeft: .dim
        case .dotPlaced, .dotRemoved, .participantAssigned: .dim
        default: .plain
        }
    }

    // MARK: Editing the command line

    /// Types text at the cursor.
    public mutating func insert(_ text: String) {
        let index = input.index(input.startIndex, offsetBy: cursor)
        input.insert(contentsOf: text, at: index)
        cursor += text.count
        historyIndex = nil
    }

    /// Deletes the character before the cursor.
    public mutating func backspace() {
        guard cursor > 0 else { return }
        let index = input.index(input.startIndex, offsetBy: cursor - 1)
        input.remove(at: index)
        cursor -= 1
    }

    /// Deletes the character under the cursor.
    public mutating func deleteForward() {
        guard cursor < input.count else { return }
        input.remove(at: input.index(input.startIndex, offsetBy: cursor))
    }

    /// Deletes the word before the cursor (Ctrl-W).
    public mutating func deleteWord() {
        var characters = Array(input)
        var index = cursor
        while index > 0 && characters[index - 1] == " " { index -= 1 }
        while index > 0 && characters[index - 1] != " " { index -= 1 }
        characters.removeSubrange(index..<cursor)
        input = String(characters)
        cursor = index
    }

    /// Replaces the whole line.
    public mutating func setInput(_ text: String) {
        input = text
        cursor = text.count
    }

    /// Takes the typed line, remembering it in the history.
    public mutating func takeInput() -> String {
        let line = input
        if !line.trimmingSpaces().isEmpty && history.last != line { history.append(line) }
        historyIndex = nil
        setInput("")
        return line
    }

    /// Shows the previous (`up`) or next line of the history.
    public mutating func browseHistory(up: Bool) {
        guard !history.isEmpty else { return }
        if up {
            let index = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = index
            setInput(history[index])
        } else if let index = historyIndex {
            if index + 1 < history.count {
                historyIndex = index + 1
                setInput(history[index + 1])
            } else {
                historyIndex = nil
                setInput("")
            }
        }
    }
}
