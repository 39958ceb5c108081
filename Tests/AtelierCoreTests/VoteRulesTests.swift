@testable import AtelierCore
import Testing

/// At the `vote` slot with a round open on its board (slot rules unless overridden): v1 on n1, n2, n3.
private func voting(dots: Int? = nil, perItem: Int? = nil) throws -> Scenario {
    var session = try Scenario.at("vote")
    try session.when(.openVote(on: .boards, dotsPerPerson: dots, maxDotsPerItem: perItem, hidden: nil), by: .moderator)
    return session
}

@Suite("Dot voting")
struct VoteRulesTests {
    @Test("A round takes its rules from the slot when the slot has some")
    func slotDefaults() throws {
        var session = try Scenario.at("vote")
        #expect(try session.when(.vote(on: .boards), by: .moderator)
            == [.voteOpened(
                id: "v1", scope: .boards, slot: "vote", boards: [.priorites], dotsPerPerson: 5, maxDotsPerItem: 2,
                hidden: true, at: session.now)])
        let round = try #require(session.state.votes["v1"])
        #expect(round.status == .open && round.hidden)
        #expect(session.state.items(of: round) == Fixture.prefilledNotes)
    }

    @Test("A round takes the workshop's rules otherwise, and covers every open room's board")
    func workshopDefaults() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.when(.vote(on: .boards), by: .moderator)
            == [.voteOpened(
                id: "v1", scope: .boards, slot: "ateliers", boards: [.mobilite, .logement], dotsPerPerson: 3,
                maxDotsPerItem: 1, hidden: false, at: session.now)])
    }

    @Test("Given settings win; the per-item default never exceeds the dots given")
    func givenSettings() throws {
        var session = try Scenario.at("vote")
        try session.when(.openVote(on: .boards, dotsPerPerson: 1, maxDotsPerItem: nil, hidden: false), by: .moderator)
        let round = try #require(session.state.votes["v1"])
        #expect(round.dotsPerPerson == 1 && round.maxDotsPerItem == 1 && !round.hidden)
    }

    @Test("A round gives 1 to 100 dots and allows 1 to that many per item")
    func invalidSettings() throws {
        let session = try Scenario.at("vote")
        let invalid = Refusal(
            .voteInvalidSettings, "Give each person 1 to 100 dots, and allow 1 to that many on one item.")
        for (dots, perItem) in [(0, nil), (101, nil), (3, 0), (3, 4)] as [(Int, Int?)] {
            let open = Command.openVote(on: .boards, dotsPerPerson: dots, maxDotsPerItem: perItem, hidden: nil)
            #expect(try session.refused(open, by: .moderator)
                == invalid)
        }
    }

    @Test("A round needs something to vote on")
    func nothingToVoteOn() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.vote(on: .promoted), by: .moderator)
            == Refusal(.voteNothingToVoteOn, "There is nothing to vote on for promoted yet."))
        #expect(try session.refusalCode(.vote(on: .recommendations), by: .moderator)
            == .voteNothingToVoteOn)
        #expect(try session.refusalCode(.vote(on: .boards), by: .moderator)
            == .voteNothingToVoteOn)
    }

    @Test("Rounds on the same items do not overlap; other scopes may run alongside")
    func overlappingRounds() throws {
        var session = try voting()
        #expect(try session.refused(.vote(on: .boards), by: .moderator)
            == Refusal(.voteAlreadyOpen, "A vote on these items is already open."))
        try session.when(.promote(source: .note("n1"), text: nil), by: .moderator)
        try session.when(.vote(on: .promoted), by: .moderator)
        try session.when(.closeVote(vote: "v1"), by: .moderator)
        try session.when(.vote(on: .boards), by: .moderator)
        #expect(session.state.voteOrder == ["v1", "v2", "v3"])
    }

    @Test("Only moderators open, close and reveal rounds, once the session started")
    func roundsAreForModerators() throws {
        let session = try voting()
        #expect(try session.refused(.vote(on: .boards), by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can open votes."))
        #expect(try session.refusalCode(.closeVote(vote: "v1"), by: .ana) == .authModeratorOnly)
        #expect(try session.refusalCode(.revealVote(vote: "v1"), by: .ana) == .authModeratorOnly)
        let before = try Scenario.withCast()
        #expect(try before.refusalCode(.vote(on: .boards), by: .moderator)
            == .sessionNotStarted)
    }

    @Test("A participant places dots, several on one item up to the round's limit")
    func placeDots() throws {
        var session = try voting()
        #expect(try session.when(.placeDot(vote: "v1", item: "n2"), by: .ana)
            == [.dotPlaced(vote: "v1", item: "n2", participant: Cast.ana)])
        try session.when(.placeDot(vote: "v1", item: "n2"), by: .ana)
        let round = try #require(session.state.votes["v1"])
        #expect(round.dots == [Cast.ana: ["n2": 2]])
        #expect(round.dotsUsed(by: Cast.ana) == 2)
        #expect(try session.refused(.placeDot(vote: "v1", item: "n2"), by: .ana)
            == Refusal(.voteMaxPerItem, "You can put at most 2 dots on one item."))
    }

    @Test("With one dot per item the limit says so")
    func oneDotPerItem() throws {
        var session = try Scenario.inBreakout()
        try session.note("Bus", prompt: "constats", by: .ana)
        try session.when(.vote(on: .boards), by: .moderator)
        try session.when(.placeDot(vote: "v1", item: "n4"), by: .bob)
        #expect(try session.refused(.placeDot(vote: "v1", item: "n4"), by: .bob)
            == Refusal(.voteMaxPerItem, "You can put at most one dot on one item."))
    }

    @Test("A participant's dots run out")
    func budgetExhausted() throws {
        var session = try voting(dots: 3, perItem: 3)
        try session.dots(["n1", "n2", "n3"], in: "v1", by: .ana)
        #expect(try session.refused(.placeDot(vote: "v1", item: "n1"), by: .ana)
            == Refusal(.voteBudgetExhausted, "You have used your 3 dots."))
        try session.when(.placeDot(vote: "v1", item: "n1"), by: .bob)
    }

    @Test("With a single dot the message says so")
    func singleDotExhausted() throws {
        var session = try voting(dots: 1)
        try session.when(.placeDot(vote: "v1", item: "n1"), by: .ana)
        #expect(try session.refused(.placeDot(vote: "v1", item: "n2"), by: .ana)
            == Refusal(.voteBudgetExhausted, "You have used your dot."))
    }

    @Test("A participant takes back a dot they placed")
    func removeDot() throws {
        var session = try voting()
        try session.dots(["n1", "n1"], in: "v1", by: .ana)
        #expect(try session.when(.removeDot(vote: "v1", item: "n1"), by: .ana)
            == [.dotRemoved(vote: "v1", item: "n1", participant: Cast.ana)])
        #expect(session.state.votes["v1"]?.dots[Cast.ana] == ["n1": 1])
        try session.when(.removeDot(vote: "v1", item: "n1"), by: .ana)
        #expect(session.state.votes["v1"]?.dotsUsed(by: Cast.ana) == 0)
        #expect(try session.refused(.removeDot(vote: "v1", item: "n1"), by: .ana)
            == Refusal(.voteNoDotToRemove, "You have no dot on this item."))
    }

    @Test("Moderators do not place dots")
    func moderatorsDoNotVote() throws {
        let session = try voting()
        #expect(try session.refused(.placeDot(vote: "v1", item: "n1"), by: .moderator)
            == Refusal(.participantIsModerator, "Moderators do not place dots."))
    }

    @Test("Dots go on a round that exists, on one of its items")
    func unknownRoundOrItem() throws {
        var session = try voting()
        #expect(try session.refused(.placeDot(vote: "v9", item: "n1"), by: .ana)
            == Refusal(.voteUnknown, "There is no vote \"v9\"."))
        #expect(try session.refusalCode(.closeVote(vote: "v9"), by: .moderator) == .voteUnknown)
        #expect(try session.refusalCode(.revealVote(vote: "v9"), by: .moderator) == .voteUnknown)
        #expect(try session.refused(.placeDot(vote: "v1", item: "n99"), by: .ana)
            == Refusal(.voteUnknownItem, "\"n99\" is not one of this vote's items."))
        try session.when(.goToSlot(slot: "cloture"), by: .moderator)
        let elsewhere = try session.note("Merci", prompt: "retours", by: .bob)
        #expect(try session.refusalCode(.placeDot(vote: "v1", item: elsewhere), by: .ana) == .voteUnknownItem)
    }

    @Test("A note written on the round's board while it is open becomes one of its items")
    func newNotesJoinOpenRound() throws {
        var session = try voting()
        let idea = try session.note("Une navette", prompt: "priorites", by: .bob)
        #expect(session.state.items(of: try #require(session.state.votes["v1"])) == Fixture.prefilledNotes + [idea])
        try session.when(.placeDot(vote: "v1", item: idea), by: .ana)
    }

    @Test("During a breakout a participant votes only on their own room's notes")
    func voteOnlyInOwnRoom() throws {
        var session = try Scenario.inBreakout()
        let bus = try session.note("Bus", prompt: "constats", by: .ana)
        let loyers = try session.note("Loyers", prompt: "besoins", by: .chloe)
        try session.when(.vote(on: .boards), by: .moderator)
        let round = try #require(session.state.votes["v1"])
        #expect(session.state.items(of: round, for: Cast.bob) == [bus])
        #expect(session.state.items(of: round) == [bus, loyers])
        #expect(try session.refusalCode(.placeDot(vote: "v1", item: loyers), by: .bob) == .voteUnknownItem)
        try session.when(.placeDot(vote: "v1", item: bus), by: .bob)
    }

    @Test("A dot on another room's note is refused exactly as one on a note that does not exist")
    func otherRoomItemsAreUnknown() throws {
        var session = try Scenario.inBreakout()
        let loyers = try session.note("Loyers", prompt: "besoins", by: .chloe)
        try session.when(.openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: true), by: .moderator)
        for command in [Command.placeDot, Command.removeDot] {
            let elsewhere = try session.refused(command("v1", loyers), by: .bob)
            let nowhere = try session.refused(command("v1", "n99"), by: .bob)
            #expect(elsewhere == Refusal(.voteUnknownItem, "\"\(loyers)\" is not one of this vote's items."))
            #expect(nowhere == Refusal(.voteUnknownItem, "\"n99\" is not one of this vote's items."))
        }
    }

    @Test("Closing a round stops the dots")
    func closeRound() throws {
        var session = try voting()
        try session.when(.placeDot(vote: "v1", item: "n1"), by: .ana)
        #expect(try session.when(.closeVote(vote: "v1"), by: .moderator) == [.voteClosed(id: "v1", at: session.now)])
        #expect(session.state.votes["v1"]?.status == .closed)
        #expect(session.state.votes["v1"]?.closedAt == session.now)
        #expect(try session.refused(.placeDot(vote: "v1", item: "n2"), by: .ana)
            == Refusal(.voteNotOpen, "This vote is closed."))
        #expect(try session.refusalCode(.removeDot(vote: "v1", item: "n1"), by: .ana) == .voteNotOpen)
        #expect(try session.refused(.closeVote(vote: "v1"), by: .moderator)
            == Refusal(.voteNotOpen, "This vote is not open."))
    }

    @Test("A hidden round keeps its totals until revealed; revealing an open round closes it first")
    func revealOpenRound() throws {
        var session = try voting()
        try session.when(.placeDot(vote: "v1", item: "n1"), by: .ana)
        #expect(session.state.votes["v1"]?.hidden == true)
        #expect(session.state.votes["v1"]?.status == .open)
        #expect(try session.when(.revealVote(vote: "v1"), by: .moderator)
            == [.voteClosed(id: "v1", at: session.now), .voteRevealed(id: "v1", at: session.now)])
        #expect(session.state.votes["v1"]?.status == .revealed)
        #expect(session.state.votes["v1"]?.totals == ["n1": 1])
    }

    @Test("A closed round is revealed once")
    func revealClosedRoundOnce() throws {
        var session = try voting()
        try session.when(.closeVote(vote: "v1"), by: .moderator)
        #expect(try session.when(.revealVote(vote: "v1"), by: .moderator) == [.voteRevealed(id: "v1", at: session.now)])
        #expect(try session.refused(.revealVote(vote: "v1"), by: .moderator)
            == Refusal(.voteAlreadyRevealed, "This vote's results are already shown."))
        #expect(try session.refusalCode(.closeVote(vote: "v1"), by: .moderator) == .voteNotOpen)
    }

    @Test("Results rank by dots; ties share a rank, the next rank skips, and tied items keep creation order")
    func rankingWithTies() throws {
        var session = try voting()
        let idea = try session.note("Une navette", prompt: "priorites", by: .ana)
        try session.dots([idea, idea, "n3", "n3"], in: "v1", by: .bob)
        try session.dots([idea, "n1", "n1"], in: "v1", by: .ana)
        try session.dots(["n2"], in: "v1", by: .chloe)
        let round = try #require(session.state.votes["v1"])
        #expect(session.state.results(of: round) == [
            RankedItem(item: idea, dots: 3, rank: 1),
            RankedItem(item: "n1", dots: 2, rank: 2),
            RankedItem(item: "n3", dots: 2, rank: 2),
            RankedItem(item: "n2", dots: 1, rank: 4),
        ])
    }

    @Test("Items without dots rank last together")
    func undottedItemsTie() throws {
        var session = try voting()
        try session.when(.placeDot(vote: "v1", item: "n2"), by: .ana)
        let round = try #require(session.state.votes["v1"])
        #expect(session.state.results(of: round).map(\.rank) == [1, 2, 2])
        #expect(session.state.results(of: round).map(\.item) == ["n2", "n1", "n3"])
    }

    @Test("Deleting a note during an open round gives its dots back")
    func deletingRefundsDots() throws {
        var session = try voting()
        let idea = try session.note("Une navette", prompt: "priorites", by: .ana)
        try session.dots([idea, idea, "n1"], in: "v1", by: .bob)
        try session.when(.deleteNote(note: idea), by: .ana)
        let round = try #require(session.state.votes["v1"])
        #expect(round.dots[Cast.bob] == ["n1": 1])
        #expect(round.dotsUsed(by: Cast.bob) == 1)
    }

    @Test("A note that received dots in a finished round cannot be deleted, even by a moderator")
    func countedNoteStays() throws {
        var session = try voting()
        session.given([
            .dotPlaced(vote: "v1", item: "n1", participant: Cast.ana),
            .voteClosed(id: "v1", at: session.now),
        ])
        #expect(try session.refused(.deleteNote(note: "n1"), by: .moderator)
            == Refusal(.noteHasVotes, "This note received dots in a finished vote and stays on the record."))
        try session.when(.deleteNote(note: "n2"), by: .moderator)
    }
}
