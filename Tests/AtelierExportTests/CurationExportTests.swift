import AtelierCore
import AtelierExport
import AtelierWire
import Testing

/// The document uses what organisers curated: findings, featured quotes, themes and addressees, reservations,
/// the introduction and the conclusion.
@Suite struct CurationExportTests {
    static let findings = "Deux **constats** :\n\n- la nuit, *personne* n'est là\n- <script>alert(1)</script> reste du texte"

    private func markdownOf(_ state: SessionState, language: String? = nil) throws -> String {
        try #require(TranscriptExporter.render(state: state, format: .md, options: .init(language: language)).first).text
    }

    private func htmlOf(_ state: SessionState, language: String? = nil) throws -> String {
        try #require(TranscriptExporter.render(state: state, format: .html, options: .init(language: language)).first).text
    }

    /// The part of a Markdown document from `heading` to the next heading of the same level or higher.
    private func section(_ markdown: String, _ heading: String) throws -> String {
        let start = try #require(markdown.range(of: "\n" + heading + "\n"), "\(heading)")
        let level = heading.prefix { $0 == "#" }.count
        var end = markdown.endIndex
        for marker in (1...level).map({ "\n" + String(repeating: "#", count: $0) + " " }) {
            if let next = markdown.range(of: marker, range: start.upperBound..<markdown.endIndex), next.lowerBound < end {
                end = next.lowerBound
            }
        }
        return String(markdown[start.upperBound..<end])
    }

