import AtelierCore

/// The lower panel of the dashboard.
public enum ConsoleView: String, CaseIterable, Sendable {
    case activity, people, notes, synthesis

    /// The view after this one (F9 cycles).
    public var next: ConsoleView {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// What a line typed in the console asks for.
public enum ConsoleAction: Hashable, Sendable {
    /// Send a command to the server, after asking `confirmation` (a yes/no question) when set.
    case send(Command, confirmation: String?)
    /// Show help, on one command or on all.
    case help(topic: String?)
    /// Switch the lower panel.
    case show(ConsoleView)
    /// Print where the session stands (script mode).
    case status
    /// Wait before reading the next line (script mode).
    case wait(seconds: Double)
    /// Download the transcript in `format` (md, html, csv, json) to `path` (default: the server's file name).
    case export(format: String, path: String?)
    /// Write a piece of the synthesis's prose in the moderator's editor, then send it if it changed.
    case edit(ProseTarget)
    /// Leave the console (the session goes on).
    case quit
}

/// Why a typed line cannot be sent: a sentence for the moderator.
public struct ConsoleInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One console command as the help lists it.
public struct CommandHelp: Hashable, Sendable {
    /// The first word.
    public var name: String
    /// How to write it.
    public var usage: String
    /// What it does.
    public var summary: String
}

/// Every command the console understands, in the order the help lists them.
public enum CommandCatalogue {
    public static let all: [CommandHelp] = [
        .init(name: "start", usage: "start", summary: "start the session on the first slot"),
        .init(name: "next", usage: "next", summary: "move to the next agenda slot"),
        .init(name: "prev", usage: "prev", summary: "move back to the previous slot"),
        .init(name: "goto", usage: "goto <slot>", summary: "jump to a slot (id or number)"),
        .init(name: "pause", usage: "pause", summary: "freeze the countdown"),
        .init(name: "resume", usage: "resume", summary: "restart the countdown"),
        .init(name: "extend", usage: "extend <minutes>", summary: "give the current slot more time"),
        .init(name: "rooms", usage: "rooms open [self|random|moderator] | rooms close [seconds|now]",
              summary: "open the breakout rooms; bring everyone back (after a warning of N seconds)"),
        .init(name: "move", usage: "move <participant> <room>", summary: "place or move a participant into a room"),
        .init(name: "facilitator", usage: "facilitator <participant> <room|none>", summary: "appoint or revoke a room's facilitator"),
        .init(name: "announce", usage: "announce [room:<id>] <text> [nl:\"…\"]…",
              summary: "show a message to everyone or to one room; xx:\"…\" gives it in language xx"),
        .init(name: "vote", usage: "vote open <boards|promoted|recommendations> [dots N] [max N] [hidden|visible] | vote close|reveal [vote]",
              summary: "open, close and reveal dot votes"),
        .init(name: "promote", usage: "promote <note|group> [text]", summary: "bring a note or a named group to the plenary"),
        .init(name: "demote", usage: "demote <item>", summary: "take an item back from the plenary"),
        .init(name: "rec", usage: "rec draft <text> [nl:\"…\"]… [from n1,i2] [room <id>] | rec edit <r> [text] [nl:\"…\"]… [from …] [room <id>] | rec order r2 r1 … | rec withdraw <r> | rec classify <r> [theme <room|none>] [to <addressee|none>] | rec reserve <r> [text] | rec unreserve <rv>",
              summary: "write, edit, order and withdraw recommendations; xx:\"…\" gives or replaces the text in language xx; give one a theme and an addressee; record or withdraw a reservation (without text: in your editor)"),
        .init(name: "findings", usage: "findings <room> [text|clear]",
              summary: "write a theme's findings (Markdown); without text, edit them in your editor"),
        .init(name: "quote", usage: "quote <note|comment>", summary: "quote a note (n…) or a comment (c…) in the synthesis"),
        .init(name: "unquote", usage: "unquote <note|comment>", summary: "stop quoting a note or a comment"),
        .init(name: "intro", usage: "intro [text|clear]", summary: "write the synthesis's introduction; without text, in your editor"),
        .init(name: "conclusion", usage: "conclusion [text|clear]", summary: "write the synthesis's conclusion; without text, in your editor"),
        .init(name: "end", usage: "end", summary: "end the session (cannot be undone)"),
        .init(name: "export", usage: "export [md|html|csv|json] [file]", summary: "download the transcript from the server into a file"),
        .init(name: "view", usage: "view activity|people|notes|synthesis", summary: "switch the lower panel (F9 cycles)"),
        .init(name: "status", usage: "status", summary: "print where the session stands (script mode)"),
        .init(name: "wait", usage: "wait <seconds>", summary: "pause a script before its next line"),
        .init(name: "help", usage: "help [command]", summary: "list the commands, or explain one"),
        .init(name: "quit", usage: "quit", summary: "leave the console; the session goes on"),
    ]

    /// Other words accepted for some commands.
    static let aliases = ["previous": "prev", "back": "prev", "go": "goto", "exit": "quit", "q": "quit", "?": "help",
                          "recommendation": "rec", "say": "announce", "assign": "move", "show": "view",
                          "introduction": "intro", "feature": "quote", "unfeature": "unquote"]

    /// The help of a command or alias.
    public static func help(for name: String) -> CommandHelp? {
        let key = aliases[name.lowercased()] ?? name.lowercased()
        return all.first { $0.name == key }
    }
}

/// Reads a console line into an action, resolving names against the session as the console knows it.
///
/// Only what the console can know is checked here (words, numbers, ids that exist); the rules
/// (is the session running, are the rooms open…) are the server's, whose refusals are shown as they come.
public struct CommandParser: Sendable {
    /// The session, for names, ids and whether a confirmation is needed.
    public var state: SessionState?

    /// A parser for `state`.
    public init(state: SessionState?) { self.state = state }

    /// The action of `line`; nil for a blank line or a `#` comment.
    public func parse(_ line: String) throws(ConsoleInputError) -> ConsoleAction? {
        let words = CommandLineWords.split(line)
        guard let first = words.first, !first.text.hasPrefix("#") else { return nil }
        let name = CommandCatalogue.aliases[first.text.lowercased()] ?? first.text.lowercased()
        let arguments = Array(words.dropFirst())
        func rest(from index: Int) -> String {
            guard index < arguments.count else { return "" }
            let text = String(line[arguments[index].start...]).trimmingSpaces()
            return arguments.count == index + 1 ? arguments[index].text : text
        }
        switch name {
        case "start": try noArguments(arguments, name); return .send(.start, confirmation: nil)
        case "next": try noArguments(arguments, name); return .send(.nextSlot, confirmation: leavingRoomsQuestion)
        case "prev": try noArguments(arguments, name); return .send(.previousSlot, confirmation: leavingRoomsQuestion)
        case "pause": try noArguments(arguments, name); return .send(.pause, confirmation: nil)
        case "resume": try noArguments(arguments, name); return .send(.resume, confirmation: nil)
        case "end":
            try noArguments(arguments, name)
            return .send(.end, confirmation: "End the session? Nothing can change afterwards.")
        case "goto":
            guard arguments.count == 1 else { throw usage(name) }
            return .send(.goToSlot(slot: try slot(arguments[0].text)), confirmation: leavingRoomsQuestion)
        case "extend":
            guard arguments.count == 1, let minutes = Int(arguments[0].text.trimmingPlus()) else { throw usage(name) }
            return .send(.extendSlot(minutes: minutes), confirmation: nil)
        case "rooms": return try rooms(arguments)
        case "move":
            guard arguments.count >= 2 else { throw usage(name) }
            let person = try participant(arguments.dropLast().map(\.text).joined(separator: " "))
            return .send(.assign(participant: person, room: try room(arguments.last!.text)), confirmation: nil)
        case "facilitator":
            guard arguments.count >= 2 else { throw usage(name) }
            let person = try participant(arguments.dropLast().map(\.text).joined(separator: " "))
            let target = arguments.last!.text.lowercased()
            let room: RoomID? = target == "none" || target == "-" ? nil : try self.room(arguments.last!.text)
            return .send(.appointFacilitator(participant: person, room: room), confirmation: nil)
        case "announce":
            guard !arguments.isEmpty else { throw usage(name) }
            let target: RoomID? = arguments[0].text.hasPrefix("room:") && !arguments[0].quoted
                ? try room(String(arguments[0].text.dropFirst(5))) : nil
            guard let text = try localizedText(arguments[(target == nil ? 0 : 1)...], in: line) else { throw usage(name) }
            return .send(.announce(text: text, room: target), confirmation: nil)
        case "vote": return try vote(arguments)
        case "promote":
            guard !arguments.isEmpty else { throw usage(name) }
            let id = arguments[0].text
            let source: PromotedSource
            if id.hasPrefix("g") { source = .cluster(try known(id, in: state?.clusters.keys, what: "group")) }
            else if id.hasPrefix("n") { source = .note(try known(id, in: state?.notes.keys, what: "note")) }
            else { throw ConsoleInputError("Promote a note (n…) or a group (g…), e.g. \"promote n4\".") }
            let text = rest(from: 1)
            return .send(.promote(source: source, text: text.isEmpty ? nil : text), confirmation: nil)
        case "demote":
            guard arguments.count == 1 else { throw usage(name) }
            return .send(.demote(item: try known(arguments[0].text, in: state?.promoted.map(\.id), what: "plenary item")),
                         confirmation: nil)
        case "rec": return try recommendation(arguments, line: line)
        case "findings":
            guard let first = arguments.first else { throw usage(name) }
            let room = try self.room(first.text)
            return try prose(.findings(room), arguments.dropFirst(), line: line, stored: state?.findings[room],
                             clear: .writeFindings(room: room, text: nil))
        case "intro", "conclusion":
            let part: SynthesisPart = name == "intro" ? .introduction : .conclusion
            return try prose(.synthesis(part), arguments[...], line: line, stored: state?.synthesisTexts[part],
                             clear: .writeSynthesisText(part: part, text: nil))
        case "quote", "unquote":
            guard arguments.count == 1 else { throw usage(name) }
            let id = arguments[0].text
            let quote: QuoteSource
            if id.hasPrefix("n") { quote = .note(try known(id, in: state?.notes.keys, what: "note")) }
            else if id.hasPrefix("c") { quote = .comment(try known(id, in: state?.comments.keys, what: "comment")) }
            else { throw ConsoleInputError("Quote a note (n…) or a comment (c…), e.g. \"quote n4\".") }
            return .send(name == "quote" ? .featureQuote(quote: quote) : .unfeatureQuote(quote: quote), confirmation: nil)
        case "view":
            guard arguments.count == 1, let view = ConsoleView(rawValue: arguments[0].text.lowercased()) else { throw usage(name) }
            return .show(view)
        case "status": try noArguments(arguments, name); return .status
        case "export":
            guard arguments.count <= 2 else { throw usage(name) }
            let format = arguments.first?.text.lowercased() ?? "md"
            guard TranscriptFiles.formats.contains(format) else {
                throw ConsoleInputError("Transcripts come as md, html, csv or json.")
            }
            return .export(format: format, path: arguments.count == 2 ? arguments[1].text : nil)
        case "wait":
            guard arguments.count == 1, let seconds = Double(arguments[0].text), seconds >= 0, seconds <= 3600 else {
                throw usage(name)
            }
            return .wait(seconds: seconds)
        case "help":
            if let topic = arguments.first?.text {
                guard let entry = CommandCatalogue.help(for: topic) else { throw ConsoleInputError("There is no command \"\(topic)\".") }
                return .help(topic: entry.name)
            }
            return .help(topic: nil)
        case "quit": return .quit
        default:
            throw ConsoleInputError("Unknown command \"\(first.text)\"; type help for the list.")
        }
    }

    // MARK: Commands with sub-commands

    private func rooms(_ arguments: [Word]) throws(ConsoleInputError) -> ConsoleAction {
        guard let verb = arguments.first?.text.lowercased() else { throw usage("rooms") }
        switch verb {
        case "open":
            guard arguments.count <= 2 else { throw usage("rooms") }
            var mode: WorkshopDefinition.AssignmentMode?
            if arguments.count == 2 {
                guard let parsed = WorkshopDefinition.AssignmentMode(rawValue: arguments[1].text.lowercased()) else {
                    throw ConsoleInputError("Rooms open by self, random or moderator assignment.")
                }
                mode = parsed
            }
            return .send(.openRooms(mode: mode), confirmation: nil)
        case "close":
            guard arguments.count <= 2 else { throw usage("rooms") }
            let word = arguments.count == 2 ? arguments[1].text.lowercased() : "now"
            if word == "now" || word == "0" {
                return .send(.closeRooms(afterSeconds: nil),
                             confirmation: "Close the rooms now, without a warning countdown?")
            }
            guard let seconds = Int(word.trimmingSuffix("s")) else {
                throw ConsoleInputError("Give the warning in seconds, e.g. \"rooms close 60\", or \"rooms close now\".")
            }
            return .send(.closeRooms(afterSeconds: seconds), confirmation: nil)
        default:
            throw usage("rooms")
        }
    }

    private func vote(_ arguments: [Word]) throws(ConsoleInputError) -> ConsoleAction {
        guard let verb = arguments.first?.text.lowercased() else { throw usage("vote") }
        switch verb {
        case "open":
            guard arguments.count >= 2, let scope = VoteScope(rawValue: arguments[1].text.lowercased()) else {
                throw ConsoleInputError("Vote on boards, promoted or recommendations, e.g. \"vote open boards dots 3\".")
            }
            var dots: Int?, maxDots: Int?, hidden: Bool?
            var index = 2
            while index < arguments.count {
                let option = arguments[index].text.lowercased()
                switch option {
                case "hidden": hidden = true
                case "visible", "open": hidden = false
                case "dots", "max":
                    guard index + 1 < arguments.count, let number = Int(arguments[index + 1].text) else {
                        throw ConsoleInputError("\"\(option)\" takes a number, e.g. \"\(option) 3\".")
                    }
                    if option == "dots" { dots = number } else { maxDots = number }
                    index += 1
                default:
                    throw ConsoleInputError("Unknown vote option \"\(arguments[index].text)\"; use dots N, max N, hidden or visible.")
                }
                index += 1
            }
            return .send(.openVote(on: scope, dotsPerPerson: dots, maxDotsPerItem: maxDots, hidden: hidden), confirmation: nil)
        case "close", "reveal":
            guard arguments.count <= 2 else { throw usage("vote") }
            let id: VoteID
            if arguments.count == 2 {
                id = try known(arguments[1].text, in: state?.votes.keys, what: "vote")
            } else {
                let wanted: Set<SessionState.VoteStatus> = verb == "close" ? [.open] : [.open, .closed]
                guard let latest = state?.voteOrder.last(where: { wanted.contains(state!.votes[$0]!.status) }) else {
                    throw ConsoleInputError(verb == "close" ? "No vote is open." : "No vote is waiting to be revealed.")
                }
                id = latest
            }
            return .send(verb == "close" ? .closeVote(vote: id) : .revealVote(vote: id), confirmation: nil)
        default:
            throw usage("vote")
        }
    }

    private func recommendation(_ arguments: [Word], line: String) throws(ConsoleInputError) -> ConsoleAction {
        guard let verb = arguments.first?.text.lowercased() else { throw usage("rec") }
        switch verb {
        case "draft", "edit":
            var words = Array(arguments.dropFirst())
            var target: RecommendationID?
            if verb == "edit" {
                guard let first = words.first else { throw usage("rec") }
                target = try known(first.text, in: state?.recommendations.keys, what: "recommendation")
                words.removeFirst()
            }
            var sources: [RecommendationSource]?
            var room: RoomID?
            // Options are read from the end, so the text itself may contain "from" or "room"; a last
            // "from …" or "room …" that cannot be read is refused, never kept as text without its sources.
            options: while words.count >= 2, !words[words.count - 2].quoted {
                let option = words[words.count - 2].text.lowercased()
                let value = words[words.count - 1].text
                do {
                    switch option {
                    case "from" where sources == nil: sources = try self.sources(value)
                    case "room" where room == nil: room = try self.room(value)
                    default: break options
                    }
                } catch {
                    throw ConsoleInputError(error.message + " To keep \"\(option) \(value)\" in the text, write the text in quotes.")
                }
                words.removeLast(2)
            }
            let text = try localizedText(words[...], in: line)
            if let target {
                guard text != nil || sources != nil || room != nil else {
                    throw ConsoleInputError("Say what changes: a new text, a translation (nl:\"…\"), \"from …\" or \"room …\".")
                }
                // The texts given replace theirs and the others stay: `rec edit r2 nl:"…"` adds a translation.
                let merged = text.map { text in
                    LocalizedText(translations: (state?.recommendations[target]?.text.values ?? [:]).merging(text.values) { $1 })
                }
                return .send(.editRecommendation(recommendation: target, text: merged, sources: sources, room: room),
                             confirmation: nil)
            }
            guard let text else { throw usage("rec") }
            // "from" in the words of the text may be sources misplaced: say there are none before drafting.
            let fromInText = sources == nil && words.contains { !$0.quoted && $0.text.lowercased() == "from" }
            let question = fromInText
                ? "Draft \"\(text.text(in: ""))\" with no sources? Sources come last: … from n1,i2 room <id>." : nil
            return .send(.draftRecommendation(text: text, sources: sources ?? [], room: room), confirmation: question)
        case "order":
            let ids = arguments.dropFirst().flatMap { $0.text.split(separator: ",").map(String.init) }
            guard !ids.isEmpty else { throw usage("rec") }
            var order: [RecommendationID] = []
            for id in ids { order.append(try known(id, in: state?.recommendations.keys, what: "recommendation")) }
            return .send(.orderRecommendations(order: order), confirmation: nil)
        case "withdraw":
            guard arguments.count == 2 else { throw usage("rec") }
            let id = try known(arguments[1].text, in: state?.recommendations.keys, what: "recommendation")
            return .send(.withdrawRecommendation(recommendation: id), confirmation: "Withdraw \(id)? Its dots are lost.")
        case "classify":
            guard arguments.count >= 2 else { throw usage("rec") }
            let id = try known(arguments[1].text, in: state?.recommendations.keys, what: "recommendation")
            let current = state?.recommendations[id]
            var theme = current?.room, addressee = current?.addressee
            var given = false
            var index = 2
            while index < arguments.count {
                let option = arguments[index].text.lowercased()
                guard ["theme", "to", "addressee"].contains(option), index + 1 < arguments.count else {
                    throw ConsoleInputError("Set a theme and an addressee, e.g. \"rec classify \(id) theme <room> to <addressee>\"; none clears one.")
                }
                let value = arguments[index + 1].text
                let cleared = value.lowercased() == "none" || value == "-"
                if option == "theme" { theme = cleared ? nil : try room(value) }
                else { addressee = cleared ? nil : try self.addressee(value) }
                given = true
                index += 2
            }
            guard given else { throw ConsoleInputError("Say what to set: theme <room|none>, to <addressee|none>, or both.") }
            return .send(.classifyRecommendation(recommendation: id, theme: theme, addressee: addressee), confirmation: nil)
        case "reserve":
            guard arguments.count >= 2 else { throw usage("rec") }
            let id = try known(arguments[1].text, in: state?.recommendations.keys, what: "recommendation")
            guard let text = try localizedText(arguments[2...], in: line) else { return .edit(.reservation(id)) }
            return .send(.addReservation(recommendation: id, text: text), confirmation: nil)
        case "unreserve":
            guard arguments.count == 2 else { throw usage("rec") }
            let id = try known(arguments[1].text, in: state?.reservations.map(\.id), what: "reservation")
            return .send(.withdrawReservation(reservation: id), confirmation: nil)
        default:
            throw usage("rec")
        }
    }

    // MARK: Texts in several languages

    /// A piece of prose: the text on the line (replacing the original and the translations it
    /// gives, keeping the others), `clear` after a question, or the editor when there is no text.
    private func prose(
        _ target: ProseTarget, _ words: ArraySlice<Word>, line: String, stored: LocalizedText?, clear: Command
    ) throws(ConsoleInputError) -> ConsoleAction {
        if words.count == 1, let word = words.first, !word.quoted, word.text.lowercased() == "clear" {
            return .send(clear, confirmation: "Clear \(target.title)?")
        }
        guard let text = try localizedText(words, in: line) else { return .edit(target) }
        return .send(target.command(LocalizedText(translations: (stored?.values ?? [:]).merging(text.values) { $1 })),
                     confirmation: nil)
    }

    /// The text of `words`: the words written plainly are the original (in the workshop's first
    /// language), each `xx:"…"` a translation into language `xx`; nil when there is no text at all.
    private func localizedText(_ words: ArraySlice<Word>, in line: String) throws(ConsoleInputError) -> LocalizedText? {
        var translations: [String: String] = [:]
        var plain: [Word] = []
        var translated = false
        for word in words {
            guard let (language, text) = Self.translation(word, in: line) else {
                if translated && !plain.isEmpty {
                    throw ConsoleInputError("Write the text first, then its translations: announce Pause café nl:\"Koffiepauze\".")
                }
                plain.append(word)
                continue
            }
            translated = true
            guard translations.updateValue(text, forKey: language) == nil else {
                throw ConsoleInputError("The text in \"\(language)\" is given twice.")
            }
        }
        if let first = plain.first, let last = plain.last {
            translations[""] = plain.count == 1 ? first.text : String(line[first.start..<last.end]).trimmingSpaces()
        }
        return translations.isEmpty ? nil : LocalizedText(translations: translations)
    }

    /// The language and text of a word written `xx:"…"` (two or three lowercase letters, a colon, a quote).
    private static func translation(_ word: Word, in line: String) -> (language: String, text: String)? {
        guard word.quoted, let colon = word.text.firstIndex(of: ":") else { return nil }
        let language = String(word.text[..<colon])
        guard (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLowercase }),
              let quote = line[word.start...].dropFirst(language.count + 1).first, quote == "\"" || quote == "'" else { return nil }
        return (language, String(word.text[word.text.index(after: colon)...]))
    }

    // MARK: Resolving names

    /// The question to ask before moving the agenda while rooms are open (it closes them at once).
    private var leavingRoomsQuestion: String? {
        state?.breakout == nil ? nil : "The rooms are open: moving the agenda closes them now. Go on?"
    }

    /// A slot by id, or by its number in the agenda (1 for the first).
    func slot(_ text: String) throws(ConsoleInputError) -> SlotID {
        guard let agenda = state?.workshop.agenda else { return text }
        if let slot = agenda.first(where: { $0.id == text }) { return slot.id }
        if let slot = agenda.first(where: { $0.id.lowercased() == text.lowercased() }) { return slot.id }
        if let number = Int(text), agenda.indices.contains(number - 1) { return agenda[number - 1].id }
        let matches = agenda.filter { $0.id.lowercased().hasPrefix(text.lowercased()) }
        if matches.count == 1 { return matches[0].id }
        throw ConsoleInputError("There is no slot \"\(text)\"; the slots are: \(agenda.map(\.id).joined(separator: ", ")).")
    }

    /// A room of the workshop by id (or unique prefix).
    func room(_ text: String) throws(ConsoleInputError) -> RoomID {
        guard let rooms = state?.workshop.rooms.map(\.id) else { return text }
        return try identifier(text, among: rooms, what: "room")
    }

    /// An addressee of the workshop by id (or unique prefix).
    func addressee(_ text: String) throws(ConsoleInputError) -> String {
        guard let state else { return text }
        return try identifier(text, among: (state.workshop.addressees ?? []).map(\.id), what: "addressee")
    }

    /// The one of `ids` that is `text` or alone starts with it.
    private func identifier(_ text: String, among ids: [String], what: String) throws(ConsoleInputError) -> String {
        if ids.contains(text) { return text }
        let matches = ids.filter { $0.lowercased().hasPrefix(text.lowercased()) }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw ConsoleInputError("\"\(text)\" could be \(matches.joined(separator: ", ")); type more of the \(what)'s id.")
        }
        throw ConsoleInputError("There is no \(what) \"\(text)\"; the \(what)s are: \(ids.joined(separator: ", ")).")
    }

