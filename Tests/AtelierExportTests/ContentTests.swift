import AtelierCore
import AtelierExport
import AtelierWire
import Testing

@Suite struct ContentTests {
    @Test("The agenda pairs each slot's planned times, following the previous slot when it has no start, with its actual run")
    func agendaAsRun() throws {
        let state = try ExportFixture.state()
        let agenda = Transcript(state: state).agenda
        #expect(agenda.map(\.slot) == state.workshop.agenda.map(\.id))
        let labs = try #require(agenda.first { $0.slot == "labs" })
        #expect((labs.plannedStart, labs.plannedEnd, labs.plannedMinutes) == ("09:10", "09:50", 40))
        let synthesis = try #require(agenda.first { $0.slot == "synthese" })
        #expect(synthesis.plannedStart == "10:10")
        for line in agenda {
            let run = try #require(line.runs.first)
            #expect(line.runs.count == 1 && run.end != nil)
            let planned = Int(line.plannedStart.prefix(2))! * 60 + Int(line.plannedStart.suffix(2))!
            let actual = Int(run.start.prefix(2))! * 60 + Int(run.start.suffix(2))!
            #expect(run.startDelay == actual - planned)
        }
    }

    @Test("Each room lists its questions, its groups, its notes once each, its ranking and what it promoted")
    func rooms() throws {
        let state = try ExportFixture.state()
        let transcript = Transcript(state: state)
        #expect(transcript.boards.map(\.board) == ["labs/nuit", "labs/polarisation", "sondage/plenary"])
        for board in transcript.boards {
            let ids = board.clusters.flatMap(\.notes).map(\.id) + board.ungrouped.flatMap(\.notes).map(\.id)
            let expected = state.notes.values.filter { $0.board.description == board.board }.map(\.id)
            #expect(Set(ids) == Set(expected) && ids.count == expected.count)
            let ranking = try #require(board.votes.first).ranking
            #expect(ranking.map(\.dots) == ranking.map(\.dots).sorted(by: >))
            #expect(ranking.first?.rank == 1)
        }
        let nuit = transcript.boards[0]
        #expect(nuit.theme == "La nuit : « qui est là ? »")
        #expect(nuit.prompts.map(\.text) == ["Que constatez-vous ?", "Quelle mesure proposez-vous ?"])
        #expect(nuit.clusters.first?.name == "Coordination entre partenaires")
        #expect(nuit.promoted.count == 2)
        let survey = transcript.boards[2]
        #expect(survey.ungrouped.flatMap(\.notes).allSatisfy { $0.prefilled && $0.attribution == nil })
    }

    @Test("Recommendations are ranked by the plenary vote and traced to their notes and rooms")
    func recommendationsTraced() throws {
        let state = try ExportFixture.state()
        let list = Transcript(state: state).recommendations
        #expect(list.rankedBy == state.finalRecommendationVote?.id && list.rankedBy != nil)
        #expect(list.items.map(\.id) == state.rankedRecommendations.map(\.item))
        #expect(list.items.map(\.dots) == list.items.map(\.dots).sorted(by: >))
        for item in list.items {
            let source = try #require(item.sources.first)
            let note = try #require(source.notes.first)
            #expect(state.notes[note.id]?.text == note.text)
            #expect(item.theme == note.theme, "filed under the room its source note came from")
        }
    }

    /// The fixture with its first recommendation translated into Dutch, and one recommendation left as written.
    private func translatedRecommendation() throws -> (state: SessionState, translated: String, untouched: String) {
        var state = try ExportFixture.state()
        let translated = try #require(state.recommendationOrder.first)
        let original = try #require(state.recommendations[translated]).text.text(in: "fr")
        state.apply(.recommendationEdited(id: translated, text: LocalizedText(translations: ["": original, "nl": "Vertaald advies"]),
                                          sources: state.recommendations[translated]!.sources, room: state.recommendations[translated]!.room))
        let untouched = try #require(state.recommendationOrder.last { $0 != translated })
        return (state, translated, untouched)
    }

