import AtelierCore
import AtelierServer
import AtelierStore
import AtelierTestSupport
@testable import atelier
import Foundation
import Testing

/// What happens once the session is over: a moderator arriving with the key after the end, the
/// retention purge while serving, the lease that keeps other programs from writing beside a server,
/// and the server letting go of an ended session nobody is connected to.
@Suite(.serialized) struct AfterTheSessionTests {
    @Test func aModeratorWhoNeverJoinedEntersAnEndedSessionWithTheKeyToCurateAndExportItWhileParticipantsCannotJoin() throws {
        let server = try LiveServer(clock: TestClock(frozen: true))
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        try moderator.accepted(.end)

        let organiser = try Peer(server)
        let answer = try organiser.moderate(server, name: "Organiser")
        #expect(answer["welcome"]?["moderator"]?.boolValue == true)
        try organiser.accepted(.writeSynthesisText(part: .introduction, text: "Une matinée d'échanges."))
        #expect(try organiser.transcript("md").count == 1)

        let late = try Peer(server)
        #expect(Peer.code(try late.join(server, name: "Late")) == "session.ended")
    }

    @Test func aServedSessionPastItsRetentionLosesItsNamesInMemoryTooAndItsPeopleComeBackToThePurgedLog() throws {
        let clock = TestClock(frozen: true)
        let server = try LiveServer(clock: clock)
        let moderator = try Peer(server)
        try moderator.moderate(server, name: "Claire Moreau")
        try moderator.accepted(.start)
        let anne = try Peer(server)
        try anne.join(server, name: "Anne Lenoir", organisation: "Ville de Namur")
        try moderator.accepted(.end)

        clock.advance(seconds: 31 * 86_400)
        let hub = server.hub
        server.server.post { hub.applyRetention() }
        _ = moderator.client.waitForClose(timeout: 15)
        _ = anne.client.waitForClose(timeout: 15)
        #expect(moderator.client.currentState.isFinal && anne.client.currentState.isFinal)

        let back = try Peer(server)
        try back.rejoin(server, token: try #require(moderator.token), after: nil)
        let joined = back.events.compactMap { entry -> (ParticipantID, String, String?)? in
            guard case let .participantJoined(id, name, _, organisation, _, _, _, _) = entry.event else { return nil }
            return (id, name, organisation)
        }
        #expect(joined.count == 2)
        #expect(joined.allSatisfy { $0.0 == $0.1 && $0.2 == nil })
        #expect(!back.received.contains { $0.serialized().contains("Lenoir") || $0.serialized().contains("Namur") })
    }

    @Test func whileAServerServesASessionNoOtherProgramAppendsToItsLogAndTheServerGoesOnStoringItsOwn() throws {
        let server = try LiveServer()
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)

        // A second connection to the file, as atelier synthesis opens it.
        let other = try EventStore(path: server.databasePath)
        let now = SessionHub.wallClock()
        func offline(at time: Timestamp) throws -> [EventRecord] {
            let next = try #require(try other.events(of: server.sessionID).last).sequence + 1
            let event = Event.synthesisTextWritten(part: .introduction, text: "Hors ligne", by: "p1", at: time)
            return [try EventRecord(event: event, session: server.sessionID, sequence: next, at: time, actor: "p1")]
        }
        let refused = #expect(throws: StoreError.self) { try other.appendUnlessServed(try offline(at: now), at: now) }
        #expect(refused?.code == .sessionServed)
        #expect(try other.lease(of: server.sessionID, at: now)?.holder == server.hub.leaseHolder)

        try moderator.accepted(.writeSynthesisText(part: .introduction, text: "En direct"))
        try moderator.accepted(.writeSynthesisText(part: .conclusion, text: "À suivre"))

        // A server that died without releasing its lease holds the session three minutes at most.
        let later = now.adding(milliseconds: EventStore.leaseLifetimeMilliseconds + 1)
        #expect(try other.lease(of: server.sessionID, at: later) == nil)

        server.server.stop()
        server.server.wait()
        server.hub.releaseLeases()
        #expect(try other.lease(of: server.sessionID, at: now) == nil)
        try other.appendUnlessServed(try offline(at: now), at: now)
        #expect(try other.replay(session: server.sessionID).synthesisTexts[.introduction] == "Hors ligne")
    }

