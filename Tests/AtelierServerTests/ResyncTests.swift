import AtelierCore
import AtelierProtocol
import AtelierServer
import AtelierWire
import Testing

/// Reconnecting loses nothing and repeats nothing; a restarted server resumes its sessions.
@Suite(.serialized) struct ResyncTests {
    @Test func aDroppedConnectionGetsExactlyWhatItMissed() throws {
        let plenary = try PlenarySession(joining: ["Anne"])
        let (server, moderator, anne) = (plenary.server, plenary.moderator, plenary.people[0])
        try anne.accepted(.addNote(board: nil, prompt: "attentes", text: "Avant", colour: nil, anonymous: nil))
        try anne.waitForEvent("noteAdded")
        let token = try #require(anne.token)
        let seen = anne.lastSeq
        anne.client.close(code: 1001)
        anne.client.waitForClose(timeout: 15)

        try moderator.accepted(.addNote(board: nil, prompt: "attentes", text: "Pendant", colour: nil, anonymous: nil))
        try moderator.accepted(.announce(text: "Pendant l'absence", room: nil))

        let back = try Peer(server)
        let answer = try back.rejoin(server, token: token, after: seen)
        #expect(answer["welcome"]?["reset"] == .bool(false))
        #expect(answer["welcome"]?["participant"] == .string("p2"))
        #expect(answer["welcome"]?["token"] == nil)
        #expect(back.eventNames == ["noteAdded", "announced"])
        #expect(back.events.map(\.seq) == [seen + 1, seen + 2])
        try back.accepted(.addNote(board: nil, prompt: "attentes", text: "Après", colour: nil, anonymous: nil))
    }

    @Test func missingTheRoomsClosingMeansStartingOver() throws {
        let session = try BreakoutSession()
        let (server, moderator, anne, bob) = (session.server, session.moderator, session.anne, session.bob)
        try anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes", colour: nil, anonymous: nil))
        let seen = bob.lastSeq
        let token = try #require(bob.token)
        bob.close()

        try moderator.accepted(.closeRooms(afterSeconds: nil))
        let back = try Peer(server)
        let answer = try back.rejoin(server, token: token, after: seen)
        #expect(answer["welcome"]?["reset"] == .bool(true))
        #expect(back.events.first?.seq == 1)
        #expect(back.received.contains { $0["event"]?["noteAdded"]?["text"] == .string("Navettes") })
    }

    @Test func anUnknownTokenIsRefused() throws {
        let server = try LiveServer()
        let stranger = try Peer(server)
        let answer = try stranger.request(.rejoin(RejoinRequest(code: server.code, token: String(repeating: "0", count: 32), after: nil)))
        #expect(Peer.code(answer) == "auth.unknownToken")
    }

    @Test func aParticipantWhoLeftComesBackWithTheirToken() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        try anne.accepted(.leave)
        let token = try #require(anne.token)
        anne.close()
        let back = try Peer(server)
        try back.rejoin(server, token: token, after: nil)
        #expect(back.eventNames.last == "participantRejoined")
        #expect(server.hub.state(of: server.sessionID)?.participants["p1"]?.isActive == true)
    }

    @Test func aRestartedServerResumesTheSessionWhereItWas() throws {
        let first = try LiveServer()
        let moderator = try Peer(first)
        try moderator.moderate(first)
        try moderator.accepted(.start)
        try moderator.accepted(.nextSlot)
        let anne = try Peer(first)
        try anne.join(first, name: "Anne")
        try moderator.accepted(.openRooms(mode: nil))
        try moderator.accepted(.assign(participant: "p2", room: "mobilite"))
        try anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes", colour: nil, anonymous: nil))
        try anne.waitForEvent("noteAdded")
        let before = try #require(first.hub.state(of: first.sessionID))
        let (token, seen, database) = (try #require(anne.token), anne.lastSeq, first.databasePath)
        first.stop()
        #expect(anne.client.waitForClose(timeout: 15) != nil)

        let second = try LiveServer(database: database)
        #expect(second.code == first.code)
        #expect(second.hub.state(of: second.sessionID) == before)
        let back = try Peer(second)
        let answer = try back.rejoin(second, token: token, after: seen)
        #expect(answer["welcome"]?["reset"] == .bool(false))
        #expect(back.events.isEmpty)
        try back.accepted(.addNote(board: nil, prompt: "pistes", text: "Vélos partagés", colour: nil, anonymous: nil))
        #expect(try back.waitForEvent("noteAdded")["id"] == .string("n2"))
    }

    @Test func anEndedSessionIsServedReadOnlyAfterARestart() throws {
        let plenary = try PlenarySession(joining: ["Anne"])
        let (first, moderator, anne) = (plenary.server, plenary.moderator, plenary.people[0])
        try moderator.accepted(.end)
        let (token, database) = (try #require(anne.token), first.databasePath)
        first.stop()

        // Not loaded at start (it has ended), served as soon as someone names its code: newcomers
        // learn that it has ended rather than that the code is wrong.
        let second = try LiveServer(database: database)
        #expect(second.hub.servedSessions.isEmpty)
        let visitor = try Peer(second)
        #expect(try visitor.request(.preview(PreviewRequest(code: second.code)))["preview"]?["organiser"] == .string("Ville test"))
        #expect(second.hub.servedSessions.map(\.joinCode) == [second.code])
        let late = try Peer(second)
        #expect(Peer.code(try late.request(.join(JoinRequest(code: second.code, name: "Bram", role: "elu", language: "fr"))))
                == "session.ended")
        // Its participants come back read-only: the whole log, then every command refused.
        let back = try Peer(second)
        try back.rejoin(second, token: token, after: nil)
        #expect(back.eventNames.last == "sessionEnded")
        #expect(Peer.code(try back.command(.addNote(board: nil, prompt: "attentes", text: "Encore", colour: nil, anonymous: nil)))
                == "session.ended")
        #expect(Peer.code(try late.request(.rejoin(RejoinRequest(code: second.code, token: "0123")))) == "session.ended")
    }

    @Test func aWriteTheDatabaseRefusesIsReportedAndChangesNothing() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        let before = try #require(server.hub.state(of: server.sessionID))
        try server.store.close()
        let answer = try anne.command(.setLanguage(language: "en"))
        #expect(Peer.code(answer) == "server.storeFailed")
        #expect(server.hub.state(of: server.sessionID) == before)
    }
}
