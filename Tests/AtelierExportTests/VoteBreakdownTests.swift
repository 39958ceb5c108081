import Foundation
import AtelierCore
import AtelierExport
import Testing

@Suite struct VoteBreakdownTests {
    /// The survey's three pre-filled options (n1 Incivilités, n2 Trafics, n3 Violences), voted on by
    /// two elected officials and one police officer:
    /// p1 (élu) n1 n2, p2 (élu) n1, p3 (policier) n2 n3. The disclosure rule is off (a minimum of one
    /// person), so every role is shown alone; `DisclosureTests` covers the rule.
    func surveyState() throws -> SessionState {
        var events = try ExportFixture.creation(minimumRoleGroup: 1)
        let at = ExportFixture.start
        for (id, role) in [("p1", "elu"), ("p2", "elu"), ("p3", "policier")] {
            events.append(.participantJoined(
                id: id, name: "Nom \(id)", role: role, organisation: "Ville \(id)", language: "fr", isModerator: false,
                credential: "c-\(id)", at: at))
        }
        let board = BoardID(slot: "sondage", room: plenaryRoom)
        events.append(.voteOpened(
            id: "v1", scope: .boards, slot: "sondage", boards: [board], dotsPerPerson: 2, maxDotsPerItem: 1, hidden: true, at: at))
        for (participant, item) in [("p1", "n1"), ("p1", "n2"), ("p2", "n1"), ("p3", "n2"), ("p3", "n3")] {
            events.append(.dotPlaced(vote: "v1", item: item, participant: participant))
        }
        events += [.voteClosed(id: "v1", at: at), .voteRevealed(id: "v1", at: at)]
        return try #require(SessionState(replaying: events))
    }

    @Test("Each item's dots are split by role, and the role columns add up to the total")
    func dotsByRole() throws {
        let vote = try #require(Transcript(state: surveyState()).votes.first)
        #expect(vote.roles.map(\.role.id) == ["elu", "policier"])
        #expect(vote.roles.map(\.voters) == [2, 1])
        #expect(vote.voters == 3)
        #expect(vote.items.map(\.item) == ["n1", "n2", "n3"])
        #expect(vote.items.map(\.rank) == [1, 1, 3])
        #expect(vote.items.map(\.byRole) == [[2, 0], [1, 1], [0, 1]])
        #expect(vote.items.allSatisfy { $0.byRole.reduce(0, +) == $0.dots })
    }

    @Test("Agreement is what every role supported; divergence is one role's first choice that another ignored")
    func agreementAndDivergence() throws {
        let vote = try #require(Transcript(state: surveyState()).votes.first)
        #expect(vote.topByRole.map(\.role) == ["elu", "policier"])
        #expect(vote.topByRole.map(\.items) == [["n1"], ["n2", "n3"]])
        #expect(vote.agreement == ["n2"])
        #expect(vote.divergence.map(\.item) == ["n1", "n3"])
        #expect(vote.divergence.map(\.favouredBy) == [["elu"], ["policier"]])
        #expect(vote.divergence.map(\.ignoredBy) == [["policier"], ["elu"]])
    }

    @Test("An open round is left out: its dots are not final")
    func openRoundsLeftOut() throws {
        var state = try surveyState()
        state.votes["v1"]?.status = .open
        #expect(Transcript(state: state).votes.isEmpty)
    }

    @Test("The HTML draws the round as an inline SVG chart with one segment per role")
    func chart() throws {
        let html = try #require(TranscriptExporter.render(state: surveyState(), format: .html).first).text
        #expect(html.contains("<svg class=\"chart\""))
        #expect(html.components(separatedBy: "<rect ").count - 1 == 4 + 2, "four bar segments and two legend swatches")
        #expect(!html.contains("<link") && !html.contains("<script") && !html.contains("src="), "self-contained")
    }
}
