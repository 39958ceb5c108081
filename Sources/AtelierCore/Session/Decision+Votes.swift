extension Decision {
    func openVote(
        on scope: VoteScope, dotsPerPerson: Int?, maxDotsPerItem: Int?, hidden: Bool?
    ) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "open votes")
        try requireStarted()
        guard let slot = state.currentSlot else { throw Refusal(.sessionNotStarted, "The session has not started yet.") }
        let defaults = state.workshop.voting(in: slot)
        let dots = dotsPerPerson ?? defaults.dotsPerPerson
        let perItem = maxDotsPerItem ?? min(defaults.maxDotsPerNote, dots)
        guard (1...100).contains(dots), (1...dots).contains(perItem) else {
            throw Refusal(.voteInvalidSettings, "Give each person 1 to 100 dots, and allow 1 to that many on one item.")
        }
        let boards = scope == .boards ? state.openBoards : []
        let hasItems: Bool
        switch scope {
        case .boards: hasItems = !boards.isEmpty
        case .promoted: hasItems = !state.promoted.isEmpty
        case .recommendations: hasItems = !state.recommendationOrder.isEmpty
        }
        guard hasItems else { throw Refusal(.voteNothingToVoteOn, "There is nothing to vote on for \(scope.rawValue) yet.") }
        let overlapping = state.voteOrder.compactMap { state.votes[$0] }.contains { round in
            round.status == .open && round.scope == scope
                && (scope != .boards || !Set(round.boards).isDisjoint(with: boards))
        }
        if overlapping { throw Refusal(.voteAlreadyOpen, "A vote on these items is already open.") }
        return [.voteOpened(
            id: "v\(state.counters.votes + 1)", scope: scope, slot: slot.id, boards: boards, dotsPerPerson: dots,
            maxDotsPerItem: perItem, hidden: hidden ?? defaults.hiddenUntilReveal, at: now)]
    }

    func placeDot(in vote: VoteID, on item: String) throws(Refusal) -> [Event] {
        let (person, round) = try requireVoter(in: vote, on: item)
        let used = round.dotsUsed(by: person.id)
        guard used < round.dotsPerPerson else {
            let dots = round.dotsPerPerson == 1 ? "your dot" : "your \(round.dotsPerPerson) dots"
            throw Refusal(.voteBudgetExhausted, "You have used \(dots).")
        }
        guard round.dots[person.id]?[item] ?? 0 < round.maxDotsPerItem else {
            let dots = round.maxDotsPerItem == 1 ? "one dot" : "\(round.maxDotsPerItem) dots"
            throw Refusal(.voteMaxPerItem, "You can put at most \(dots) on one item.")
        }
        return [.dotPlaced(vote: vote, item: item, participant: person.id)]
    }

    func removeDot(in vote: VoteID, from item: String) throws(Refusal) -> [Event] {
        let (person, round) = try requireVoter(in: vote, on: item)
        guard round.dots[person.id]?[item] ?? 0 > 0 else {
            throw Refusal(.voteNoDotToRemove, "You have no dot on this item.")
        }
        return [.dotRemoved(vote: vote, item: item, participant: person.id)]
    }

    func closeVote(_ id: VoteID) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "close votes")
        guard try requireRound(id).status == .open else { throw Refusal(.voteNotOpen, "This vote is not open.") }
        return [.voteClosed(id: id, at: now)]
    }

    func revealVote(_ id: VoteID) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "reveal votes")
        switch try requireRound(id).status {
        case .revealed: throw Refusal(.voteAlreadyRevealed, "This vote's results are already shown.")
        case .open: return [.voteClosed(id: id, at: now), .voteRevealed(id: id, at: now)]
        case .closed: return [.voteRevealed(id: id, at: now)]
        }
    }

    // MARK: Helpers

    private func requireRound(_ id: VoteID) throws(Refusal) -> SessionState.VoteRound {
        guard let round = state.votes[id] else { throw Refusal(.voteUnknown, "There is no vote \"\(id)\".") }
        return round
    }

    /// The voter and the open round, after checking `item` is theirs to vote on.
    private func requireVoter(in vote: VoteID, on item: String) throws(Refusal) -> (SessionState.Participant, SessionState.VoteRound) {
        let person = try requireParticipant()
        if person.isModerator { throw Refusal(.participantIsModerator, "Moderators do not place dots.") }
        let round = try requireRound(vote)
        guard round.status == .open else { throw Refusal(.voteNotOpen, "This vote is closed.") }
        // Another room's note gets the answer a missing one gets, so a refusal never tells it exists.
        guard state.items(of: round, for: person.id).contains(item) else {
            throw Refusal(.voteUnknownItem, "\"\(item)\" is not one of this vote's items.")
        }
        return (person, round)
    }
}
