import AtelierConsole
import AtelierCore
import AtelierServer
import AtelierStore
import ArgumentParser
import Foundation

/// `atelier synthesis`: curates a session's synthesis in the database, without a server, through
/// the console's commands and the same rules as live.
struct SynthesisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesis",
        abstract: "Curate a session's synthesis in the database, without a server.",
        discussion: """
            The words after the options are a console curation command: findings <room> [text|clear], \
            quote <note|comment>, unquote <note|comment>, rec classify <r> [theme <room|none>] [to <addressee|none>], \
            rec reserve <r> [text], rec unreserve <rv>, intro [text|clear], conclusion [text|clear]; \
            without a text, prose opens in $VISUAL or $EDITOR. show prints the current curation. \
            Each is decided by the session's rules and recorded as an event of a moderator named --name \
            (joined once, then reused). Refused while a server serves the session: curate it from \
            atelier moderate then, or stop the server first. A server lets go of an ended session once \
            nobody has been connected to it for \(SessionHub.endedSessionHoldMilliseconds / 60_000) minutes \
            (atelier serve --keep-ended).
            """)

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Option(help: "Session id or join code.")
    var code: String

    @Option(help: "The moderator the curation is recorded under.")
    var name = "organiser"

    @Flag(help: "Clear without asking (findings <room> clear, intro clear, conclusion clear).")
    var yes = false

    @Argument(parsing: .captureForPassthrough, help: "The curation command, e.g. findings mobilite, or show.")
    var words: [String] = []

    /// The console commands that curate, the ones this tool takes.
    static let commands: Set<String> = ["findings", "quote", "unquote", "rec", "intro", "conclusion"]

    func run() throws {
        let (store, record) = try StoredSession.find(code, in: db)
        let state = try store.replay(session: record.id)
        let line = words.joined(separator: " ")
        if line.trimmingCharacters(in: .whitespaces).lowercased() == "show" {
            return print(CurationSummary(state: state, code: record.joinCode).text, terminator: "")
        }
        let action: ConsoleAction?
        do { action = try CommandParser(state: state).parse(line) } catch {
            return try fail(error.message)
        }
        switch action {
        case .send(let command, let confirmation)? where command.isCuration:
            if let confirmation, !yes, !(try confirm(confirmation)) { return print("Cancelled; nothing recorded.") }
            try curate(command, store: store, record: record)
        case .edit(let target)?:
            let edited: String
            do { edited = try ProseEditor.edit(target.current(in: state)) } catch { return try fail("\(error)") }
            switch target.outcome(of: edited, in: state) {
            case .unchanged: print("Unchanged: \(target.title); nothing recorded.")
            case .empty:
                print(target.clearingLine.map { "Empty file, nothing recorded; to clear: atelier synthesis --code \(code) \($0)" }
                      ?? "Empty file: no reservation recorded.")
            case .send(let command): try curate(command, store: store, record: record)
            }
        case .help?:
            for help in CommandCatalogue.all where Self.commands.contains(help.name) { print("\(help.usage) — \(help.summary)") }
            print("show — print the current curation")
        default:
            try fail("This command curates the synthesis: findings, quote, unquote, rec classify, rec reserve, "
                + "rec unreserve, intro, conclusion, or show.")
        }
    }

    /// Decides `command` as the offline moderator against the stored log and appends its events,
    /// unless a server holds the session.
    private func curate(_ command: Command, store: EventStore, record: SessionRecord) throws {
        let log = try store.events(of: record.id)
        let now = SessionHub.wallClock()
        let state = try store.replay(session: record.id)
        let events: [(event: Event, actor: ParticipantID)]
        switch Self.decide(command, as: name, in: state, at: now) {
        case .success(let decided): events = decided
        case .failure(let refusal): return try fail("\(refusal.message) [\(refusal.code.rawValue)]")
        }
        let first = (log.last?.sequence ?? 0) + 1
        var records: [EventRecord] = []
        for (event, actor) in events {
            records.append(try EventRecord(event: event, session: record.id, sequence: first + Int64(records.count), at: now, actor: actor))
        }
        do { try store.appendUnlessServed(records, at: now) } catch {
            switch error.code {
            case .sessionServed:
                let holder = (try? store.lease(of: record.id, at: now))??.holder ?? "a server"
                guard state.status == .ended else {
                    return try fail("Session \(record.joinCode) is being served by \(holder): curate it from atelier moderate, "
                        + "or stop the server first. Nothing was recorded.")
                }
                try fail("Session \(record.joinCode) has ended but is still served by \(holder), which lets it go once nobody "
                    + "has been connected to it for \(SessionHub.endedSessionHoldMilliseconds / 60_000) minutes (unless "
                    + "started with another --keep-ended): try again then, or curate it from atelier moderate. Nothing was recorded.")
            case .duplicateSequence:
                try fail("Session \(record.joinCode) changed meanwhile; run the command again. Nothing was recorded.")
            default:
                throw error
            }
        }
        print("Recorded: \(words.joined(separator: " ")) (seq \(first + Int64(records.count) - 1)).")
    }

    /// The events of `command` by the moderator called `name`, who joins first when the session has
    /// no active moderator of that name; each with the participant it is recorded for.
    static func decide(
        _ command: Command, as name: String, in state: SessionState, at now: Timestamp
    ) -> Result<[(event: Event, actor: ParticipantID)], Refusal> {
        var state = state
        var context = DecisionContext(now: now, random: SplitMix64(seed: UInt64(bitPattern: now.milliseconds)))
        var events: [(event: Event, actor: ParticipantID)] = []
        do {
            var moderator = state.activeParticipants.first { $0.isModerator && $0.name == name }?.id
            if moderator == nil {
                // The token is thrown away: this moderator only ever acts from here.
                let join = Command.joinAsModerator(
                    name: name, language: state.workshop.primaryLanguage,
                    credential: Secrets.credential(forToken: Secrets.token()))
                for event in try SessionEngine.decide(join, by: .guest, in: state, context: &context) {
                    if case let .participantJoined(id, _, _, _, _, _, _, _) = event { moderator = id }
                    state.apply(event)
                    events.append((event, moderator ?? ""))
                }
            }
            for event in try SessionEngine.decide(command, by: .participant(moderator ?? ""), in: state, context: &context) {
                events.append((event, moderator ?? ""))
            }
        } catch {
            return .failure(error)
        }
        return .success(events)
    }

    private func confirm(_ question: String) throws -> Bool {
        guard isatty(STDIN_FILENO) == 1 else {
            try fail("\(question) Pass --yes to do it without asking.")
            return false
        }
        print("\(question) [y/N] ", terminator: "")
        return readLine()?.lowercased().hasPrefix("y") == true
    }

    private func fail(_ message: String) throws {
        printError("atelier synthesis: \(message)")
        throw ExitCode.failure
    }
}