    @Test("A recommendation is in the transcript's language when it has that translation, else in the original")
    func recommendationsInLanguage() throws {
        let (state, translated, untouched) = try translatedRecommendation()
        let original = state.recommendations[translated]!.text.text(in: "fr")
        func texts(_ language: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: Transcript(state: state, options: TranscriptOptions(language: language))
                .recommendations.items.map { ($0.id, $0.text) })
        }
        #expect(texts("nl")[translated] == "Vertaald advies")
        #expect(texts("fr")[translated] == original)
        #expect(texts("en")[translated] == original)
        #expect(texts("nl")[untouched] == state.recommendations[untouched]?.text.text(in: "fr"))
        let markdown = try #require(TranscriptExporter.render(
            state: state, format: .md, options: TranscriptOptions(language: "nl")).first).text
        #expect(markdown.contains("Vertaald advies"))
    }

    @Test("A recommendation names the language it is written in: a translation its own, the original the workshop's first language")
    func recommendationLanguage() throws {
        let (state, translated, untouched) = try translatedRecommendation()
        func languages(_ language: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: Transcript(state: state, options: TranscriptOptions(language: language))
                .recommendations.items.map { ($0.id, $0.language) })
        }
        #expect(languages("nl")[translated] == "nl")
        #expect(languages("nl")[untouched] == "fr")
        #expect(languages("en")[translated] == "fr")
        #expect(Set(languages("fr").values) == ["fr"])
    }

    @Test("The HTML transcript puts lang on a recommendation written in another language than the document's, and only there")
    func recommendationLangInHTML() throws {
        let (state, _, _) = try translatedRecommendation()
        func html(_ language: String) throws -> String {
            try #require(TranscriptExporter.render(
                state: state, format: .html, options: TranscriptOptions(language: language)).first).text
        }
        let count = Transcript(state: state).recommendations.items.count
        let dutch = try html("nl")
        #expect(dutch.contains("<p class=\"recommendation\">Vertaald advies"))
        #expect(dutch.components(separatedBy: "<p class=\"recommendation\" lang=\"fr\">").count - 1 == count - 1)
        let french = try html("fr")
        #expect(!french.contains("<p class=\"recommendation\" lang="))
        #expect(french.components(separatedBy: "<p class=\"recommendation\">").count - 1 == count)
    }

    @Test("Headings follow the workshop's language, or the one asked for", arguments: [
        ("fr", ["## État des lieux", "## Mesures préconisées", "## Commentaires", "## Votes par rôle", "21 janvier 2021"]),
        ("nl", ["## Stand van zaken", "## Aanbevolen maatregelen", "## Opmerkingen", "## Stemmen per rol", "21 januari 2021"]),
        ("en", ["## Findings", "## Recommendations", "## Comments", "## Votes by role", "21 January 2021"]),
    ])
    func headingsInLanguage(language: String, headings: [String]) throws {
        var state = try ExportFixture.state()
        state.workshop.languages = [language] + state.workshop.languages.filter { $0 != language }
        let markdown = try #require(TranscriptExporter.render(state: state, format: .md).first).text
        for heading in headings { #expect(markdown.contains(heading)) }
        let asked = try #require(TranscriptExporter.render(
            state: try ExportFixture.state(), format: .md, options: TranscriptOptions(language: language)).first).text
        #expect(asked == markdown)
    }

    @Test("The JSON file is the transcript structure, readable by the project's own parser")
    func jsonStructure() throws {
        let state = try ExportFixture.state()
        let file = try #require(TranscriptExporter.render(state: state, format: .json).first)
        let value = try JSONValue.parse(file.text)
        guard case .object(let root) = value else { Issue.record("not an object"); return }
        #expect(root.keys.prefix(4) == ["language", "workshopID", "sessionID", "joinCode"])
        #expect(root["joinCode"] == "GOLDEN")
        guard case .array(let votes)? = root["votes"] else { Issue.record("no votes"); return }
        #expect(votes.count == state.voteOrder.count)
    }
}