    @Test("A theme's written findings replace its default, Markdown rendered through a safe subset in HTML")
    func writtenFindings() throws {
        let state = try ExportFixture.state().curated([.writeFindings(room: "nuit", text: LocalizedText(Self.findings))])
        let markdown = try markdownOf(state)
        let nuit = try section(markdown, "### La nuit : « qui est là ? »")
        #expect(nuit.contains("Deux **constats** :\n\n- la nuit, *personne* n'est là\n- \\<script>alert(1)\\</script> reste du texte"))
        #expect(!nuit.contains("Les plus votées") && !nuit.contains("Pas encore rédigé"))
        let polarisation = try section(markdown, "### Polarisation : eux >\\< nous")
        #expect(polarisation.contains("*Pas encore rédigé") && polarisation.contains("**Les plus votées**"))

        let html = try htmlOf(state)
        #expect(html.contains("<p>Deux <strong>constats</strong> :</p>\n<ul>\n<li>la nuit, <em>personne</em> n'est là</li>\n"
                              + "<li>&lt;script&gt;alert(1)&lt;/script&gt; reste du texte</li>\n</ul>"))
        #expect(!html.contains("<script>"))
        let transcript = Transcript(state: state)
        #expect(transcript.findings.map(\.text) == [Self.findings, nil, nil])
    }

    /// A note of room `nuit` with an author, and a comment on one of its notes.
    private func quotable(_ state: SessionState) throws -> (note: SessionState.Note, comment: SessionState.Comment) {
        let notes = state.noteOrder.compactMap { state.notes[$0] }.filter { $0.board.room == "nuit" && $0.author != nil && !$0.anonymous }
        let comment = try #require(state.commentOrder.compactMap { state.comments[$0] }.first { comment in notes.contains { $0.id == comment.note } })
        return (try #require(notes.first { $0.id != comment.note }), comment)
    }

    @Test("Featured quotes stand under their theme, signed by the role with its article in French, Dutch and English",
          arguments: [("fr", "un·e "), ("nl", "een "), ("en", "")])
    func featuredQuotes(language: String, article: String) throws {
        let plain = try ExportFixture.state()
        let (note, comment) = try quotable(plain)
        let state = try plain.curated([.featureQuote(quote: .note(note.id)), .featureQuote(quote: .comment(comment.id))])
        let labels: [String: [String: String]] = [
            "fr": ["elu": "un·e élu·e", "policier": "un·e policier·ère municipal·e", "mediateur": "un·e médiateur·rice"],
            "nl": ["elu": "een mandataris", "policier": "een politieambtenaar", "mediateur": "een bemiddelaar"],
            "en": ["elu": "an elected official", "policier": "a municipal police officer", "mediateur": "a mediator"],
        ]
        let role = { (author: ParticipantID?) in labels[language]?[state.participants[author ?? ""]?.role ?? ""] ?? "?" }
        let markdown = try markdownOf(state, language: language)
        let annex = try #require(markdown.range(of: "\n## \(["fr": "Annexe", "nl": "Bijlage", "en": "Annex"][language]!)\n"))
        let body = markdown[..<annex.lowerBound]
        #expect(body.contains("> *\(note.text)* — \(role(note.author))"))
        #expect(body.contains("> *\(comment.text)* — \(role(comment.author))"))
        #expect(role(note.author).hasPrefix(article) || language == "en")
        let otherComments = state.comments.values.filter { $0.id != comment.id }.map(\.text).filter { $0 != comment.text }
        #expect(!otherComments.isEmpty && otherComments.allSatisfy { !body.contains($0) }, "other comments stay in the annex")

        let html = try htmlOf(state, language: language)
        #expect(html.contains("<blockquote>\(escapeHTML(note.text))</blockquote>\n<figcaption>— \(role(note.author))</figcaption>"))
        let findings = try #require(Transcript(state: state).findings.first)
        #expect(findings.quotes.map(\.id) == [note.id, comment.id])
    }

    @Test("Recommendations are grouped by theme, then by addressee in the workshop's order, each with its reservations")
    func recommendationsByAddressee() throws {
        let plain = try ExportFixture.state()
        let ids = Transcript(state: plain).recommendations.items.map(\.id)
        try #require(ids.count >= 3)
        let state = try plain.curated([
            .classifyRecommendation(recommendation: ids[0], theme: "nuit", addressee: "federal"),
            .classifyRecommendation(recommendation: ids[1], theme: "nuit", addressee: "commune"),
            .classifyRecommendation(recommendation: ids[2], theme: "nuit", addressee: nil),
            .addReservation(recommendation: ids[0], text: "La zone de police n'est pas d'accord"),
        ])
        let transcript = Transcript(state: state)
        let markdown = try markdownOf(state)
        let nuit = try section(try section(markdown, "## Mesures préconisées"), "### La nuit : « qui est là ? »")
        let headings = nuit.split(separator: "\n").filter { $0.hasPrefix("#### ") }
        #expect(headings == ["#### Commune", "#### Fédéral", "#### Destinataire à préciser"])
        let federal = try section(nuit, "#### Fédéral")
        #expect(federal.contains("  - Réserve : La zone de police n'est pas d'accord"))
        #expect(federal.components(separatedBy: "Sources").count - 1 == 1)
        #expect(transcript.recommendations.items.first?.addressee?.label == "Fédéral")
        #expect(transcript.recommendations.items.first?.reservations.map(\.text) == ["La zone de police n'est pas d'accord"])

        let dutch = try markdownOf(state, language: "nl")
        #expect(dutch.contains("#### Federale overheid") && dutch.contains("#### Nog geen bestemmeling")
                && dutch.contains("Voorbehoud: La zone de police"))
        let html = try htmlOf(state)
        #expect(html.contains("<h4>Commune</h4>") && html.contains("<h4>Destinataire à préciser</h4>"))
        #expect(html.contains("<p class=\"reservation\">Réserve : La zone de police n'est pas d'accord</p>"))
    }

    @Test("The introduction follows the context and the conclusion closes the document before the annex")
    func introductionAndConclusion() throws {
        let state = try ExportFixture.state().curated([
            .writeSynthesisText(part: .introduction, text: "Une matinée **riche** d'échanges."),
            .writeSynthesisText(part: .conclusion, text: "Rendez-vous dans *un an*."),
        ])
        let markdown = try markdownOf(state)
        #expect(try section(markdown, "## Contexte").contains("Une matinée **riche** d'échanges."))
        let conclusion = try section(markdown, "## Conclusion")
        #expect(conclusion.contains("Rendez-vous dans *un an*."))
        let order = try ["## Mesures préconisées", "## Conclusion", "## Annexe"].map { try #require(markdown.range(of: "\n\($0)\n")).lowerBound }
        #expect(order == order.sorted())
        let html = try htmlOf(state)
        #expect(html.contains("<p>Une matinée <strong>riche</strong> d'échanges.</p>"))
        #expect(html.contains("<section id=\"conclusion\">\n<h2>Conclusion</h2>\n<p>Rendez-vous dans <em>un an</em>.</p>"))
        let transcript = Transcript(state: state)
        #expect(transcript.introduction == "Une matinée **riche** d'échanges." && transcript.conclusion == "Rendez-vous dans *un an*.")
    }

    @Test("The JSON export carries the curation: findings, quotes, addressees, reservations, introduction and conclusion")
    func jsonCarriesCuration() throws {
        let plain = try ExportFixture.state()
        let (note, _) = try quotable(plain)
        let id = try #require(Transcript(state: plain).recommendations.items.first?.id)
        let state = try plain.curated([
            .writeFindings(room: "nuit", text: "Constat"), .featureQuote(quote: .note(note.id)),
            .classifyRecommendation(recommendation: id, theme: "nuit", addressee: "commune"),
            .addReservation(recommendation: id, text: "Pas unanime"),
            .writeSynthesisText(part: .introduction, text: "Intro"), .writeSynthesisText(part: .conclusion, text: "Fin"),
        ])
        let file = try #require(TranscriptExporter.render(state: state, format: .json).first)
        let json = try JSONValue.parse(file.bytes, limits: .file)
        #expect(json["introduction"] == .string("Intro") && json["conclusion"] == .string("Fin"))
        #expect(json["findings"]?[0]?["text"] == .string("Constat"))
        #expect(json["findings"]?[0]?["quotes"]?[0]?["id"] == .string(note.id))
        #expect(json["recommendations"]?["items"]?[0]?["addressee"]?["id"] == .string("commune"))
        #expect(json["recommendations"]?["items"]?[0]?["reservations"]?[0]?["text"] == .string("Pas unanime"))
    }
}

/// `text` as the HTML export escapes it.
func escapeHTML(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