/// The curation of a session as `atelier synthesis show` prints it, in the workshop's first language.
struct CurationSummary {
    let state: SessionState
    let code: String

    var text: String {
        let language = state.workshop.primaryLanguage
        var lines = ["Session \(code) · \(state.workshop.title.text(in: language)) · \(state.status.rawValue)"]
        lines.append("Introduction")
        lines += Self.indented(state.synthesisTexts[.introduction], in: language, by: "  ")
        lines.append("Findings")
        for room in state.workshop.rooms {
            lines.append("  \(room.id) · \(room.theme.text(in: language))")
            lines += Self.indented(state.findings[room.id], in: language, by: "    ")
        }
        lines.append("Quotes")
        if state.featuredQuotes.isEmpty { lines.append("  (none)") }
        for quote in state.featuredQuotes {
            let text: String?
            switch quote {
            case .note(let id): text = state.notes[id]?.text
            case .comment(let id): text = state.comments[id]?.text
            }
            lines.append("  \(quote.id) \"\(text ?? "")\"")
        }
        lines.append("Recommendations")
        if state.recommendationOrder.isEmpty { lines.append("  (none)") }
        for id in state.recommendationOrder {
            guard let recommendation = state.recommendations[id] else { continue }
            lines.append("  \(id) \"\(recommendation.text.text(in: language))\" · theme \(recommendation.room ?? "none") · to "
                + (recommendation.addressee ?? "none"))
            for reservation in state.reservations where reservation.recommendation == id {
                lines.append("    \(reservation.id) reservation: \(reservation.text.text(in: language))")
            }
        }
        lines.append("Conclusion")
        lines += Self.indented(state.synthesisTexts[.conclusion], in: language, by: "  ")
        return lines.map(ConsoleText.sanitized).joined(separator: "\n") + "\n"
    }

    /// A piece of prose, line by line behind `indent`, or that it is not written.
    private static func indented(_ text: LocalizedText?, in language: String, by indent: String) -> [String] {
        guard let text else { return [indent + "(not written)"] }
        return text.text(in: language).split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }
    }
}
