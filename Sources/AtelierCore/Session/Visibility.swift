/// Who may see an event: the rule behind the server's fan-out and resync (docs/PROTOCOL.md,
/// "Who sees what").
public enum Audience: Hashable, Sendable {
    /// Every participant and moderator of the session.
    case everyone
    /// Whoever may read the board now (`SessionState.canRead`).
    case readers(BoardID)
    /// One participant alone.
    case person(ParticipantID)
    /// The moderators alone.
    case moderators
    /// The members of a room, and the moderators.
    case room(RoomID)
    /// The moderators, and the facilitators of the room when one is given: those who curate
    /// the synthesis see it take shape; participants read it once it is published.
    case curators(RoomID?)
}

/// One form of an event and the audience that gets it.
public struct Disclosure: Hashable, Sendable {
    public var audience: Audience
    /// The event as this audience sees it (possibly with fields blanked).
    public var event: Event

    public init(_ audience: Audience, _ event: Event) {
        self.audience = audience
        self.event = event
    }
}

extension SessionState {
    /// The forms in which `event` may be seen, most revealing first: a viewer gets the first
    /// form whose audience includes them, and nothing when none does.
    ///
    /// Call it on the state *before* the event is applied, which still knows the notes,
    /// comments and groups the event removes.
    public func disclosures(of event: Event) -> [Disclosure] {
        switch event {
        case let .participantJoined(id, name, role, organisation, language, isModerator, _, at):
            // The credential only matters to the server; the token it hashes goes to its owner alone.
            let shown = Event.participantJoined(
                id: id, name: name, role: role, organisation: organisation, language: language,
                isModerator: isModerator, credential: "", at: at)
            // Moderators keep the list; a participant needs only the organisers and themselves (the
            // names on notes travel with the notes): a hall of n joining sends n, not n², joins.
            if isModerator { return [Disclosure(.everyone, shown)] }
            return [Disclosure(.person(id), shown), Disclosure(.moderators, shown)]

        case let .noteAdded(id, board, prompt, author, text, colour, anonymous, at):
            guard anonymous, let author else { return [Disclosure(.readers(board), event)] }
            return [
                Disclosure(.person(author), event),
                Disclosure(.readers(board), .noteAdded(
                    id: id, board: board, prompt: prompt, author: nil, text: text, colour: colour,
                    anonymous: true, at: at)),
            ]

        case let .noteDeleted(id, by, at):
            // Deleting one's own anonymous note must not sign it.
            guard let note = notes[id], note.anonymous, note.author == by else { return onBoard(notes[id]?.board, event) }
            return [
                Disclosure(.person(by), event),
                Disclosure(.readers(note.board), .noteDeleted(id: id, by: "", at: at)),
            ]
        case .noteEdited(let id, _, _, _), .commentAdded(_, let id, _, _, _):
            return onBoard(notes[id]?.board, event)
        case .commentDeleted(let id, _, _):
            return onBoard(comments[id].flatMap { notes[$0.note]?.board }, event)
        case .clusterCreated(_, let board, _):
            return onBoard(board, event)
        case .notesGrouped(let cluster, _), .clusterNamed(let cluster, _), .clusterDissolved(let cluster):
            return onBoard(clusters[cluster]?.board, event)
        case .notesUngrouped(let ids):
            return onBoard(ids.lazy.compactMap { self.notes[$0]?.board }.first, event)

        case let .dotPlaced(vote, item, participant):
            return dotDisclosures(vote: vote, item: item, participant: participant, event) {
                .dotPlaced(vote: vote, item: "", participant: participant)
            }
        case let .dotRemoved(vote, item, participant):
            return dotDisclosures(vote: vote, item: item, participant: participant, event) {
                .dotRemoved(vote: vote, item: "", participant: participant)
            }

        case .announced(_, _, let room?, _, _):
            return [Disclosure(.room(room), event)]

        case .findingsWritten(let room, _, _, _):
            return [Disclosure(.curators(room), event)]
        case .quoteFeatured(let quote, _), .quoteUnfeatured(let quote):
            return [Disclosure(.curators(board(of: quote)?.room), event)]
        case .reservationAdded(_, let recommendation, _, _, _):
            return [Disclosure(.curators(recommendations[recommendation]?.room), event)]
        case .reservationWithdrawn(let id):
            let recommendation = reservations.first { $0.id == id }?.recommendation
            return [Disclosure(.curators(recommendation.flatMap { recommendations[$0]?.room }), event)]
        case .synthesisTextWritten:
            return [Disclosure(.curators(nil), event)]

        // A promoted item carries its note's or group's text: it stays with the board's readers
        // (its room while the breakout is open) and reaches the plenary when the rooms close.
        case .itemPromoted(_, _, let board, _, _):
            return [Disclosure(.readers(board), event)]
        case .itemDemoted(let id):
            return onBoard(promoted.first { $0.id == id }?.board, event)

        // Its totals (`results(revealedBy:to:)`) differ by audience while the rooms are open: the
        // moderators', each room's readers', then everyone's, which ranks the public items alone.
        case .voteRevealed(let id, _):
            let rooms = votes[id].map(unreadableBoards) ?? []
            guard !rooms.isEmpty else { return [Disclosure(.everyone, event)] }
            return [Disclosure(.moderators, event)] + rooms.sorted().map { Disclosure(.readers($0), event) }
                + [Disclosure(.everyone, event)]

        case .sessionCreated, .sessionStarted, .sessionPaused, .sessionResumed, .sessionEnded,
             .participantLeft, .participantRejoined, .languageChanged, .facilitatorAppointed,
             .slotStarted, .slotEnded, .slotExtended, .slotTimeUp,
             .roomsOpened, .participantAssigned, .roomsClosing, .roomsClosed,
             .voteOpened, .voteClosed,
             .recommendationDrafted, .recommendationEdited, .recommendationWithdrawn, .recommendationsOrdered,
             .recommendationClassified, .announced:
            return [Disclosure(.everyone, event)]
        }
    }