    @Test func anEndedSessionNobodyIsConnectedToIsUnloadedAndItsLeaseReleasedOnceTheHoldHasPassed() throws {
        let (server, _) = try Self.endedAndLeft()
        let (served, leased) = try server.idle(seconds: SessionHub.endedSessionHoldMilliseconds / 1000)
        #expect(!served && !leased)
    }

    @Test func anEndedSessionIsKeptWhileTheHoldHasNotPassedSinceItsLastConnectionLeft() throws {
        let (server, _) = try Self.endedAndLeft()
        let (served, leased) = try server.idle(seconds: SessionHub.endedSessionHoldMilliseconds / 1000 - 1)
        #expect(served && leased)
    }

    @Test func anEndedSessionSomeoneIsConnectedToIsKeptHoweverLongTheyStay() throws {
        let plenary = try PlenarySession(joining: [], clock: TestClock(frozen: true))
        try plenary.moderator.accepted(.end)
        let (served, leased) = try plenary.server.idle(seconds: 3 * SessionHub.endedSessionHoldMilliseconds / 1000)
        #expect(served && leased)
        try plenary.moderator.accepted(.writeSynthesisText(part: .conclusion, text: "Toujours là"))
    }

    @Test func aRunningSessionIsKeptWithNobodyConnected() throws {
        let plenary = try PlenarySession(joining: [], clock: TestClock(frozen: true))
        plenary.moderator.close()
        try Self.waitUntilNobodyIsConnected(plenary.server)
        let (served, leased) = try plenary.server.idle(seconds: 3 * SessionHub.endedSessionHoldMilliseconds / 1000)
        #expect(served && leased)
    }

    @Test func anEndedSessionWhoseLastCurationWaitsForALockedDatabaseIsKeptUntilItIsStored() throws {
        let plenary = try PlenarySession(joining: [], clock: TestClock(frozen: true))
        let server = plenary.server
        try plenary.moderator.accepted(.end)
        let shell = try SQLiteShell(database: server.databasePath)
        shell.run("BEGIN IMMEDIATE;")
        // Decided, then waiting for the lock; the moderator leaves without waiting for the ack.
        plenary.moderator.send(.command(.writeSynthesisText(part: .conclusion, text: "Pendant le verrou")))
        plenary.moderator.close()
        try Self.waitUntilNobodyIsConnected(server)
        #expect(try server.idle(seconds: SessionHub.endedSessionHoldMilliseconds / 1000).served)

        shell.run("COMMIT;")
        shell.close()
        let other = try EventStore(path: server.databasePath)
        let deadline = Date().addingTimeInterval(15)
        while try other.replay(session: server.sessionID).synthesisTexts[.conclusion] == nil && Date() < deadline { usleep(20_000) }
        server.releaseIdleSessions()
        #expect(server.hub.state(of: server.sessionID) == nil)
        #expect(try other.replay(session: server.sessionID).synthesisTexts[.conclusion] == "Pendant le verrou")
    }

