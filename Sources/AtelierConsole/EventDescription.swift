import AtelierClient
import AtelierCore
import AtelierProtocol

/// One line saying what an event did, with people's names, for the activity feed and script output.
public struct EventDescription: Sendable {
    /// The session after the event was applied (names and titles are looked up in it).
    public let state: SessionState?
    /// The clock for times in the text.
    public let clock: ConsoleClock
    /// The language titles are shown in.
    public let language: String

    /// A describer reading names from `state`.
    public init(state: SessionState?, language: String? = nil) {
        self.state = state
        clock = ConsoleClock(state?.workshop)
        self.language = language ?? state?.workshop.primaryLanguage ?? "en"
    }

    /// A describer in the language the console's moderator reads, else the workshop's first.
    public init(mirror: SessionMirror) {
        self.init(state: mirror.state, language: mirror.me.flatMap { mirror.state?.participants[$0]?.language })
    }

    /// A text given once or per language (an announcement, a recommendation) in the console's language.
    public func text(_ text: LocalizedText) -> String {
        ConsoleText.sanitized(text.text(in: language, fallbacks: state?.workshop.languages ?? []))
    }

    /// The event's name on the wire, e.g. `noteAdded`.
    public static func name(of event: Event) -> String {
        Mirror(reflecting: event).children.first?.label ?? String(describing: event)
    }

    /// A name for a participant: their name, else their id.
    public func person(_ id: ParticipantID?) -> String {
        guard let id else { return "someone" }
        return state?.participants[id].map { ConsoleText.sanitized($0.name) } ?? id
    }

    /// A slot's id and title.
    public func slot(_ id: SlotID) -> String {
        guard let title = state?.workshop.slot(id)?.title.text(in: language) else { return id }
        return "\(id) (\(ConsoleText.sanitized(title)))"
    }

    /// The label of a role id in the console's language.
    public func role(_ id: String?) -> String? {
        guard let id else { return nil }
        return state?.workshop.role(id).map { ConsoleText.sanitized($0.label.text(in: language)) } ?? id
    }

    /// What a voted item says: a note's text, a plenary item's or a recommendation's; nil when
    /// the console does not know it.
    public func item(_ id: String) -> String? {
        guard let state else { return nil }
        if let note = state.notes[id] { return ConsoleText.sanitized(note.text) }
        if let item = state.promoted.first(where: { $0.id == id }) { return ConsoleText.sanitized(item.text) }
        return state.recommendations[id].map { text($0.text) }
    }

    /// A line of vote results: rank, id, dots and what the item says.
    public func ranked(_ result: RankedItem) -> String {
        "\(result.rank). \(result.item) \(result.dots)" + (item(result.item).map { " " + $0 } ?? "")
    }

    /// Text quoted and cut for a one-line summary.
    public func quoted(_ text: String, limit: Int = 60) -> String {
        "\"" + ConsoleText.truncated(ConsoleText.sanitized(text), to: limit) + "\""
    }

    /// What the event did, in a few words (without its name or seq).
    public func summary(of message: ServerMessage.EventMessage) -> String {
        summary(of: message.event, results: message.results)
    }

