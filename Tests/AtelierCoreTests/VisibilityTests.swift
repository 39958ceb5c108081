@testable import AtelierCore
import Testing

@Suite("Audiences")
struct VisibilityTests {
    /// Every participant's form of each disclosure list, as `form(for:among:)` says.
    private func forms(_ disclosures: [Disclosure], in state: SessionState) -> Set<Int?> {
        Set(state.participants.keys.map { state.form(for: $0, among: disclosures) })
    }

    /// Checks `formForEveryone` never claims a form that some participant would not get.
    private func agrees(_ disclosures: [Disclosure], in state: SessionState, sourceLocation: SourceLocation = #_sourceLocation) {
        if let form = state.formForEveryone(among: disclosures) {
            #expect(forms(disclosures, in: state) == [form], sourceLocation: sourceLocation)
        }
    }

    @Test("A plenary note reaches everyone in one form")
    func plenaryNote() throws {
        var session = try Scenario.at("cloture")
        let events = try session.when(Command.note("Merci", prompt: "retours"), by: .ana)
        let disclosures = session.state.disclosures(of: try #require(events.first))
        #expect(session.state.formForEveryone(among: disclosures) == 0)
        agrees(disclosures, in: session.state)
    }

    @Test("A room's note is not for everyone while the breakout is open, and is once it closes")
    func roomNote() throws {
        var session = try Scenario.inBreakout()
        let note = try #require(try session.when(Command.note("Vélos", prompt: "constats"), by: .ana).first)
        #expect(session.state.formForEveryone(among: session.state.disclosures(of: note)) == nil)
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        let disclosures = session.state.disclosures(of: note)
        #expect(session.state.formForEveryone(among: disclosures) == 0)
        agrees(disclosures, in: session.state)
    }

    @Test("A round revealed while the rooms are open ranks, for each room, its own notes; once they close, the whole ranking follows")
    func revealWhileRoomsOpen() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: nil, hidden: nil), by: .moderator)
        try session.when(.placeDot(vote: "v1", item: "n6"), by: .chloe)
        try session.when(.placeDot(vote: "v1", item: "n5"), by: .ana)
        try session.when(.placeDot(vote: "v1", item: "n6"), by: .david)
        let before = session.state
        let reveal = try #require(try session.when(.revealVote(vote: "v1"), by: .moderator).last)
        let disclosures = before.disclosures(of: reveal)
        let state = session.state
        let shown = { (viewer: ParticipantID) -> [String] in
            let form = try #require(state.form(for: viewer, among: disclosures))
            return (state.results(revealedBy: reveal, to: disclosures[form].audience) ?? []).map { "\($0.item)=\($0.dots)#\($0.rank)" }
        }
        #expect(try shown(Cast.moderator) == ["n6=2#1", "n5=1#2", "n4=0#3"])
        #expect(try shown(Cast.ana) == ["n5=1#1", "n4=0#2"])
        #expect(try shown(Cast.chloe) == ["n6=2#1"])
        #expect(state.rankingsCompleted(by: reveal) == nil)

        let closed = try #require(try session.when(.closeRooms(afterSeconds: nil), by: .moderator).first)
        #expect(session.state.rankingsCompleted(by: closed) == [RevealedRanking(vote: "v1", results: session.state.results(of: session.state.votes["v1"]!))])
    }

    @Test("A round revealed once the rooms have closed has one form for everyone, with its whole ranking")
    func revealAfterRoomsClose() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: nil, hidden: nil), by: .moderator)
        try session.when(.placeDot(vote: "v1", item: "n6"), by: .chloe)
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        let before = session.state
        let reveal = try #require(try session.when(.revealVote(vote: "v1"), by: .moderator).last)
        #expect(before.disclosures(of: reveal) == [Disclosure(.everyone, reveal)])
        #expect(session.state.results(revealedBy: reveal, to: .everyone)?.map(\.item) == ["n6", "n4", "n5"])
    }

    @Test("An anonymous note and a hidden dot depend on who looks")
    func personalForms() throws {
        var session = try Scenario.at("cloture")
        let note = try #require(try session.when(
            .addNote(board: nil, prompt: "retours", text: "Anonyme", colour: nil, anonymous: true), by: .ana).first)
        #expect(session.state.formForEveryone(among: session.state.disclosures(of: note)) == nil)
        #expect(forms(session.state.disclosures(of: note), in: session.state).count == 2)
    }

    @Test("A participant's join reaches the joiner and the moderators, and no other participant")
    func participantJoin() throws {
        var session = try Scenario.withCast()
        let before = session.state
        let emile = try session.join("Émile")
        let disclosures = before.disclosures(of: try #require(session.log.last))
        let state = session.state
        #expect(state.form(for: emile, among: disclosures) != nil)
        #expect(state.form(for: Cast.moderator, among: disclosures) != nil)
        for other in [Cast.ana, Cast.bob, Cast.chloe, Cast.david] {
            #expect(state.form(for: other, among: disclosures) == nil)
        }
        #expect(state.formForEveryone(among: disclosures) == nil)
        #expect(state.namedAudience(among: disclosures) == [emile])
        #expect(disclosures.allSatisfy { if case .participantJoined(_, _, _, _, _, _, "", _) = $0.event { true } else { false } })
    }

    @Test("A moderator's join reaches everyone: participants know their organisers")
    func moderatorJoin() throws {
        var session = try Scenario.withCast()
        let before = session.state
        try session.joinModerator("Fanny")
        let disclosures = before.disclosures(of: try #require(session.log.last))
        #expect(session.state.formForEveryone(among: disclosures) == 0)
        #expect(session.state.namedAudience(among: disclosures) == nil)
        agrees(disclosures, in: session.state)
    }

    @Test("A signed note and its comments carry their author's name; an anonymous note's unsigned form carries none")
    func authorNames() throws {
        var session = try Scenario.at("cloture")
        let signed = try #require(try session.when(Command.note("Merci", prompt: "retours"), by: .ana).first)
        #expect(session.state.authorName(of: signed) == session.state.participants[Cast.ana]?.name)
        guard case let .noteAdded(note, _, _, _, _, _, _, _) = signed else { throw Unexpected(events: [signed]) }
        let comment = try #require(try session.when(.addComment(note: note, text: "Oui"), by: .bob).first)
        #expect(session.state.authorName(of: comment) == session.state.participants[Cast.bob]?.name)
        let anonymous = try #require(try session.when(
            .addNote(board: nil, prompt: "retours", text: "Anonyme", colour: nil, anonymous: true), by: .chloe).first)
        let forms = session.state.disclosures(of: anonymous).map { session.state.authorName(of: $0.event) }
        #expect(forms == [session.state.participants[Cast.chloe]?.name, nil])
    }
}
