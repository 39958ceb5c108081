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
