@testable import AtelierCore
import Testing

@Suite("Boards: breakout isolation")
struct IsolationRulesTests {
    @Test("A participant cannot read another room's board while rooms are open; moderators can")
    func readOnlyOwnRoom() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(session.state.canRead(.mobilite, as: Cast.ana))
        #expect(!session.state.canRead(.logement, as: Cast.ana))
        #expect(session.state.canRead(.logement, as: Cast.moderator))
        #expect(session.state.canRead(.priorites, as: Cast.ana))
    }

    @Test("Another room's notes are unknown to a participant, whatever they try")
    func otherRoomNotesAreUnknown() throws {
        let session = try Scenario.breakoutWithNotes()
        let unknown = Refusal(.noteUnknown, "There is no note \"n6\".")
        let attempts: [Command] = [
            .editNote(note: "n6", text: "x", colour: nil),
            .deleteNote(note: "n6"),
            .addComment(note: "n6", text: "x"),
            .groupNotes(notes: ["n6"], cluster: nil, name: nil),
            .ungroupNotes(notes: ["n6"]),
            .promote(source: .note("n6"), text: nil),
        ]
        for command in attempts {
            #expect(try session.refused(command, by: .ana) == unknown)
        }
    }

    @Test("Another room's comments and groups are unknown to a participant")
    func otherRoomCommentsAndGroupsAreUnknown() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.addComment(note: "n6", text: "x"), by: .david)
        try session.when(.groupNotes(notes: ["n6"], cluster: nil, name: "Loyers"), by: .moderator)
        #expect(try session.refused(.deleteComment(comment: "c1"), by: .ana)
            == Refusal(.commentUnknown, "There is no comment \"c1\"."))
        #expect(try session.refused(.nameCluster(cluster: "g1", name: "x"), by: .ana)
            == Refusal(.clusterUnknown, "There is no group \"g1\"."))
        #expect(try session.refusalCode(.promote(source: .cluster("g1"), text: nil), by: .ana) == .clusterUnknown)
        #expect(try session.refusalCode(.groupNotes(notes: ["n4"], cluster: "g1", name: nil), by: .ana)
            == .clusterUnknown)
    }

    @Test("Moderators work on every room's notes")
    func moderatorsReachEveryRoom() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.addComment(note: "n6", text: "Précisez ?"), by: .moderator)
        try session.when(.groupNotes(notes: ["n6"], cluster: nil, name: "Logement"), by: .moderator)
        try session.when(.promote(source: .note("n6"), text: nil), by: .moderator)
        try session.when(.deleteNote(note: "n4"), by: .moderator)
    }

    @Test("Once rooms close, every room's board is readable by all")
    func closedRoomsAreReadable() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        #expect(session.state.canRead(.logement, as: Cast.ana))
        #expect(try session.when(.addComment(note: "n6", text: "Pareil chez nous"), by: .ana)
            == [.commentAdded(id: "c1", note: "n6", author: Cast.ana, text: "Pareil chez nous", at: session.now)])
        try session.when(.goToSlot(slot: "vote"), by: .moderator)
        #expect(session.state.canRead(.logement, as: Cast.bob))
    }

    @Test("A participant not yet placed reads no room's board")
    func unplacedReadsNoRoom() throws {
        var session = try Scenario.at("ateliers")
        try session.when(.openRooms(mode: .self), by: .moderator)
        #expect(!session.state.canRead(.mobilite, as: Cast.ana))
        #expect(!session.state.canRead(.logement, as: Cast.ana))
    }
}