    /// Whether `viewer` belongs to `audience` now.
    public func includes(_ audience: Audience, _ viewer: ParticipantID) -> Bool {
        switch audience {
        case .everyone: return participants[viewer] != nil
        case .readers(let board): return canRead(board, as: viewer)
        case .person(let person): return person == viewer
        case .moderators: return participants[viewer]?.isModerator ?? false
        case .room(let room):
            guard let person = participants[viewer] else { return false }
            return person.isModerator || person.room == room
        case .curators(let room): return canCurate(room, as: viewer)
        }
    }

    /// The form of an event `viewer` gets, given its disclosures; nil when they may not see it.
    public func form(for viewer: ParticipantID, among disclosures: [Disclosure]) -> Int? {
        disclosures.firstIndex { includes($0.audience, viewer) }
    }

    /// The form every participant of the session gets, when the first disclosure reaches them
    /// all (anything public: plenary boards, a room's board once the rooms have closed, events
    /// for everyone); nil when who gets what depends on the viewer. Agrees with `form(for:among:)`
    /// for every participant, and lets a fan-out skip asking for each one.
    public func formForEveryone(among disclosures: [Disclosure]) -> Int? {
        guard let first = disclosures.first else { return nil }
        switch first.audience {
        case .everyone:
            return 0
        case .readers(let board):
            if board.isPlenary { return 0 }
            if let breakout, breakout.slot == board.slot { return nil }
            return 0
        case .person, .moderators, .room, .curators:
            return nil
        }
    }

    /// The name shown beside a form of a signed note or comment: a participant is not sent other
    /// participants' joins, so the name travels with what they wrote. Nil for anything else, and
    /// for an anonymous note's unsigned form.
    public func authorName(of event: Event) -> String? {
        switch event {
        case .noteAdded(_, _, _, let author?, _, _, _, _), .commentAdded(_, _, let author, _, _):
            return participants[author]?.name
        default:
            return nil
        }
    }

    /// The participants an event reaches besides the moderators, when every form of it goes to
    /// named people or to the moderators (a participant's join: the joiner); nil when who gets
    /// it depends on each viewer. Lets a fan-out reach them without asking every member.
    public func namedAudience(among disclosures: [Disclosure]) -> Set<ParticipantID>? {
        var named: Set<ParticipantID> = []
        for disclosure in disclosures {
            switch disclosure.audience {
            case .person(let person): named.insert(person)
            case .moderators: continue
            case .everyone, .readers, .room, .curators: return nil
            }
        }
        return named
    }

    /// The board a quoted note or comment is on.
    private func board(of quote: QuoteSource) -> BoardID? {
        switch quote {
        case .note(let id): return notes[id]?.board
        case .comment(let id): return comments[id].flatMap { notes[$0.note]?.board }
        }
    }

    /// Events on a board reach its readers; an event whose board is unknown reaches nobody.
    private func onBoard(_ board: BoardID?, _ event: Event) -> [Disclosure] {
        board.map { [Disclosure(.readers($0), event)] } ?? []
    }

    /// The voter sees their dot; others see it where they may see the item, or only that a dot
    /// moved when the round is hidden.
    private func dotDisclosures(
        vote: VoteID, item: String, participant: ParticipantID, _ event: Event, blanked: () -> Event
    ) -> [Disclosure] {
        guard let round = votes[vote] else { return [Disclosure(.person(participant), event)] }
        if round.hidden { return [Disclosure(.person(participant), event), Disclosure(.everyone, blanked())] }
        if round.scope == .boards, let board = notes[item]?.board {
            return [Disclosure(.person(participant), event), Disclosure(.readers(board), event)]
        }
        return [Disclosure(.everyone, event)]
    }
}

extension Event {
    /// Whether, once this event is applied, someone may read boards they could not read before:
    /// the rooms closed (every board is public again), or someone was placed in a room.
    public var mayWidenVisibility: Bool {
        switch self {
        case .roomsClosed, .participantAssigned: return true
        default: return false
        }
    }

    /// Whether this event may widen what `viewer` in particular may read.
    public func mayWidenVisibility(of viewer: ParticipantID) -> Bool {
        if case .participantAssigned(let participant, _) = self { return participant == viewer }
        return mayWidenVisibility
    }
}
