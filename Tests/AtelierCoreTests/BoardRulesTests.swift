@testable import AtelierCore
import Testing

@Suite("Boards: notes and comments")
struct NoteRulesTests {
    @Test("A participant writes a trimmed note on their room's board by default")
    func addNoteOnOwnBoard() throws {
        var session = try Scenario.inBreakout()
        let events = try session.when(
            .note("  Bus trop rares ", prompt: "constats"), by: .ana)
        #expect(events == [.noteAdded(
            id: "n4", board: .mobilite, prompt: "constats", author: Cast.ana, text: "Bus trop rares",
            colour: .yellow, anonymous: false, at: session.now)])
        #expect(session.state.noteOrder == Fixture.prefilledNotes + ["n4"])
    }

    @Test("A note keeps the colour and anonymity asked for")
    func colourAndAnonymity() throws {
        var session = try Scenario.inBreakout()
        try session.when(
            .addNote(board: .logement, prompt: "besoins", text: "Loyers", colour: .pink, anonymous: true), by: .chloe)
        let note = try #require(session.state.notes["n4"])
        #expect(note.colour == .pink && note.anonymous && note.author == Cast.chloe)
    }

    @Test("A note goes in a column of its board: a room with its own questions has only those")
    func promptMustBelongToBoard() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refused(.note("x", prompt: "besoins"), by: .ana)
            == Refusal(.boardUnknownPrompt, "This board has no question \"besoins\"."))
        #expect(try session.refusalCode(.note("x", prompt: "constats"), by: .chloe)
            == .boardUnknownPrompt)
    }

    @Test("A board is written slot/room")
    func boardNotation() {
        #expect(BoardID("ateliers/mobilite") == .mobilite)
        #expect(BoardID.priorites.description == "vote/plenary")
        #expect(BoardID.priorites.isPlenary && !BoardID.mobilite.isPlenary)
        for bad in ["ateliers", "ateliers/", "/mobilite", "a/b/c", ""] { #expect(BoardID(bad) == nil) }
    }

    @Test("A board the workshop does not define is refused")
    func unknownBoard() throws {
        let session = try Scenario.running()
        for board in [BoardID(slot: "accueil", room: plenaryRoom), BoardID(slot: "ateliers", room: "cuisine")] {
            #expect(try session.refused(.note("x", prompt: "constats", on: board), by: .ana)
                == Refusal(.boardUnknown, "There is no board \"\(board)\" in this workshop."))
        }
    }

    @Test("When the current slot has no board, there is nowhere to write")
    func nothingToWriteOn() throws {
        var session = try Scenario.running()
        let nowhere = Refusal(.boardClosed, "There is no board to write on right now.")
        #expect(try session.refused(.note("x", prompt: "constats"), by: .ana)
            == nowhere)
        try session.when(.nextSlot, by: .moderator)
        #expect(try session.refused(.note("x", prompt: "constats"), by: .ana)
            == nowhere)
    }

    @Test("Boards take notes only during their slot, and room boards only while their room is open")
    func closedBoardsRefuseNotes() throws {
        var session = try Scenario.withCast()
        let closed = Refusal(.boardClosed, "This board is closed for writing.")
        let retours = Command.note("x", prompt: "retours", on: .retours)
        let mobilite = Command.note("x", prompt: "constats", on: .mobilite)
        #expect(try session.refused(retours, by: .ana) == closed)
        try session.when(.start, by: .moderator)
        try session.when(.nextSlot, by: .moderator)
        #expect(try session.refused(mobilite, by: .moderator) == closed)
        #expect(try session.refused(retours, by: .ana) == closed)
        try session.when(.openRooms(mode: .self), by: .moderator)
        try session.when(.chooseRoom(room: "mobilite"), by: .ana)
        try session.when(mobilite, by: .ana)
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        #expect(try session.refused(mobilite, by: .ana) == closed)
        #expect(try session.refused(mobilite, by: .moderator) == closed)
    }

    @Test("A paused session's boards still take notes")
    func pausedBoardsAreOpen() throws {
        var session = try Scenario.at("cloture")
        try session.when(.pause, by: .moderator)
        try session.note("Merci", prompt: "retours", by: .ana)
    }

    @Test("A note follows the text rules")
    func noteTextRules() throws {
        let session = try Scenario.at("cloture")
        func add(_ text: String) -> Command { .note(text, prompt: "retours") }
        #expect(try session.refused(add("\n "), by: .ana) == Refusal(.textEmpty, "The note is empty."))
        #expect(try session.refused(add(String(repeating: "a", count: 501)), by: .ana)
            == Refusal(.textTooLong, "The note is longer than 500 characters."))
        #expect(try session.refused(add("a\u{1B}[31m"), by: .ana)
            == Refusal(.textControlCharacters, "The note contains control characters."))
    }

    @Test("A note may span several lines")
    func multilineNote() throws {
        var session = try Scenario.at("cloture")
        try session.note("Merci\n\tà tous", prompt: "retours", by: .ana)
        #expect(session.state.notes["n4"]?.text == "Merci\n\tà tous")
    }

    @Test("A participant cannot write on another room's board; a moderator can")
    func writeOnlyOwnRoom() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.refused(.note("x", prompt: "besoins", on: .logement), by: .ana)
            == Refusal(.boardNotYourRoom, "You can only write on your own room's board."))
        try session.note("Question du modérateur", on: .logement, prompt: "besoins", by: .moderator)
    }

    @Test("A moderator must name the room board to write on during a breakout")
    func moderatorHasNoDefaultRoom() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refusalCode(.note("x", prompt: "constats"), by: .moderator)
            == .boardClosed)
    }

    @Test("The author changes the text or colour of their note")
    func editOwnNote() throws {
        var session = try Scenario.breakoutWithNotes()
        session.wait(minutes: 2)
        #expect(try session.when(.editNote(note: "n5", text: " Plus de pistes cyclables ", colour: nil), by: .bob)
            == [.noteEdited(id: "n5", text: "Plus de pistes cyclables", colour: .yellow, at: session.now)])
        #expect(try session.when(.editNote(note: "n5", text: nil, colour: .green), by: .bob)
            == [.noteEdited(id: "n5", text: "Plus de pistes cyclables", colour: .green, at: session.now)])
        let note = try #require(session.state.notes["n5"])
        #expect(note.text == "Plus de pistes cyclables" && note.colour == .green && note.editedAt == session.now)
    }

    @Test("An edit must change something")
    func editNeedsChange() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.editNote(note: "n5", text: nil, colour: nil), by: .bob)
            == Refusal(.noteNothingToChange, "Give a new text or colour for the note."))
    }

    @Test("Only the author edits a note, not even a moderator or for pre-filled notes")
    func editOnlyOwnNote() throws {
        var session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.editNote(note: "n5", text: "x", colour: nil), by: .ana)
            == Refusal(.noteNotAuthor, "You can only change your own notes."))
        #expect(try session.refusalCode(.editNote(note: "n5", text: "x", colour: nil), by: .moderator)
            == .noteNotAuthor)
        try session.when(.goToSlot(slot: "vote"), by: .moderator)
        #expect(try session.refusalCode(.editNote(note: "n1", text: "x", colour: nil), by: .ana) == .noteNotAuthor)
    }

    @Test("A note on a closed board can no longer be edited")
    func editClosedBoard() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        #expect(try session.refusalCode(.editNote(note: "n5", text: "x", colour: nil), by: .bob) == .boardClosed)
    }

    @Test("An edit follows the text rules")
    func editTextRules() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(try session.refusalCode(.editNote(note: "n5", text: " ", colour: nil), by: .bob) == .textEmpty)
    }

    @Test("The author deletes their note, with its comments")
    func deleteOwnNote() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.addComment(note: "n5", text: "D'accord"), by: .ana)
        #expect(try session.when(.deleteNote(note: "n5"), by: .bob)
            == [.noteDeleted(id: "n5", by: Cast.bob, at: session.now)])
        #expect(session.state.notes["n5"] == nil)
        #expect(!session.state.noteOrder.contains("n5"))
        #expect(session.state.comments.isEmpty && session.state.commentOrder.isEmpty)
    }

    @Test("Only the author deletes a note while its board is open")
    func deleteOnlyOwnOpenNote() throws {
        var session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.deleteNote(note: "n5"), by: .ana)
            == Refusal(.noteNotAuthor, "You can only delete your own notes."))
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        #expect(try session.refusalCode(.deleteNote(note: "n5"), by: .bob) == .boardClosed)
    }

    @Test("A moderator deletes any note, even on a closed board")
    func moderatorDeletesAnyNote() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        #expect(try session.when(.deleteNote(note: "n5"), by: .moderator)
            == [.noteDeleted(id: "n5", by: Cast.moderator, at: session.now)])
        #expect(try session.when(.deleteNote(note: "n1"), by: .moderator)
            == [.noteDeleted(id: "n1", by: Cast.moderator, at: session.now)])
    }

    @Test("A note that does not exist is unknown")
    func unknownNote() throws {
        let session = try Scenario.breakoutWithNotes()
        #expect(try session.refused(.deleteNote(note: "n99"), by: .moderator)
            == Refusal(.noteUnknown, "There is no note \"n99\"."))
    }

    @Test("Anyone joined comments on a note they can read, once the session started")
    func addComment() throws {
        var session = try Scenario.breakoutWithNotes()
        #expect(try session.when(.addComment(note: "n5", text: " Oui ! "), by: .ana)
            == [.commentAdded(id: "c1", note: "n5", author: Cast.ana, text: "Oui !", at: session.now)])
        try session.when(.addComment(note: "n6", text: "À suivre"), by: .moderator)
        #expect(session.state.commentOrder == ["c1", "c2"])
        #expect(try session.refusalCode(.addComment(note: "n5", text: "  "), by: .ana) == .textEmpty)
        #expect(try session.refusalCode(.addComment(note: "n5", text: String(repeating: "a", count: 501)), by: .ana)
            == .textTooLong)
    }

    @Test("Pre-filled notes cannot be commented before the session starts")
    func commentNeedsStart() throws {
        let session = try Scenario.withCast()
        #expect(try session.refused(.addComment(note: "n1", text: "Bien"), by: .ana)
            == Refusal(.sessionNotStarted, "The session has not started yet."))
    }

    @Test("The author or a moderator deletes a comment")
    func deleteComment() throws {
        var session = try Scenario.breakoutWithNotes()
        try session.when(.addComment(note: "n5", text: "Oui"), by: .ana)
        try session.when(.addComment(note: "n5", text: "Non"), by: .bob)
        #expect(try session.refused(.deleteComment(comment: "c1"), by: .bob)
            == Refusal(.commentNotAuthor, "You can only delete your own comments."))
        #expect(try session.when(.deleteComment(comment: "c1"), by: .ana)
            == [.commentDeleted(id: "c1", by: Cast.ana, at: session.now)])
        #expect(try session.when(.deleteComment(comment: "c2"), by: .moderator)
            == [.commentDeleted(id: "c2", by: Cast.moderator, at: session.now)])
        #expect(session.state.comments.isEmpty)
        #expect(try session.refused(.deleteComment(comment: "c1"), by: .ana)
            == Refusal(.commentUnknown, "There is no comment \"c1\"."))
    }
}

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
