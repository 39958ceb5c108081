import AtelierClient
import AtelierCore

/// Draws the console: header, current slot and countdown, agenda, rooms, vote progress, people,
/// the lower panel (activity, people, notes or synthesis), the message line, the command line
/// and the key bar, fitted to any terminal size from 80×24 up (smaller ones get a compact view).
///
/// Pure: the same model and size give the same lines, so tests render to strings.
public struct DashboardRenderer: Sendable {
    /// Columns and rows of the terminal.
    public var width: Int
    public var height: Int

    /// A renderer for a terminal of `width` × `height`.
    public init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
    }

    /// The screen, one line per row, each exactly `width` columns wide (the last one less, so
    /// that writing it never scrolls the terminal).
    public func render(_ model: ConsoleModel) -> [StyledLine] {
        var rows: [StyledLine]
        if isCompact {
            rows = compact(model)
        } else {
            rows = full(model)
        }
        rows = Array(rows.prefix(height))
        while rows.count < height { rows.insert(StyledLine(), at: max(0, rows.count - 3)) }
        return rows.enumerated().map { index, line in
            line.fitted(to: index == height - 1 ? width - 1 : width)
        }
    }

    /// Row and column (from 0) where the cursor goes: in the command line.
    public func cursorPosition(_ model: ConsoleModel) -> (row: Int, column: Int) {
        (inputRow, min(width - 1, 2 + inputWindow(model).cursorColumn))
    }

    /// The row of the command line.
    var inputRow: Int { isCompact ? height - 1 : height - 2 }

    /// The farthest the lower panel scrolls: what PgUp/PgDn keep `ConsoleModel.scroll` within.
    public func scrollLimit(_ model: ConsoleModel) -> Int {
        max(0, panelLines(model).count - panelRows(model))
    }

    private var isCompact: Bool { width < 60 || height < 16 }

    /// Rows of the lower panel: all between the header and the message line in the compact view
    /// and for the help, else what the agenda and the rooms leave.
    private func panelRows(_ model: ConsoleModel) -> Int {
        if isCompact { return max(0, height - (height >= 6 ? 3 : 2) - 2) }
        if model.showsHelp { return height - 6 }
        return height - 7 - topRows(model)
    }

    /// Rows of the agenda beside the rooms.
    private func topRows(_ model: ConsoleModel) -> Int {
        max(5, min(max(agendaLines(model).count, sideLines(model).count), height - 7 - 5))
    }

    // MARK: Layouts

    private func full(_ model: ConsoleModel) -> [StyledLine] {
        if model.showsHelp {
            // The help takes the whole body: at 80×24 the list of commands needs every row.
            let (title, body) = panel(model, rows: panelRows(model))
            return [header(model), nowLine(model), rule(left: " " + title + " ", leftWidth: width, right: nil)]
                + body + [messageLine(model), inputLine(model), keyBar()]
        }
        let left = agendaLines(model)
        let right = sideLines(model)
        let topRows = topRows(model)
        let leftWidth = (width * 11) / 20
        let rightWidth = width - leftWidth - 1

        var rows: [StyledLine] = [header(model), nowLine(model)]
        rows.append(rule(left: " Agenda  plan  actual ", leftWidth: leftWidth, right: " \(roomsTitle(model)) "))
        let window = agendaWindow(model, count: left.count, rows: topRows)
        for index in 0..<topRows {
            var line = (window + index < left.count ? left[window + index] : StyledLine()).fitted(to: leftWidth)
            line.append("│", .dim)
            for span in (index < right.count ? right[index] : StyledLine()).fitted(to: rightWidth).spans {
                line.append(span.text, span.style)
            }
            rows.append(line)
        }
        let (title, body) = panel(model, rows: panelRows(model))
        rows.append(rule(left: " " + title + " ", leftWidth: width, right: nil))
        rows += body
        rows.append(messageLine(model))
        rows.append(inputLine(model))
        rows.append(keyBar())
        return rows
    }

    private func compact(_ model: ConsoleModel) -> [StyledLine] {
        var rows = [header(model), nowLine(model)]
        if height >= 6 { rows.append(StyledLine("Enlarge the terminal to 80×24 for the dashboard.", .dim)) }
        rows += panel(model, rows: panelRows(model)).lines
        rows.append(messageLine(model))
        rows.append(inputLine(model))
        return rows
    }

    // MARK: Top

    private func header(_ model: ConsoleModel) -> StyledLine {
        var line = StyledLine(" atelier ", .title)
        let state = model.mirror.state
        if let state {
            let title = ConsoleText.sanitized(state.workshop.title.text(in: state.workshop.primaryLanguage))
            line.append(" code \(state.joinCode) ", .bold)
            line.append(" " + statusWord(state.status) + " ", state.status == .paused ? .warning : state.status == .running ? .good : .bold)
            let connection = connectionText(model.connection)
            let clock = model.localNow > 0 ? ConsoleClock(state.workshop).clockWithSeconds(model.serverNow) : ""
            let fixedWidth = line.width + ConsoleText.width(of: connection.text) + clock.count + 4
            line.append(" " + ConsoleText.fitted(title, to: max(0, width - fixedWidth)) + " ", .plain)
            line.append(connection.text, connection.style)
            line.append("  " + clock, .plain)
        } else {
            line.append(" " + model.server + "  ", .plain)
            let connection = connectionText(model.connection)
            line.append(connection.text, connection.style)
        }
        return line
    }

    private func statusWord(_ status: SessionState.Status) -> String {
        switch status {
        case .created: "NOT STARTED"
        case .running: "RUNNING"
        case .paused: "PAUSED"
        case .ended: "ENDED"
        }
    }

    private func connectionText(_ status: SessionConnection.Status) -> (text: String, style: Style) {
        switch status {
        case .live: ("● connected", .good)
        case .catchingUp, .entering: ("◐ \(status.summary)", .warning)
        case .connecting, .idle: ("○ \(status.summary)", .warning)
        case .waiting(let delay, let attempt, _): ("○ reconnecting in \(Int(delay.rounded(.up)))s (attempt \(attempt))", .bad)
        case .closed: ("✗ disconnected", .bad)
        }
    }

    private func nowLine(_ model: ConsoleModel) -> StyledLine {
        guard let state = model.mirror.state else {
            return StyledLine(" " + (model.connection == .live ? "Waiting for the session…" : model.connection.summary), .dim)
        }
        let clock = ConsoleClock(state.workshop)
        let language = state.workshop.primaryLanguage
        switch state.status {
        case .created:
            let first = state.workshop.agenda.first.map { "\($0.id) (\(ConsoleText.sanitized($0.title.text(in: language))))" } ?? "-"
            return StyledLine(" Not started · first slot \(first) · type start or press F2", .bold)
        case .ended:
            return StyledLine(" The session has ended. Export the transcript with atelier export.", .bold)
        case .running, .paused:
            break
        }
        guard let index = state.agenda.current else { return StyledLine(" No slot running", .dim) }
        let slot = state.workshop.agenda[index]
        // What follows the slot's name: the countdowns are never cut; the start time and the
        // extension give way to the name, which is cut only when nothing else can go.
        var tail: [(text: String, style: Style, optional: Bool)] = []
        if let remaining = state.remaining(at: model.serverNow) {
            let text = ConsoleClock.countdown(milliseconds: remaining)
            if state.status == .paused {
                tail.append(("  ⏸ \(text) left (paused)", .warning, false))
            } else if remaining < 0 {
                tail.append(("  ⏱ \(text) over time", .bad, false))
            } else {
                tail.append(("  ⏱ \(text) left", remaining < 60_000 ? .warning : .bold, false))
            }
        }
        if let breakout = state.breakout {
            if let left = state.roomsClosingIn(at: model.serverNow) {
                let held = breakout.closingWhenPaused == nil ? "" : " (paused)"
                tail.append((" · rooms close in \(ConsoleClock.countdown(milliseconds: left))\(held)", .warning, false))
            } else {
                tail.append((" · rooms open (\(breakout.mode.rawValue))", .good, false))
            }
        }
        if let run = state.agenda.runs.last {
            tail.append((" · started \(clock.clock(run.startedAt))", .plain, true))
            if run.extendedMinutes > 0 { tail.append((" · +\(run.extendedMinutes) min", .plain, true)) }
        }
        var line = StyledLine(" NOW ", .title)
        let name = " \(slot.id) · \(ConsoleText.sanitized(slot.title.text(in: language))) · \(slot.kind.rawValue)"
        func room() -> Int { width - line.width - tail.reduce(0) { $0 + ConsoleText.width(of: $1.text) } }
        while room() < ConsoleText.width(of: name), let last = tail.lastIndex(where: \.optional) { tail.remove(at: last) }
        line.append(ConsoleText.truncated(name, to: room()), .current)
        for part in tail { line.append(part.text, part.style) }
        return line
    }

    private func rule(left: String, leftWidth: Int, right: String?) -> StyledLine {
        var line = StyledLine("─", .dim)
        line.append(left, .bold)
        let used = 1 + ConsoleText.width(of: left)
        if let right {
            line.append(String(repeating: "─", count: max(0, leftWidth - used)) + "┬─", .dim)
            line.append(right, .bold)
            line.append(String(repeating: "─", count: max(0, width - leftWidth - 2 - ConsoleText.width(of: right))), .dim)
        } else {
            line.append(String(repeating: "─", count: max(0, width - used)), .dim)
        }
        return line
    }

    // MARK: Agenda

    private func agendaLines(_ model: ConsoleModel) -> [StyledLine] {
        guard let state = model.mirror.state else { return [StyledLine(" (no session yet)", .dim)] }
        let planned = ConsoleClock.plannedStarts(of: state.workshop)
        let clock = ConsoleClock(state.workshop)
        let language = state.workshop.primaryLanguage
        return state.workshop.agenda.enumerated().map { index, slot in
            let isCurrent = state.agenda.current == index
            let runs = state.agenda.runs.filter { $0.slot == slot.id }
            let marker = isCurrent ? "▶" : runs.isEmpty ? " " : "✓"
            let actual = runs.last.map { clock.clock($0.startedAt) } ?? "  -  "
            let right: String
            if isCurrent, let remaining = state.remaining(at: model.serverNow) {
                right = ConsoleClock.countdown(milliseconds: remaining)
            } else if let run = runs.last, let ended = run.endedAt {
                right = "\(max(0, ended.milliseconds(since: run.startedAt) / 60_000))m"
            } else {
                right = "\(slot.minutes)m"
            }
            let style: Style = isCurrent ? .current : runs.isEmpty ? .plain : .dim
            let lead = "\(marker) \(planned[index] ?? "     ") \(actual) "
            let titleWidth = max(0, (width * 11) / 20 - ConsoleText.width(of: lead) - right.count - 1)
            let title = ConsoleText.fitted("\(slot.id) \(ConsoleText.sanitized(slot.title.text(in: language)))", to: titleWidth)
            var line = StyledLine(lead, style)
            line.append(title, style)
            line.append(" " + right, isCurrent ? .bold : style)
            return line
        }
    }

    /// The first agenda row to show so that the current slot stays in view.
    private func agendaWindow(_ model: ConsoleModel, count: Int, rows: Int) -> Int {
        guard count > rows, let current = model.mirror.state?.agenda.current else { return 0 }
        return max(0, min(count - rows, current - rows / 3))
    }

    // MARK: Rooms, vote, people

    private func roomsTitle(_ model: ConsoleModel) -> String {
        guard let breakout = model.mirror.state?.breakout else { return "Rooms (closed)" }
        let closing = breakout.closesAt != nil || breakout.closingWhenPaused != nil
        return closing ? "Rooms (closing)" : "Rooms (open, \(breakout.mode.rawValue))"
    }

    private func sideLines(_ model: ConsoleModel) -> [StyledLine] {
        guard let state = model.mirror.state else { return [] }
        var lines: [StyledLine] = []
        let language = state.workshop.primaryLanguage
        let attendees = state.activeParticipants.filter { !$0.isModerator }
        let openRooms = Set(state.breakout?.rooms ?? [])
        for room in state.workshop.rooms {
            let people = attendees.filter { $0.room == room.id }.count
            let notes = state.notes.values.filter {
                $0.board.room == room.id && (state.breakout == nil || $0.board.slot == state.breakout!.slot)
            }.count
            let counts = String(people).leftPadded(3) + "p" + String(notes).leftPadded(4) + "n"
            let isOpen = openRooms.contains(room.id)
            let name = " \(isOpen ? "●" : "·") \(room.id) \(ConsoleText.sanitized(room.theme.text(in: language)))"
            let nameWidth = max(4, (width - (width * 11) / 20 - 1) - counts.count - 1)
            var line = StyledLine(ConsoleText.fitted(name, to: nameWidth), isOpen ? .plain : .dim)
            line.append(" " + counts, isOpen ? .bold : .dim)
            lines.append(line)
        }
        if state.breakout != nil {
            let unplaced = attendees.filter { $0.room == nil }.count
            if unplaced > 0 { lines.append(StyledLine("   \(unplaced) not in a room yet", .warning)) }
        }
        if let voteID = state.voteOrder.last, let round = state.votes[voteID] {
            lines.append(StyledLine())
            var title = StyledLine(" Vote \(round.id) ", .bold)
            title.append("\(round.scope.rawValue) · \(round.status.rawValue)\(round.hidden ? " · hidden" : "")",
                         round.status == .open ? .good : .dim)
            lines.append(title)
            let voters = attendees.filter { round.dotsUsed(by: $0.id) > 0 }
            let done = attendees.filter { round.dotsUsed(by: $0.id) >= round.dotsPerPerson }
            let dots = attendees.reduce(0) { $0 + round.dotsUsed(by: $1.id) }
            lines.append(StyledLine("   voted \(voters.count)/\(attendees.count) · all dots \(done.count) · "
                                    + "\(dots)/\(attendees.count * round.dotsPerPerson) dots"))
            if round.status == .revealed {
                let ranked = model.mirror.results[round.id] ?? state.results(of: round)
                let describer = EventDescription(mirror: model.mirror)
                if ranked.isEmpty { lines.append(StyledLine("   no dots", .dim)) }
                for result in ranked.prefix(3) { lines.append(StyledLine("   " + describer.ranked(result))) }
            } else if round.status == .open {
                let waiting = attendees.filter { round.dotsUsed(by: $0.id) == 0 }.map { ConsoleText.sanitized($0.name) }
                if !waiting.isEmpty { lines.append(StyledLine("   not yet: " + waiting.joined(separator: ", "), .dim)) }
            }
        }
        lines.append(StyledLine())
        let left = state.participantOrder.compactMap { state.participants[$0] }.filter { !$0.isActive }.count
        let moderators = state.activeParticipants.filter(\.isModerator).count
        lines.append(StyledLine(" People \(attendees.count)" + (left > 0 ? " (+\(left) left)" : "")
                                + " · moderators \(moderators)", .bold))
        return lines
    }

    // MARK: Lower panel

    /// The lower panel's title and its `rows` lines, scrolled as the model asks.
    private func panel(_ model: ConsoleModel, rows: Int) -> (title: String, lines: [StyledLine]) {
        let lines = panelLines(model)
        let rows = max(0, rows)
        let scroll = max(0, min(model.scroll, max(0, lines.count - rows)))
        var shown: [StyledLine]
        if model.panelFollowsNewest {
            let end = lines.count - scroll
            shown = Array(lines[max(0, end - rows)..<end])
        } else {
            shown = Array(lines.dropFirst(scroll).prefix(rows))
        }
        while shown.count < rows { shown.append(StyledLine()) }
        return (panelTitle(model, first: scroll, shown: min(rows, lines.count), of: lines.count), shown)
    }

    /// Everything the lower panel holds, before scrolling.
    private func panelLines(_ model: ConsoleModel) -> [StyledLine] {
        if model.showsHelp {
            return model.helpTopic.flatMap(CommandCatalogue.help(for:)).map(helpLines(for:)) ?? helpLines()
        }
        switch model.view {
        case .activity: return activityLines(model)
        case .people: return peopleLines(model)
        case .notes: return noteLines(model)
        case .synthesis: return synthesisLines(model)
        }
    }

    /// The panel's name; for the help, which lines show and which way the rest is.
    private func panelTitle(_ model: ConsoleModel, first: Int, shown: Int, of count: Int) -> String {
        if model.showsHelp {
            let name = model.helpTopic.map { "Help: \($0)" } ?? "Help"
            guard shown < count else { return name + " (Esc closes)" }
            let ways = [first > 0 ? "PgUp back" : nil, first + shown < count ? "PgDn more" : nil].compactMap { $0 }
            return "\(name) \(first + 1)–\(first + shown) of \(count) · \(ways.joined(separator: " · ")) · Esc closes"
        }
        let others = ConsoleView.allCases.filter { $0 != model.view }.map(\.rawValue).joined(separator: "/")
        return "\(model.view.rawValue.capitalized) (F9: \(others))"
    }

    private func activityLines(_ model: ConsoleModel) -> [StyledLine] {
        guard !model.activity.isEmpty else { return [StyledLine(" Nothing has happened yet.", .dim)] }
        let clock = ConsoleClock(model.mirror.state?.workshop)
        return model.activity.map { entry in
            var line = StyledLine(" " + (entry.at.map { clock.clock($0) } ?? "     ") + " ", .dim)
            line.append(entry.seq.map { "#\($0) " } ?? "", .dim)
            line.append(entry.text, entry.style)
            return line
        }
    }

    private func peopleLines(_ model: ConsoleModel) -> [StyledLine] {
        guard let state = model.mirror.state else { return [] }
        let describer = EventDescription(mirror: model.mirror)
        let vote = state.voteOrder.last.flatMap { state.votes[$0] }
        let columns = [max(12, width / 4), max(10, width / 6), max(12, width / 4), 10]
        var lines = [StyledLine(" " + ConsoleText.fitted("name", to: columns[0]) + " " + ConsoleText.fitted("role", to: columns[1])
                                + " " + ConsoleText.fitted("organisation", to: columns[2]) + " "
                                + ConsoleText.fitted("room", to: columns[3]) + " dots", .dim)]
        for id in state.participantOrder {
            guard let person = state.participants[id] else { continue }
            let role = person.isModerator ? "moderator" : describer.role(person.role) ?? ""
            let room = (person.room ?? "") + (person.facilitates.map { " (f:\($0))" } ?? "")
            let dots = vote.map { person.isModerator ? "" : "\($0.dotsUsed(by: id))/\($0.dotsPerPerson)" } ?? ""
            let text = " " + ConsoleText.fitted("\(ConsoleText.sanitized(person.name)) \(id)", to: columns[0]) + " "
                + ConsoleText.fitted(role, to: columns[1]) + " "
                + ConsoleText.fitted(ConsoleText.sanitized(person.organisation ?? ""), to: columns[2]) + " "
                + ConsoleText.fitted(room, to: columns[3]) + " " + dots + (person.isActive ? "" : " (left)")
            lines.append(StyledLine(text, person.isActive ? .plain : .dim))
        }
        return lines
    }

    private func noteLines(_ model: ConsoleModel) -> [StyledLine] {
        guard let state = model.mirror.state else { return [] }
        let describer = EventDescription(mirror: model.mirror)
        guard !state.noteOrder.isEmpty else { return [StyledLine(" No notes yet.", .dim)] }
        return state.noteOrder.reversed().compactMap { id -> StyledLine? in
            guard let note = state.notes[id] else { return nil }
            let who = note.author == nil ? "prefilled" : note.anonymous ? "anonymous" : describer.person(note.author)
            var line = StyledLine(" \(id) ", .bold)
            line.append("\(note.board) \(note.prompt)" + (note.cluster.map { " [\($0)]" } ?? "") + " · \(who): ", .dim)
            line.append(ConsoleText.sanitized(note.text))
            return line
        }
    }

    private func synthesisLines(_ model: ConsoleModel) -> [StyledLine] {
        guard let state = model.mirror.state else { return [] }
        let describer = EventDescription(mirror: model.mirror)
        var lines = [StyledLine(" Plenary items", .bold)]
        if state.promoted.isEmpty { lines.append(StyledLine("   none yet (promote n…/g…)", .dim)) }
        for item in state.promoted {
            lines.append(StyledLine("   \(item.id) \(ConsoleText.sanitized(item.text))  (from \(item.board))"))
        }
        lines.append(StyledLine(" Recommendations", .bold))
        if state.recommendationOrder.isEmpty { lines.append(StyledLine("   none yet (rec draft …)", .dim)) }
        for (index, id) in state.recommendationOrder.enumerated() {
            guard let recommendation = state.recommendations[id] else { continue }
            let sources = recommendation.sources.map { source -> String in
                switch source {
                case .note(let note): note
                case .promoted(let item): item
                }
            }
            lines.append(StyledLine("   \(index + 1). \(id)" + (recommendation.room.map { " [\($0)]" } ?? "")
                                    + " \(describer.text(recommendation.text))"
                                    + (sources.isEmpty ? "" : "  ← \(sources.joined(separator: ","))")))
        }
        for id in state.voteOrder {
            guard let round = state.votes[id], round.status == .revealed else { continue }
            let ranked = model.mirror.results[id] ?? state.results(of: round)
            lines.append(StyledLine(" Results \(id) (\(round.scope.rawValue))", .bold))
            if ranked.isEmpty { lines.append(StyledLine("   no dots", .dim)) }
            for result in ranked.prefix(8) { lines.append(StyledLine("   " + describer.ranked(result))) }
        }
        return lines
    }

    /// Every command with what it does, wrapped under its name so nothing is cut; how to write
    /// one is a `help <command>` away.
    private func helpLines() -> [StyledLine] {
        var lines: [StyledLine] = []
        for help in CommandCatalogue.all {
            for (index, part) in ConsoleText.wrapped(help.summary, to: width - 15).enumerated() {
                var line = StyledLine(" " + ConsoleText.fitted(index == 0 ? help.name : "", to: 12) + " ", .bold)
                line.append(part)
                lines.append(line)
            }
        }
        let tips = "help <command> shows how to write it · Tab completes · ↑/↓ history · PgUp/PgDn scroll · "
            + "Esc clears · Ctrl-C twice quits"
        let keys = "Keys: F1 help · F2 start · F3 prev · F4 next · F5 pause/resume · F6 +5 min · "
            + "F7 open rooms · F8 close rooms in 60 s · F9 panel · F10 quit"
        for text in [tips, keys] { lines += ConsoleText.wrapped(text, to: width - 2).map { StyledLine(" " + $0, .dim) } }
        return lines
    }

    /// One command's help whole: each form of it on its own lines, then what it does, wrapped.
    private func helpLines(for help: CommandHelp) -> [StyledLine] {
        var lines: [StyledLine] = []
        for form in help.usage.components(separatedBy: " | ") {
            for (index, part) in ConsoleText.wrapped(form, to: width - 5).enumerated() {
                lines.append(StyledLine((index == 0 ? "   " : "     ") + part, .bold))
            }
        }
        lines.append(StyledLine())
        lines += ConsoleText.wrapped(help.summary, to: width - 3).map { StyledLine(" " + $0) }
        return lines
    }

    // MARK: Bottom

    private func messageLine(_ model: ConsoleModel) -> StyledLine {
        if let confirmation = model.confirmation {
            return StyledLine(" \(confirmation.question) [y/N]", .warning)
        }
        guard let message = model.message else { return StyledLine() }
        return StyledLine(" " + message.text, message.style)
    }

    private func inputLine(_ model: ConsoleModel) -> StyledLine {
        var line = StyledLine("> ", .bold)
        line.append(inputWindow(model).text, .input)
        return line
    }

    /// The part of the typed line that fits, scrolled so that the cursor stays visible, and the
    /// cursor's column within it.
    private func inputWindow(_ model: ConsoleModel) -> (text: String, cursorColumn: Int) {
        let room = max(1, width - 3)
        let characters = Array(ConsoleText.sanitized(model.input))
        let cursor = min(max(0, model.cursor), characters.count)
        var start = 0
        while start < cursor && ConsoleText.width(of: String(characters[start..<cursor])) > room - 1 { start += 1 }
        let text = ConsoleText.prefix(String(characters[start...]), columns: room)
        return (text, ConsoleText.width(of: String(characters[start..<cursor])))
    }

    /// The function keys that fit: full labels when there is room, short ones, then fewer keys.
    private func keyBar() -> StyledLine {
        let full = [("F1", "help"), ("F2", "start"), ("F3", "prev"), ("F4", "next"), ("F5", "pause"), ("F6", "+5 min"),
                    ("F7", "open rooms"), ("F8", "close rooms"), ("F9", "view"), ("F10", "quit")]
        let short = [("F1", "help"), ("F2", "start"), ("F3", "prev"), ("F4", "next"), ("F5", "pause"), ("F6", "+5m"),
                     ("F7", "open"), ("F8", "back"), ("F9", "view"), ("F10", "quit")]
        let fewer = short.filter { $0.0 != "F6" }
        func bar(_ keys: [(String, String)]) -> StyledLine {
            var line = StyledLine()
            for (key, label) in keys {
                line.append(key, .title)
                line.append(" " + label + " ", .plain)
            }
            return line
        }
        for keys in [full, short, fewer] where bar(keys).width - 1 <= width - 1 { return bar(keys) }
        return bar(fewer)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
