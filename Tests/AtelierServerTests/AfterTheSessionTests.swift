import AtelierCore
import AtelierTestSupport
import Foundation
import Testing

/// What organisers do once the session is over: a moderator arriving with the key after the end.
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
}
