import AtelierCore
import AtelierProtocol
import AtelierServer
import AtelierWire
import Testing

/// Hostile input over the socket: each is answered with its own error code (or, for what
/// RFC 6455 calls a protocol violation, its own close code), nothing changes, and another
/// participant on the same session keeps being served.
///
/// Unknown message types, unknown commands and fields of the wrong type are in
/// `ProtocolTests.malformedFramesAreAnsweredAndTheConnectionStaysOpen`; every moderator
/// command from a participant is in `ProtocolTests.aParticipantCannotDriveTheSession`.
@Suite(.serialized) struct HostileInputTests {
    /// Bob is still served: a ping and a command of his are answered.
    private func stillServed(_ bob: Peer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try bob.request(.ping)["ack"] != nil, sourceLocation: sourceLocation)
        #expect(try bob.command(.setLanguage(language: "en"))["ack"] != nil, sourceLocation: sourceLocation)
    }

    /// The server and two joined participants, Mallory and Bob, in the opening plenary.
    private func plenary() throws -> (server: LiveServer, moderator: Peer, mallory: Peer, bob: Peer) {
        let plenary = try PlenarySession(joining: ["Mallory", "Bob"])
        return (plenary.server, plenary.moderator, plenary.people[0], plenary.people[1])
    }

    /// An error frame without its message id and clock, with `item` replaced by a placeholder.
    private static func unstamped(_ answer: JSONValue, naming item: String) -> [String: String] {
        guard case .object(let frame) = answer else { return [:] }
        var members: [String: String] = [:]
        for (key, value) in frame where key != "error" && key != "now" {
            members[key] = value.serialized().replacingOccurrences(of: item, with: "ITEM")
        }
        return members
    }

    @Test func invalidUTF8ClosesOnlyThatConnectionWith1007() throws {
        let (server, _, mallory, bob) = try plenary()
        let before = try #require(server.hub.state(of: server.sessionID))
        // {"id": 1, "ping": {}, "x": "\xC3\x28"}: a lead byte followed by a non-continuation byte.
        var frame = Array(#"{"id": 1, "ping": {}, "x": ""#.utf8)
        frame += [0xC3, 0x28]
        frame += Array(#""}"#.utf8)
        frame.withUnsafeBytes { _ = mallory.client.send(bytes: $0) }
        let final = mallory.client.waitForClose(timeout: 15)
        guard case .closed(let code, _)? = final else { Issue.record("not closed: \(String(describing: final))"); return }
        #expect(code == 1007)
        try stillServed(bob)
        #expect(server.hub.state(of: server.sessionID)?.notes == before.notes)
    }

    @Test func deepNestingIsRefusedAsTooDeepWithoutExhaustingTheStack() throws {
        let (server, _, mallory, bob) = try plenary()
        for depth in [40, 20_000] {
            mallory.sendRaw(#"{"id": 2, "ping": {}, "x": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}")
            let error = try mallory.wait(for: "depth \(depth)") { $0["code"] != nil }
            #expect(error["code"]?.stringValue == "json.tooDeep", "depth \(depth): \(error.serialized())")
            #expect(error["error"] == .null)
        }
        #expect(try mallory.request(.ping)["ack"] != nil)
        try stillServed(bob)
        _ = server
    }

    @Test func hugeNumbersAreOutOfRangeOrRefusedByTheRules() throws {
        let (server, moderator, mallory, bob) = try plenary()
        for frame in [#"{"id": 99999999999999999999, "ping": {}}"#, #"{"id": 1e400, "ping": {}}"#,
                      #"{"id": 3, "command": {"extendSlot": {"minutes": -99999999999999999999}}}"#] {
            mallory.sendRaw(frame)
            let error = try mallory.wait(for: frame) { $0["code"] != nil }
            #expect(error["code"]?.stringValue == "json.numberOutOfRange", "\(frame): \(error.serialized())")
        }
        let before = try #require(server.hub.state(of: server.sessionID))
        for minutes in [Int.max, Int.min, 0, -5] {
            #expect(Peer.code(try moderator.command(.extendSlot(minutes: minutes))) == "agenda.invalidExtension", "\(minutes)")
        }
        for dots in [Int.max, Int.min] {
            let answer = try moderator.command(.openVote(on: .boards, dotsPerPerson: dots, maxDotsPerItem: dots, hidden: nil))
            #expect(Peer.code(answer) == "vote.invalidSettings", "\(dots): \(answer.serialized())")
        }
        #expect(server.hub.state(of: server.sessionID) == before)
        try stillServed(bob)
    }

    @Test func textsPastTheirLimitsAreRefusedAsTooLong() throws {
        let (server, _, mallory, bob) = try plenary()
        let before = try #require(server.hub.state(of: server.sessionID))
        // 30 000 × "é" is 60 KB: under the frame limit, far past the note limit.
        for length in [TextLimits.note + 1, 30_000] {
            let answer = try mallory.command(.addNote(board: nil, prompt: "attentes", text: String(repeating: "é", count: length), colour: nil, anonymous: nil))
            #expect(Peer.code(answer) == "text.tooLong", "\(length): \(answer.serialized())")
        }
        let answer = try mallory.command(.addNote(board: nil, prompt: "attentes", text: String(repeating: "x", count: TextLimits.note), colour: nil, anonymous: nil))
        #expect(answer["ack"] != nil, "a note of exactly the limit is accepted")
        let newcomer = try Peer(server)
        let refused = try newcomer.request(.join(JoinRequest(code: server.code, name: String(repeating: "N", count: TextLimits.name + 1), role: "elu", language: "fr")))
        #expect(Peer.code(refused) == "text.tooLong")
        #expect(server.hub.state(of: server.sessionID)?.participants.count == before.participants.count)
        try stillServed(bob)
    }

    @Test func invisibleTextsAreEmptyAndBidirectionalControlsAreRefusedByName() throws {
        let (server, _, mallory, bob) = try plenary()
        let before = try #require(server.hub.state(of: server.sessionID))
        let invisible = try mallory.command(.addNote(board: nil, prompt: "attentes", text: "\u{200B}\u{200D} \u{FEFF}", colour: nil, anonymous: nil))
        #expect(Peer.code(invisible) == "text.empty", "\(invisible.serialized())")
        let reversed = try mallory.command(.addNote(board: nil, prompt: "attentes", text: "Payez \u{202E}321", colour: nil, anonymous: nil))
        #expect(Peer.code(reversed) == "text.bidiControl", "\(reversed.serialized())")
        #expect(reversed["message"]?.stringValue?.contains("U+202E RIGHT-TO-LEFT OVERRIDE") == true)
        let newcomer = try Peer(server)
        let nameless = try newcomer.request(.join(JoinRequest(code: server.code, name: "\u{2060}\u{AD}", role: "elu", language: "fr")))
        #expect(Peer.code(nameless) == "text.empty", "\(nameless.serialized())")
        try mallory.accepted(.addNote(board: nil, prompt: "attentes", text: "\u{200F}שלום", colour: nil, anonymous: nil))
        #expect(server.hub.state(of: server.sessionID)?.participants.count == before.participants.count)
        #expect(server.hub.state(of: server.sessionID)?.notes.count == before.notes.count + 1)
        try stillServed(bob)
    }

    @Test func aFramePastTheMaximumSizeClosesOnlyThatConnectionWith1009() throws {
        let (server, _, mallory, bob) = try plenary()
        let before = try #require(server.hub.state(of: server.sessionID))
        let text = String(repeating: "a", count: server.server.configuration.maxMessageBytes)
        mallory.sendRaw(#"{"id": 9, "command": {"addNote": {"prompt": "attentes", "text": "\#(text)"}}}"#)
        #expect(mallory.client.waitForClose(timeout: 15) == .closed(code: 1009, reason: "message too big"))
        #expect(server.server.statistics.oversizedMessageCloses == 1)
        try stillServed(bob)
        #expect(server.hub.state(of: server.sessionID)?.notes == before.notes)
    }

    @Test func dotsBeyondTheBudgetOrTheItemsMaximumAreRefused() throws {
        let (server, moderator, mallory, bob) = try plenary()
        for text in ["Plus de bancs", "Des fontaines"] {
            try bob.accepted(.addNote(board: nil, prompt: "attentes", text: text, colour: nil, anonymous: nil))
        }
        try moderator.accepted(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: 2, hidden: false))
        try mallory.accepted(.placeDot(vote: "v1", item: "n1"))
        try mallory.accepted(.placeDot(vote: "v1", item: "n1"))
        #expect(Peer.code(try mallory.command(.placeDot(vote: "v1", item: "n1"))) == "vote.maxPerItem")
        try mallory.accepted(.placeDot(vote: "v1", item: "n2"))
        let before = try #require(server.hub.state(of: server.sessionID))
        #expect(Peer.code(try mallory.command(.placeDot(vote: "v1", item: "n2"))) == "vote.budgetExhausted")
        #expect(Peer.code(try mallory.command(.placeDot(vote: "v1", item: "n999"))) == "vote.unknownItem")
        #expect(Peer.code(try mallory.command(.placeDot(vote: "v9", item: "n1"))) == "vote.unknown")
        #expect(server.hub.state(of: server.sessionID) == before)
        try stillServed(bob)
    }

    @Test func negativeDotsAreRefused() throws {
        let (server, moderator, mallory, bob) = try plenary()
        try bob.accepted(.addNote(board: nil, prompt: "attentes", text: "Plus de bancs", colour: nil, anonymous: nil))
        for (dots, most) in [(-1, nil), (3, -2), (0, nil)] as [(Int, Int?)] {
            let answer = try moderator.command(.openVote(on: .boards, dotsPerPerson: dots, maxDotsPerItem: most, hidden: nil))
            #expect(Peer.code(answer) == "vote.invalidSettings", "\(dots), \(String(describing: most)): \(answer.serialized())")
        }
        try moderator.accepted(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: 2, hidden: false))
        let before = try #require(server.hub.state(of: server.sessionID))
        // Taking back a dot one never placed would leave a negative count.
        #expect(Peer.code(try mallory.command(.removeDot(vote: "v1", item: "n1"))) == "vote.noDotToRemove")
        mallory.sendRaw(#"{"id": 40, "command": {"placeDot": {"vote": "v1", "item": "n1", "dots": -3}}}"#)
        let error = try mallory.wait(for: "dots field") { $0["error"]?.int64Value == 40 }
        #expect(error["code"]?.stringValue == "field.unknown")
        #expect(server.hub.state(of: server.sessionID) == before)
        try stillServed(bob)
    }

    @Test func anUnknownMemberBesideTheMessagesKindIsAnsweredAsAnUnknownFieldWithItsPath() throws {
        let (server, _, mallory, bob) = try plenary()
        mallory.sendRaw(#"{"id": 41, "ping": {}, "admin": true}"#)
        let error = try mallory.wait(for: "admin field") { $0["error"]?.int64Value == 41 }
        #expect(error["code"]?.stringValue == "field.unknown")
        #expect(error["path"]?.stringValue == "admin")
        try stillServed(bob)
        _ = server
    }

    @Test func aRepeatedMemberNameIsRefusedAsADuplicateKeyWithItsPath() throws {
        let (server, _, mallory, bob) = try plenary()
        let before = try #require(server.hub.state(of: server.sessionID))
        mallory.sendRaw(#"{"id": 2, "id": 3, "ping": {}}"#)
        let error = try mallory.wait(for: "repeated id") { $0["code"] != nil || $0["ack"] != nil }
        #expect(error["code"]?.stringValue == "json.duplicateKey", "\(error.serialized())")
        #expect(error["path"]?.stringValue == "id")
        #expect(error["error"] == .null)
        mallory.sendRaw(#"{"id": 4, "command": {"addNote": {"prompt": "attentes", "text": "Bancs", "text": "Fontaines"}}}"#)
        let nested = try mallory.wait(for: "repeated text") { $0["code"] != nil || $0["ack"] != nil }
        #expect(nested["code"]?.stringValue == "json.duplicateKey", "\(nested.serialized())")
        #expect(nested["path"]?.stringValue == "command.addNote.text")
        #expect(server.hub.state(of: server.sessionID)?.notes == before.notes)
        try stillServed(bob)
    }

    @Test func writingIntoAnotherRoomIsRefused() throws {
        let session = try BreakoutSession()
        let (server, anne, bob) = (session.server, session.anne, session.bob)
        try bob.accepted(.addNote(board: nil, prompt: "pistes", text: "Logements vides", colour: nil, anonymous: nil))
        let before = try #require(server.hub.state(of: server.sessionID))
        let elsewhere = BoardID(slot: "ateliers", room: "logement")
        #expect(Peer.code(try anne.command(.addNote(board: elsewhere, prompt: "pistes", text: "Intrusion", colour: nil, anonymous: nil))) == "board.notYourRoom")
        #expect(Peer.code(try anne.command(.addNote(board: BoardID(slot: "ateliers", room: "cuisine"), prompt: "pistes", text: "x", colour: nil, anonymous: nil))) == "board.unknown")
        // Bob's note is on a board Anne may not read: to her it does not exist.
        for command: Command in [.addComment(note: "n1", text: "Intrusion"), .editNote(note: "n1", text: "x", colour: nil), .deleteNote(note: "n1")] {
            let answer = try anne.command(command)
            #expect(["board.notYourRoom", "note.unknown"].contains(Peer.code(answer)), "\(command): \(answer.serialized())")
        }
        #expect(server.hub.state(of: server.sessionID) == before)
        #expect(!anne.received.contains { $0.serialized().contains("Logements vides") })
        try stillServed(bob)
    }

    @Test func aDotOnAnotherRoomsNoteIsAnsweredAsOneOnANoteThatDoesNotExist() throws {
        let session = try BreakoutSession()
        let (server, moderator, anne, bob) = (session.server, session.moderator, session.anne, session.bob)
        try bob.accepted(.addNote(board: nil, prompt: "pistes", text: "Logements vides", colour: nil, anonymous: nil))
        try moderator.accepted(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: 2, hidden: false))
        let before = try #require(server.hub.state(of: server.sessionID))
        let bobsNote = try #require(before.noteOrder.last)
        let missing = "n999"
        for command in [Command.placeDot, Command.removeDot] {
            let elsewhere = try anne.command(command("v1", bobsNote))
            let nowhere = try anne.command(command("v1", missing))
            // The frames may differ only by the message id, the clock and the item named back.
            #expect(Self.unstamped(elsewhere, naming: bobsNote) == Self.unstamped(nowhere, naming: missing),
                    "\(elsewhere.serialized()) against \(nowhere.serialized())")
            #expect(Peer.code(elsewhere) == "vote.unknownItem")
        }
        #expect(server.hub.state(of: server.sessionID) == before)
        try stillServed(bob)
    }

    @Test func editingSomeoneElsesNoteOrCommentIsRefused() throws {
        let (server, _, mallory, bob) = try plenary()
        try bob.accepted(.addNote(board: nil, prompt: "attentes", text: "Plus de bancs", colour: nil, anonymous: nil))
        try bob.accepted(.addComment(note: "n1", text: "Et à l'ombre"))
        let before = try #require(server.hub.state(of: server.sessionID))
        #expect(Peer.code(try mallory.command(.editNote(note: "n1", text: "Moins de bancs", colour: nil))) == "note.notAuthor")
        #expect(Peer.code(try mallory.command(.editNote(note: "n1", text: nil, colour: .pink))) == "note.notAuthor")
        #expect(Peer.code(try mallory.command(.deleteNote(note: "n1"))) == "note.notAuthor")
        #expect(Peer.code(try mallory.command(.deleteComment(comment: "c1"))) == "comment.notAuthor")
        #expect(server.hub.state(of: server.sessionID) == before)
        try stillServed(bob)
    }
}
