@testable import AtelierCore
import Testing

@Suite("Boards: groups of notes")
struct ClusterRulesTests {
    @Test("A facilitator groups notes of their room into a new named group")
    func groupIntoNewCluster() throws {
        var session = try Scenario.breakoutWithNotes()
        #expect(try session.when(.groupNotes(notes: ["n4", "n5", "n4"], cluster: nil, name: " Transports "), by: .ana)
            == [
            .clusterCreated(id: "g1", board: .mobilite, name: "Transports"),
            .notesGrouped(cluster: "g1", notes: ["n4", "n5"]),
        ])
        #expect(session.state.clusters["g1"]?.notes == ["n4", "n5"])
        #expect(session.state.notes["n4"]?.cluster == "g1")
    }

    @Test("A group may start without a name and be named later")
    func nameClusterLater() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.groupNotes(notes: ["n4"], cluster: nil, name: nil), by: .ana)
        #expect(session.state.clusters["g1"]?.name == nil)
        #expect(try session.when(.nameCluster(cluster: "g1", name: "Bus"), by: .ana)
            == [.clusterNamed(id: "g1", name: "Bus")])
        #expect(session.state.clusters["g1"]?.name == "Bus")
        #expect(try session.refused(.nameCluster(cluster: "g1", name: " "), by: .ana)
            == Refusal(.textEmpty, "The group name is empty."))
        #expect(try session.refusalCode(.nameCluster(cluster: "g1", name: String(repeating: "a", count: 81)), by: .ana)
            == .textTooLong)
    }

    @Test("Notes join an existing group, which may be renamed at the same time")
    func groupIntoExistingCluster() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.groupNotes(notes: ["n4"], cluster: nil, name: "Bus"), by: .ana)
        #expect(try session.when(.groupNotes(notes: ["n4", "n5"], cluster: "g1", name: "Mobilité"), by: .ana) == [
            .clusterNamed(id: "g1", name: "Mobilité"),
            .notesGrouped(cluster: "g1", notes: ["n5"]),
        ])
        #expect(session.state.clusters["g1"]?.notes == ["n4", "n5"])
    }

    @Test("Moving a group's last note into another group dissolves the emptied one")
    func movingDissolvesEmptiedCluster() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.groupNotes(notes: ["n4"], cluster: nil, name: "Bus"), by: .ana)
        try session.when(.groupNotes(notes: ["n5"], cluster: nil, name: "Vélo"), by: .ana)
        #expect(try session.when(.groupNotes(notes: ["n4"], cluster: "g2", name: nil), by: .ana) == [
            .notesGrouped(cluster: "g2", notes: ["n4"]),
            .clusterDissolved(id: "g1"),
        ])
        #expect(session.state.clusterOrder == ["g2"])
        #expect(session.state.clusters["g2"]?.notes == ["n5", "n4"])
        #expect(session.state.notes["n4"]?.cluster == "g2")
    }

    @Test("Taking notes out of a group dissolves it once empty")
    func ungroupDissolves() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.groupNotes(notes: ["n4", "n5"], cluster: nil, name: "Mobilité"), by: .ana)
        #expect(try session.when(.ungroupNotes(notes: ["n4"]), by: .ana) == [.notesUngrouped(notes: ["n4"])])
        #expect(try session.when(.ungroupNotes(notes: ["n5"]), by: .ana) == [
            .notesUngrouped(notes: ["n5"]),
            .clusterDissolved(id: "g1"),
        ])
        #expect(session.state.clusters.isEmpty)
        #expect(session.state.notes["n5"]?.cluster == nil)
    }

    @Test("Deleting a group's last note dissolves the group")
    func deletingLastNoteDissolves() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.groupNotes(notes: ["n5"], cluster: nil, name: "Vélo"), by: .ana)
        #expect(try session.when(.deleteNote(note: "n5"), by: .bob) == [
            .noteDeleted(id: "n5", by: Cast.bob, at: session.now),
            .clusterDissolved(id: "g1"),
        ])
        #expect(session.state.clusters.isEmpty)
    }

    @Test("Only a note in a group can be taken out")
    func ungroupNeedsGroup() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.ungroupNotes(notes: ["n4"]), by: .ana)
            == Refusal(.noteNotGrouped, "The note \"n4\" is not in a group."))
    }

    @Test("Grouping needs at least one note")
    func groupNeedsNotes() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.groupNotes(notes: [], cluster: nil, name: "Vide"), by: .ana)
            == Refusal(.clusterNeedsNotes, "Choose at least one note."))
        #expect(try session.refusalCode(.ungroupNotes(notes: []), by: .ana) == .clusterNeedsNotes)
    }

    @Test("Notes of different boards cannot share a group")
    func mixedBoardsRefused() throws {
        var session = try Scenario.breakoutWithNotes()
        let mixed = Refusal(.clusterMixedBoards, "Only notes of one board can be grouped together.")
        #expect(try session.refused(.groupNotes(notes: ["n4", "n6"], cluster: nil, name: nil), by: .moderator) == mixed)
        try session.when(.groupNotes(notes: ["n6"], cluster: nil, name: "Loyers"), by: .moderator)
        #expect(try session.refused(.groupNotes(notes: ["n4"], cluster: "g1", name: nil), by: .moderator) == mixed)
    }

    @Test("Grouping into a group that does not exist is refused")
    func unknownCluster() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.groupNotes(notes: ["n4"], cluster: "g9", name: nil), by: .ana)
            == Refusal(.clusterUnknown, "There is no group \"g9\"."))
        #expect(try session.refusalCode(.nameCluster(cluster: "g9", name: "x"), by: .ana) == .clusterUnknown)
    }

    @Test("Only the room's facilitators and the moderators group, ungroup and name")
    func groupingIsForFacilitators() throws {
        var session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.groupNotes(notes: ["n4"], cluster: nil, name: nil), by: .bob)
            == Refusal(.authFacilitatorOnly, "Only this room's facilitators and the moderators can group notes."))
        try session.when(.groupNotes(notes: ["n4"], cluster: nil, name: "Bus"), by: .ana)
        #expect(try session.refusalCode(.ungroupNotes(notes: ["n4"]), by: .bob) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.nameCluster(cluster: "g1", name: "x"), by: .bob) == .authFacilitatorOnly)
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        try session.when(.appointFacilitator(participant: Cast.chloe, room: "logement"), by: .moderator)
        #expect(try session.refusalCode(.groupNotes(notes: ["n5"], cluster: nil, name: nil), by: .chloe)
            == .authFacilitatorOnly)
    }

    @Test("Plenary notes are grouped by moderators only")
    func plenaryGroupingIsForModerators() throws {
        var session = try Scenario.at("vote")
        try session.when(.appointFacilitator(participant: Cast.ana, room: "mobilite"), by: .moderator)
        #expect(try session.refusalCode(.groupNotes(notes: ["n1", "n2"], cluster: nil, name: nil), by: .ana)
            == .authFacilitatorOnly)
        #expect(try session.when(.groupNotes(notes: ["n1", "n2"], cluster: nil, name: nil), by: .moderator) == [
            .clusterCreated(id: "g1", board: .priorites, name: nil),
            .notesGrouped(cluster: "g1", notes: ["n1", "n2"]),
        ])
    }
}