    /// What the event did, in a few words.
    public func summary(of event: Event, results: [RankedItem]? = nil) -> String {
        switch event {
        case let .sessionCreated(id, joinCode, workshop, _):
            return "session \(id) of \"\(ConsoleText.sanitized(workshop.title.text(in: language)))\", code \(joinCode)"
        case .sessionStarted: return "the session started"
        case let .sessionPaused(_, remaining):
            return "paused" + (remaining.map { " with \(ConsoleClock.countdown(milliseconds: $0)) left" } ?? "")
        case let .sessionResumed(_, endsAt):
            return "resumed" + (endsAt.map { ", slot ends \(clock.clock($0))" } ?? "")
        case .sessionEnded: return "the session ended"
        case let .participantJoined(id, name, role, organisation, _, isModerator, _, _):
            let what = isModerator ? "moderator" : [self.role(role), organisation.map(ConsoleText.sanitized)]
                .compactMap { $0 }.joined(separator: ", ")
            return "\(id) \(ConsoleText.sanitized(name)) joined" + (what.isEmpty ? "" : " (\(what))")
        case let .participantLeft(id, _): return "\(person(id)) left"
        case let .participantRejoined(id, _): return "\(person(id)) came back"
        case let .languageChanged(participant, language): return "\(person(participant)) reads in \(language)"
        case let .facilitatorAppointed(participant, room):
            return room.map { "\(person(participant)) facilitates \($0)" } ?? "\(person(participant)) no longer facilitates"
        case let .slotStarted(slot, _, endsAt): return "\(self.slot(slot)) started, ends \(clock.clock(endsAt))"
        case let .slotEnded(slot, _): return "\(slot) ended"
        case let .slotExtended(slot, minutes, endsAt): return "\(slot) extended by \(minutes) min, ends \(clock.clock(endsAt))"
        case let .slotTimeUp(slot, _, behaviour):
            return "time is up for \(slot)" + (behaviour == .advance ? ", moving on" : ", waiting for the moderator")
        case let .roomsOpened(_, rooms, mode, _): return "rooms opened (\(mode.rawValue)): \(rooms.joined(separator: ", "))"
        case let .participantAssigned(participant, room): return "\(person(participant)) → \(room)"
        case let .roomsClosing(_, closesAt): return "rooms close at \(clock.clockWithSeconds(closesAt))"
        case .roomsClosed: return "rooms closed, everyone is back in plenary"
        case let .noteAdded(id, board, _, author, text, _, anonymous, _):
            let who = author == nil ? "prefilled" : anonymous ? "anonymous" : person(author)
            return "\(id) on \(board) by \(who): \(quoted(text))"
        case let .noteEdited(id, text, _, _): return "\(id) edited: \(quoted(text))"
        case let .noteDeleted(id, by, _): return "\(id) deleted by \(person(by))"
        case let .commentAdded(id, note, author, text, _): return "\(id) on \(note) by \(person(author)): \(quoted(text))"
        case let .commentDeleted(id, by, _): return "\(id) deleted by \(person(by))"
        case let .clusterCreated(id, board, name): return "group \(id) on \(board)" + (name.map { " " + quoted($0) } ?? "")
        case let .notesGrouped(cluster, notes): return "\(notes.joined(separator: ", ")) grouped in \(cluster)"
        case let .notesUngrouped(notes): return "\(notes.joined(separator: ", ")) ungrouped"
        case let .clusterNamed(id, name): return "\(id) named \(quoted(name))"
        case let .clusterDissolved(id): return "group \(id) dissolved"
        case let .voteOpened(id, scope, _, _, dots, maxDots, hidden, _):
            return "vote \(id) opened on \(scope.rawValue): \(dots) dots, at most \(maxDots) per item"
                + (hidden ? ", hidden" : "")
        case let .dotPlaced(vote, item, participant):
            return "\(person(participant)) placed a dot in \(vote)" + (item.isEmpty ? "" : " on \(item)")
        case let .dotRemoved(vote, item, participant):
            return "\(person(participant)) took back a dot in \(vote)" + (item.isEmpty ? "" : " from \(item)")
        case let .voteClosed(id, _): return "vote \(id) closed"
        case let .voteRevealed(id, _):
            let ranked = results ?? state?.votes[id].map { state!.results(of: $0) } ?? []
            let top = ranked.prefix(3).map { "\($0.item) \($0.dots)" }.joined(separator: ", ")
            return "vote \(id) revealed" + (top.isEmpty ? "" : ": \(top)")
        case let .itemPromoted(id, source, _, text, _):
            let from: String
            switch source {
            case .note(let note): from = note
            case .cluster(let cluster): from = cluster
            }
            return "\(id) promoted from \(from): \(quoted(text))"
        case let .itemDemoted(id): return "\(id) demoted"
        case let .recommendationDrafted(id, text, _, room, _, _):
            return "\(id) drafted" + (room.map { " [\($0)]" } ?? "") + ": \(quoted(self.text(text)))"
        case let .recommendationEdited(id, text, _, _): return "\(id) edited: \(quoted(self.text(text)))"
        case let .recommendationWithdrawn(id): return "\(id) withdrawn"
        case let .recommendationsOrdered(order): return "recommendations ordered: \(order.joined(separator: " "))"
        case let .findingsWritten(room, text, by, _):
            return "\(person(by)) " + (text.map { "wrote the findings of \(room): \(quoted(self.text($0)))" } ?? "cleared the findings of \(room)")
        case let .quoteFeatured(quote, by): return "\(person(by)) quoted \(quote.id)"
        case let .quoteUnfeatured(quote): return "\(quote.id) no longer quoted"
        case let .recommendationClassified(id, theme, addressee):
            return "\(id): theme \(theme ?? "none"), addressee \(addressee ?? "none")"
        case let .reservationAdded(id, recommendation, text, by, _):
            return "\(id) reservation on \(recommendation) from \(person(by)): \(quoted(self.text(text)))"
        case let .reservationWithdrawn(id): return "\(id) withdrawn"
        case let .synthesisTextWritten(part, text, by, _):
            return "\(person(by)) " + (text.map { "wrote the \(part.rawValue): \(quoted(self.text($0)))" } ?? "cleared the \(part.rawValue)")
        case let .announced(id, text, room, by, _):
            return "\(id) from \(person(by))" + (room.map { " to \($0)" } ?? " to all") + ": \(quoted(self.text(text)))"
        }
    }
}
