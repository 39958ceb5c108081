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
}
