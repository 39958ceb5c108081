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
