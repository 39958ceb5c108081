import AtelierTestSupport
import Testing

/// `/summary`: the participants' summary of a session, published to whoever has the code once
/// the session has ended, and pointing to nobody.
@Suite(.serialized) struct SummaryTests {
    static let notEnded = "There is no summary for this code: it is published once the session has ended.\n"

    private func summary(_ server: LiveServer, query: String) throws -> RawHTTPResponse {
        let socket = try RawSocket(port: server.server.port)
        socket.write("GET /summary?\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return try #require(try socket.readResponse())
    }

    /// A session where Anne, from an organisation, signs one note and leaves another anonymous,
    /// and the moderator drafts a recommendation.
    private func session() throws -> (LiveServer, Peer) {
        let server = try LiveServer(clock: TestClock(frozen: true))
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        let anne = try Peer(server)
        try anne.join(server, name: "Anne Dupont", organisation: "Maison de quartier Nord")
        try anne.accepted(.addNote(board: nil, prompt: "attentes", text: "Des bancs à l'ombre", colour: nil, anonymous: nil))
        try anne.accepted(.addNote(board: nil, prompt: "attentes", text: "Un parc fermé la nuit", colour: nil, anonymous: true))
        try moderator.accepted(.draftRecommendation(text: "Planter des arbres sur la place", sources: [], room: nil))
        return (server, moderator)
    }

    @Test func beforeTheEndThereIsNoSummaryAndAnUnknownCodeIsAnsweredTheSame() throws {
        let (server, _) = try session()
        let running = try summary(server, query: "code=\(server.code)")
        let unknown = try summary(server, query: "code=ZZZZZZ")
        let noCode = try summary(server, query: "format=md")
        for refused in [running, unknown, noCode] {
            #expect(refused.status == 404)
            #expect(refused.text == Self.notEnded)
        }
    }

    @Test func afterTheEndTheSummaryHasTheNotesAndRecommendationsButNoNameNorOrganisation() throws {
        let (server, moderator) = try session()
        try moderator.accepted(.end)
        for format in ["html", "md"] {
            let document = try summary(server, query: "code=\(server.code)&format=\(format)")
            #expect(document.status == 200)
            #expect(document.header("content-disposition")?.hasPrefix("attachment; filename=\"essai-") == true)
            for said in ["Des bancs", "Un parc fermé la nuit", "Planter des arbres sur la place"] {
                #expect(document.text.contains(said), "\(format) lacks \(said)")
            }
            // "Anne" alone would match the heading "Annexe"; her surname stands for her name.
            for person in ["Anne Dupont", "Dupont", "Maison de quartier", "Claire"] {
                #expect(!document.text.contains(person), "\(format) names \(person)")
            }
        }
        let document = try summary(server, query: "code=\(server.code)&format=md").text
        // The notes with their authors are in the annex; the findings above it name no one.
        let markdown = try #require(document.components(separatedBy: "\n## Annexe\n").last)
        let anonymous = try #require(markdown.split(separator: "\n").first { $0.contains("Un parc fermé la nuit") })
        #expect(!anonymous.contains("Citoyen"), "an anonymous note is attributed: \(anonymous)")
        let signed = try #require(markdown.split(separator: "\n").first { $0.contains("Des bancs") })
        // Anne is the only Citoyen: under the workshop's minimumRoleGroup her role would point to her.
        #expect(!signed.contains("Citoyen"), "a role held by one person is shown: \(signed)")
    }

    @Test func theSummaryIsInTheLanguageAskedFor() throws {
        let (server, moderator) = try session()
        try moderator.accepted(.end)
        let english = try summary(server, query: "code=\(server.code)&lang=en")
        #expect(english.text.contains("<html lang=\"en\""))
        #expect(english.text.contains("Trial workshop"))
        let french = try summary(server, query: "code=\(server.code)")
        #expect(french.text.contains("<html lang=\"fr\""))
    }

    @Test func anUnknownFormatOrLanguageIsRefusedWithWhatToUse() throws {
        let (server, moderator) = try session()
        try moderator.accepted(.end)
        let csv = try summary(server, query: "code=\(server.code)&format=csv")
        #expect(csv.status == 400)
        #expect(csv.text == "\"csv\" is not a summary format; use html or md.\n")
        let german = try summary(server, query: "code=\(server.code)&lang=de")
        #expect(german.status == 400)
        #expect(german.text == "\"de\" is not a summary language; use fr, nl, en.\n")
    }
}
