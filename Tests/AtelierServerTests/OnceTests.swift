import AtelierCore
import AtelierProtocol
import AtelierServer
import AtelierWire
import Testing

/// A command sent with a `once` key is done at most once for its sender: sent again (its answer
/// was lost, or the server said it was unavailable), it is answered as the first was.
@Suite(.serialized) struct OnceTests {
    static let note = Command.addNote(board: nil, prompt: "attentes", text: "Des bancs", colour: nil, anonymous: nil)

    private func notes(_ server: LiveServer) -> [String] {
        server.hub.state(of: server.sessionID)?.notes.values.map(\.text).sorted() ?? []
    }

    @Test func aCommandSentTwiceWithTheSameKeyIsDoneOnceAndBothAreAckedWithItsSeq() throws {
        let plenary = try PlenarySession(joining: ["Anne"])
        let anne = plenary.people[0]
        let first = try anne.request(.command(Self.note), once: "n-1")
        let again = try anne.request(.command(Self.note), once: "n-1")
        #expect(first["ack"] != nil && again["ack"] != nil, "\(again.serialized())")
        #expect(again["seq"] == first["seq"])
        #expect(notes(plenary.server) == ["Des bancs"])
    }

    @Test func aKeyIsKeptAcrossAReconnectionSoTheResendOfALostAnswerIsNotDoneAgain() throws {
        let plenary = try PlenarySession(joining: ["Anne"])
        let (server, anne) = (plenary.server, plenary.people[0])
        let first = try anne.request(.command(Self.note), once: "n-1")
        let token = try #require(anne.token)
        anne.close()

        let back = try Peer(server)
        try back.rejoin(server, token: token, after: nil)
        let again = try back.request(.command(Self.note), once: "n-1")
        #expect(again["seq"] == first["seq"])
        #expect(notes(server) == ["Des bancs"])
        #expect(back.eventNames.filter { $0 == "noteAdded" }.count == 1)
    }

    @Test func keysAreEachSendersOwnAndCommandsWithoutOneAreDoneEachTime() throws {
        let plenary = try PlenarySession(joining: ["Anne", "Bram"])
        let (anne, bram) = (plenary.people[0], plenary.people[1])
        try anne.request(.command(Self.note), once: "n-1")
        #expect(try bram.request(.command(Self.note), once: "n-1")["ack"] != nil)
        try anne.accepted(Self.note)
        try anne.accepted(Self.note)
        #expect(notes(plenary.server) == Array(repeating: "Des bancs", count: 4))
    }

    @Test func aRefusedCommandLeavesItsKeyFree() throws {
        let plenary = try PlenarySession(joining: ["Anne"])
        let anne = plenary.people[0]
        let empty = Command.addNote(board: nil, prompt: "attentes", text: " ", colour: nil, anonymous: nil)
        #expect(Peer.code(try anne.request(.command(empty), once: "n-1")) == "text.empty")
        #expect(try anne.request(.command(Self.note), once: "n-1")["ack"] != nil)
        #expect(notes(plenary.server) == ["Des bancs"])
    }

    @Test func aCommandTheDatabaseRefusedLeavesItsKeyFreeAndIsNeverAckedUnstored() throws {
        let plenary = try PlenarySession(joining: ["Anne"])
        let (server, anne) = (plenary.server, plenary.people[0])
        try server.store.close()
        #expect(Peer.code(try anne.request(.command(Self.note), once: "n-1")) == "server.storeFailed")
        #expect(Peer.code(try anne.request(.command(Self.note), once: "n-1")) == "server.storeFailed")
    }

    @Test func aKeyOnAnythingButACommandOrOfTheWrongShapeIsRefusedAtItsPath() throws {
        let server = try LiveServer()
        let peer = try Peer(server)
        peer.sendRaw(#"{"id": 1, "ping": {}, "once": "n-1"}"#)
        let beside = try peer.answer(to: 1)
        #expect(Peer.code(beside) == "field.invalidValue" && beside["path"] == .string("once"))
        peer.sendRaw(#"{"id": 2, "command": {"leave": {}}, "once": ""}"#)
        #expect(try peer.answer(to: 2)["path"] == .string("once"))
        peer.sendRaw(#"{"id": 3, "command": {"leave": {}}, "once": 7}"#)
        #expect(Peer.code(try peer.answer(to: 3)) == "field.wrongType")
    }
}
