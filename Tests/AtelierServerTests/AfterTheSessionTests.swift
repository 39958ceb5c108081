import AtelierCore
import AtelierServer
import AtelierStore
import AtelierTestSupport
import Foundation
import Testing

/// What happens once the session is over: a moderator arriving with the key after the end, the
/// retention purge while serving, and the lease that keeps other programs from writing beside a server.
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
}
