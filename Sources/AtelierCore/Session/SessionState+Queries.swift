extension SessionState {
    /// The agenda slot running now.
    public var currentSlot: WorkshopDefinition.AgendaSlot? {
        agenda.current.map { workshop.agenda[$0] }
    }

    /// The participant who holds this credential (hash of a reconnect token).
    public func participant(withCredential credential: String) -> Participant? {
        participants.values.first { $0.credential == credential }
    }

    /// Active participants in join order.
    public var activeParticipants: [Participant] {
        participantOrder.compactMap { participants[$0] }.filter(\.isActive)
    }

    /// Whether notes may be written on `board` now.
    public func isOpen(_ board: BoardID) -> Bool {
        guard status == .running || status == .paused, let slot = currentSlot, slot.id == board.slot,
              !workshop.prompts(of: board).isEmpty else { return false }
        if board.isPlenary { return true }
        guard let breakout, breakout.slot == slot.id else { return false }
        return breakout.rooms.contains(board.room)
    }

    /// The boards open now: every open room's during a breakout, else the slot's plenary board.
    public var openBoards: [BoardID] {
        guard let slot = currentSlot else { return [] }
        let candidates = slot.kind == .breakout
            ? (breakout?.rooms ?? []).map { BoardID(slot: slot.id, room: $0) }
            : [BoardID(slot: slot.id, room: plenaryRoom)]
        return candidates.filter(isOpen)
    }

    /// The board a participant writes on when they do not name one: their room's or the plenary's;
    /// nil when they have no room yet or the slot has no board.
    public func currentBoard(of participant: ParticipantID) -> BoardID? {
        guard let slot = currentSlot else { return nil }
        if slot.kind == .breakout {
            guard let room = participants[participant]?.room else { return nil }
            return BoardID(slot: slot.id, room: room)
        }
        let plenary = BoardID(slot: slot.id, room: plenaryRoom)
        return workshop.prompts(of: plenary).isEmpty ? nil : plenary
    }

    /// Whether `participant` may read `board`.
    ///
    /// Moderators read everything; plenary boards are public; a room's board is read by its
    /// members while the breakout is open, and by everyone once the rooms have closed.
    public func canRead(_ board: BoardID, as participant: ParticipantID) -> Bool {
        guard let person = participants[participant] else { return false }
        if person.isModerator || board.isPlenary { return true }
        if let breakout, breakout.slot == board.slot { return person.room == board.room }
        return true
    }

    /// Whether `participant` moderates, or facilitates `room` (nobody facilitates the plenary):
    /// who may group notes and promote items of the room's boards, and curate its part of the synthesis.
    public func canCurate(_ room: RoomID?, as participant: ParticipantID) -> Bool {
        guard let person = participants[participant] else { return false }
        return person.isModerator || (room != nil && room != plenaryRoom && person.facilitates == room)
    }

    /// The item ids a participant may place dots on in a round, in the order they were created.
    public func items(of round: VoteRound, for participant: ParticipantID? = nil) -> [String] {
        switch round.scope {
        case .boards:
            return noteOrder.filter { id in
                guard let note = notes[id], round.boards.contains(note.board) else { return false }
                return participant.map { canRead(note.board, as: $0) } ?? true
            }
        case .promoted:
            return promoted.map(\.id)
        case .recommendations:
            return recommendationOrder
        }
    }

    /// A vote round's items ranked by total dots.
    ///
    /// Equal totals share a rank and the next rank skips (1, 2, 2, 4); within a tie items keep
    /// their creation order (for recommendations, the moderators' order).
    public func results(of round: VoteRound) -> [RankedItem] {
        ranked(items(of: round), by: round.totals)
    }

    /// `items` ranked by `totals`, among themselves.
    private func ranked(_ items: [String], by totals: [String: Int]) -> [RankedItem] {
        let ordered = items.enumerated().sorted { lhs, rhs in
            let (left, right) = (totals[lhs.element, default: 0], totals[rhs.element, default: 0])
            return left != right ? left > right : lhs.offset < rhs.offset
        }
        var ranked: [RankedItem] = []
        for (position, entry) in ordered.enumerated() {
            let dots = totals[entry.element, default: 0]
            let rank = ranked.last.map { $0.dots == dots ? $0.rank : position + 1 } ?? 1
            ranked.append(RankedItem(item: entry.element, dots: dots, rank: rank))
        }
        return ranked
    }

    /// The totals that go out beside the form of `voteRevealed` shown to `audience`, in this state
    /// right after it: the round's ranking of the items that audience may read. While the rooms
    /// are open, a room learns how its own notes fared, ranked among themselves, and not how
    /// another room's did; the moderators get the whole ranking. Nil for every other event.
    public func results(revealedBy event: Event, to audience: Audience) -> [RankedItem]? {
        guard case .voteRevealed(let id, _) = event, let round = votes[id] else { return nil }
        let shown = items(of: round).filter { item in
            guard let board = board(ofItem: item, in: round), !isPublic(board) else { return true }
            switch audience {
            case .moderators: return true
            case .readers(let readable): return board == readable
            case .everyone, .person, .room, .curators: return false
            }
        }
        return ranked(shown, by: round.totals)
    }

    /// What goes out beside `roomsClosed`, in this state right after it: the whole ranking of each
    /// revealed round with items in those rooms, whose members were shown only their own room's
    /// part (`results(revealedBy:to:)`); nil for every other event and when there is none.
    public func rankingsCompleted(by event: Event) -> [RevealedRanking]? {
        guard case .roomsClosed(let slot, _) = event else { return nil }
        let rankings = voteOrder.compactMap { votes[$0] }.filter { round in
            round.status == .revealed && items(of: round).contains { item in
                board(ofItem: item, in: round).map { !$0.isPlenary && $0.slot == slot } ?? false
            }
        }.map { RevealedRanking(vote: $0.id, results: results(of: $0)) }
        return rankings.isEmpty ? nil : rankings
    }

    /// The boards of a round's items that not everyone may read now: the rooms' own while they are open.
    func unreadableBoards(of round: VoteRound) -> Set<BoardID> {
        Set(items(of: round).compactMap { board(ofItem: $0, in: round) }.filter { !isPublic($0) })
    }

    /// Whether every participant may read `board` now: a plenary board, or a room's once its rooms have closed.
    func isPublic(_ board: BoardID) -> Bool {
        board.isPlenary || breakout?.slot != board.slot
    }

    /// The board an item of `round` is on: a note's, a promoted item's; nil for a recommendation.
    private func board(ofItem item: String, in round: VoteRound) -> BoardID? {
        switch round.scope {
        case .boards: return notes[item]?.board
        case .promoted: return promoted.first { $0.id == item }?.board
        case .recommendations: return nil
        }
    }

    /// The most recent round that voted on recommendations and was revealed.
    public var finalRecommendationVote: VoteRound? {
        voteOrder.reversed().compactMap { votes[$0] }.first { $0.scope == .recommendations && $0.status == .revealed }
    }

    /// Recommendations ranked by the last revealed plenary vote, else in the moderators' order.
    public var rankedRecommendations: [RankedItem] {
        if let round = finalRecommendationVote { return results(of: round) }
        return recommendationOrder.enumerated().map { RankedItem(item: $1, dots: 0, rank: $0 + 1) }
    }

    /// Milliseconds left before the rooms close at `now` (held while paused); nil when no closing
    /// was asked for.
    public func roomsClosingIn(at now: Timestamp) -> Int64? {
        guard let breakout else { return nil }
        if let held = breakout.closingWhenPaused { return held }
        return breakout.closesAt.map { max($0.milliseconds(since: now), 0) }
    }

    /// Milliseconds left on the current slot at `now` (negative once overrun); nil when no slot runs.
    public func remaining(at now: Timestamp) -> Int64? {
        if let paused = agenda.remainingWhenPaused { return paused }
        return agenda.endsAt.map { $0.milliseconds(since: now) }
    }

    /// The rooms a note's board belongs to, for linking recommendations to their themes.
    public func room(of source: RecommendationSource) -> RoomID? {
        switch source {
        case .note(let id): return notes[id]?.board.room
        case .promoted(let id): return promoted.first { $0.id == id }?.board.room
        }
    }
}

/// A round's whole ranking, sent once its rooms have closed.
public struct RevealedRanking: Hashable, Sendable, Codable {
    public var vote: VoteID
    public var results: [RankedItem]

    public init(vote: VoteID, results: [RankedItem]) { self.vote = vote; self.results = results }
}

/// One line of a vote's results.
public struct RankedItem: Hashable, Sendable, Codable {
    /// The note, plenary item or recommendation id.
    public var item: String
    /// Total dots received.
    public var dots: Int
    /// 1 for the most dots; tied items share a rank.
    public var rank: Int

    /// A ranked line.
    public init(item: String, dots: Int, rank: Int) { self.item = item; self.dots = dots; self.rank = rank }
}
