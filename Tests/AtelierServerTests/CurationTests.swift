import AtelierCore
import AtelierTestSupport
import Testing

/// Curating the synthesis over the wire: during the session and after its end, by its curators,
/// seen live by them alone.
@Suite(.serialized) struct CurationTests {
    /// A started session where Anne wrote a note and the moderator drafted a recommendation from it.
    private func session() throws -> (LiveServer, moderator: Peer, anne: Peer) {
        let server = try LiveServer(clock: TestClock(frozen: true))
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        try anne.accepted(.addNote(board: nil, prompt: "attentes", text: "Des bancs à l'ombre", colour: nil, anonymous: nil))
        try moderator.accepted(.draftRecommendation(text: "Planter des arbres", sources: [.note("n1")], room: nil))
        return (server, moderator, anne)
    }

    @Test func anEndedSessionTakesCurationFromItsModeratorsAndStillRefusesEverythingElse() throws {
        let (server, moderator, anne) = try session()
        try moderator.accepted(.end)
        try moderator.accepted(.writeSynthesisText(part: .introduction, text: "Une matinée d'échanges."))
        try moderator.accepted(.featureQuote(quote: .note("n1")))
        try moderator.accepted(.classifyRecommendation(recommendation: "r1", theme: "mobilite", addressee: nil))
        try moderator.accepted(.addReservation(recommendation: "r1", text: "Coût d'entretien"))
        try moderator.accepted(.writeFindings(room: "mobilite", text: "Les **bus** manquent."))

        for refused in [
            Command.editRecommendation(recommendation: "r1", text: "Autre", sources: nil, room: nil),
            .announce(text: "Merci", room: nil),
        ] {
            #expect(Peer.code(try moderator.command(refused)) == "session.ended")
        }
        #expect(Peer.code(try anne.command(.writeFindings(room: "mobilite", text: "Moi aussi"))) == "auth.facilitatorOnly")

        let back = try Peer(server)
        try back.rejoin(server, token: try #require(moderator.token), after: moderator.lastSeq)
        try back.accepted(.writeSynthesisText(part: .conclusion, text: "À suivre."))
        #expect(back.eventNames.last == "synthesisTextWritten")
    }

    @Test func curationReachesTheModeratorsLiveButNotTheParticipants() throws {
        let (server, moderator, anne) = try session()
        defer { withExtendedLifetime(server) {} }
        try moderator.accepted(.featureQuote(quote: .note("n1")))
        try moderator.accepted(.writeSynthesisText(part: .introduction, text: "Une matinée d'échanges."))
        try moderator.accepted(.classifyRecommendation(recommendation: "r1", theme: "logement", addressee: nil))
        try moderator.waitForEvent("recommendationClassified")
        try anne.waitForEvent("recommendationClassified")
        #expect(moderator.eventNames.filter { ["quoteFeatured", "synthesisTextWritten"].contains($0) }.count == 2)
        #expect(anne.eventNames.filter { ["quoteFeatured", "synthesisTextWritten"].contains($0) }.isEmpty)
    }
}