    /// A participant by id (`p3`), by name (any case), or by the start of one name.
    func participant(_ text: String) throws(ConsoleInputError) -> ParticipantID {
        guard let state else { return text }
        let people = state.participantOrder.compactMap { state.participants[$0] }.filter { !$0.isModerator }
        if let person = people.first(where: { $0.id == text }) { return person.id }
        let wanted = text.lowercased()
        let exact = people.filter { $0.name.lowercased() == wanted }
        if exact.count == 1 { return exact[0].id }
        let candidates = exact.isEmpty ? people.filter { $0.name.lowercased().hasPrefix(wanted) } : exact
        let active = candidates.filter(\.isActive)
        if candidates.count == 1 { return candidates[0].id }
        if active.count == 1 { return active[0].id }
        if candidates.isEmpty { throw ConsoleInputError("No participant is called \"\(text)\".") }
        let listed = candidates.prefix(5).map { "\(ConsoleText.sanitized($0.name)) (\($0.id))" }.joined(separator: ", ")
        throw ConsoleInputError("\"\(text)\" could be \(listed); use the id.")
    }

    private func sources(_ text: String) throws(ConsoleInputError) -> [RecommendationSource] {
        var result: [RecommendationSource] = []
        for part in text.split(separator: ",") {
            let id = String(part)
            if id.hasPrefix("n") { result.append(.note(id)) }
            else if id.hasPrefix("i") { result.append(.promoted(id)) }
            else { throw ConsoleInputError("A recommendation comes from notes (n…) or plenary items (i…).") }
        }
        return result
    }

    private func known(_ id: String, in ids: (some Sequence<String>)?, what: String) throws(ConsoleInputError) -> String {
        guard let ids else { return id }
        if ids.contains(id) { return id }
        throw ConsoleInputError("There is no \(what) \"\(id)\".")
    }

    private func noArguments(_ arguments: [Word], _ name: String) throws(ConsoleInputError) {
        if !arguments.isEmpty { throw usage(name) }
    }

    private func usage(_ name: String) -> ConsoleInputError {
        ConsoleInputError("Usage: " + (CommandCatalogue.help(for: name)?.usage ?? name))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }

    fileprivate func trimmingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : self }

    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