    @Test func aParticipantComingBackToASessionTheServerLetGoOfFindsItAsTheyLeftItAndItsSummaryWithWhatWasCuratedOffline() throws {
        let (server, anne, other, _) = try Self.letGoAndCuratedOffline()

        let back = try Peer(server)
        try back.rejoin(server, token: try #require(anne.token), after: nil)
        #expect(back.participant == anne.participant)
        #expect(back.events.filter { $0.seq <= anne.lastSeq }.map(\.seq) == anne.events.map(\.seq))
        #expect(try other.lease(of: server.sessionID, at: server.clock.now)?.holder == server.hub.leaseHolder)
        let socket = try RawSocket(port: server.server.port)
        socket.write("GET /summary?code=\(server.code)&format=md HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let summary = try #require(try socket.readResponse())
        #expect(summary.status == 200 && summary.text.contains("Hors ligne"))
    }

    @Test func aModeratorEnteringASessionTheServerLetGoOfSeesTheOfflineCurationAndCurationGoesOnFromIt() throws {
        let (server, _, _, written) = try Self.letGoAndCuratedOffline()

        let organiser = try Peer(server)
        try organiser.moderate(server, name: "Organiser")
        #expect(organiser.events.contains { $0.seq == written[1].sequence })
        let answer = try organiser.accepted(.writeSynthesisText(part: .conclusion, text: "En ligne"))
        #expect(answer["seq"]?.int64Value == written[1].sequence + 2)
        let markdown = try #require(try organiser.transcript("md").first).text
        #expect(markdown.contains("Hors ligne") && markdown.contains("En ligne"))
    }

    /// A session a moderator started and ended with a participant, both gone since; what the participant had.
    private static func endedAndLeft() throws -> (server: LiveServer, participant: Peer) {
        let plenary = try PlenarySession(joining: ["Anne"], clock: TestClock(frozen: true))
        try plenary.moderator.accepted(.end)
        let anne = plenary.people[0]
        _ = try anne.waitForEvent("sessionEnded")
        plenary.moderator.close()
        anne.close()
        try waitUntilNobodyIsConnected(plenary.server)
        return (plenary.server, anne)
    }

    /// `endedAndLeft`, let go of once the hold has passed, then an introduction written with
    /// `atelier synthesis`'s decision, appended beside the server as it does; the store it used.
    private static func letGoAndCuratedOffline() throws -> (server: LiveServer, participant: Peer, store: EventStore, written: [EventRecord]) {
        let (server, anne) = try endedAndLeft()
        let other = try EventStore(path: server.databasePath)
        // The clock jumps past the leases' lifetime: the append checks them as of the end.
        let ended = server.clock.now
        _ = try server.idle(seconds: SessionHub.endedSessionHoldMilliseconds / 1000)
        let next = try #require(try other.events(of: server.sessionID).last).sequence + 1
        let command = Command.writeSynthesisText(part: .introduction, text: "Hors ligne")
        let decided = try SynthesisCommand.decide(command, as: "organiser", in: try other.replay(session: server.sessionID), at: ended).get()
        let written = try decided.enumerated().map { index, item in
            try EventRecord(event: item.event, session: server.sessionID, sequence: next + Int64(index), at: ended, actor: item.actor)
        }
        try other.appendUnlessServed(written, at: ended)
        return (server, anne, other, written)
    }

    /// Waits for the server to have seen every connection close.
    private static func waitUntilNobodyIsConnected(_ server: LiveServer) throws {
        let deadline = Date().addingTimeInterval(15)
        while server.server.statistics.connectionsOpen > 0 && Date() < deadline { usleep(10_000) }
        try #require(server.server.statistics.connectionsOpen == 0)
    }
}

extension LiveServer {
    /// Moves the clock `seconds` on and lets the hub look for ended sessions to let go of, on the
    /// service thread as its timer does; then whether it still serves the session, and still holds
    /// its lease (looked up as of before the move, since the clock jumps past its renewals).
    func idle(seconds: Int64) throws -> (served: Bool, leased: Bool) {
        let before = clock.now
        advance(seconds: seconds)
        releaseIdleSessions()
        let lease = try EventStore(path: databasePath).lease(of: sessionID, at: before)
        return (hub.state(of: sessionID) != nil, lease?.holder == hub.leaseHolder)
    }

    /// Lets the hub look for ended sessions to let go of, on the service thread, and waits for it.
    func releaseIdleSessions() {
        let hub = hub
        let done = DispatchSemaphore(value: 0)
        server.post {
            hub.releaseIdleSessions()
            done.signal()
        }
        _ = done.wait(timeout: .now() + 15)
    }
}
