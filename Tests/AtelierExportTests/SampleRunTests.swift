import AtelierCore
import AtelierExport
import AtelierWire
import Testing

/// A 50-person run of the BeFUS workshop (French and Dutch), curated and not, read against the structure of the
/// synthesis organisers publish.
@Suite struct SampleRunTests {
    static let workshopPath = ExportFixture.folder.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Workshops/befus-25-ans.json").path

    private func run(curate: Bool) throws -> SessionState {
        let workshop = try WorkshopFile.load(path: Self.workshopPath)
        let initial = try #require(SessionState(replaying: SessionEngine.create(
            id: "s-sample", joinCode: "SAMPLE", workshop: workshop, at: ExportFixture.start)))
        return try ScriptedSession(workshop: workshop, participants: 50, start: ExportFixture.start, curate: curate)
            .run(from: initial) { _, _ in }
    }

    private func headings(_ markdown: String, _ marker: String) -> [String] {
        markdown.split(separator: "\n").filter { $0.hasPrefix(marker) }.map { String($0.dropFirst(marker.count)) }
    }

    private func files(_ state: SessionState, language: String? = nil) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ExportFixture.allFiles(of: state, options: .init(language: language)).map { ($0.fileName, $0.text) })
    }

    @Test("The curated run reads as the published synthesis in every format: written findings with quotes, recommendations by theme and addressee, a conclusion")
    func curatedRun() throws {
        let state = try run(curate: true)
        #expect(state.participants.values.filter { !$0.isModerator }.count == 50)
        let files = files(state)
        #expect(files.count == 6)
        let markdown = try #require(files["befus-25-ans-SAMPLE.md"])
        #expect(headings(markdown, "## ") == ["Contexte", "Participants", "Programme tel que déroulé", "État des lieux",
                                              "Mesures préconisées", "Conclusion", "Annexe"])
        let transcript = Transcript(state: state)
        #expect(transcript.findings.count == 5 && transcript.findings.allSatisfy { $0.text != nil && $0.quotes.count == 2 })
        let body = try #require(markdown.components(separatedBy: "\n## Annexe\n").first)
        #expect(!body.contains("Pas encore rédigé"))
        #expect(body.components(separatedBy: "\n> *").count - 1 == 10)
        #expect(body.contains(" — un·e policier·ère\n"))
        let addressees = Set(headings(body, "#### "))
        #expect(addressees.isSubset(of: ["Commune", "Zone de police", "Région", "Communauté", "Fédéral", "Union européenne"]))
        #expect(addressees.count == 6)
        #expect(body.components(separatedBy: "  - Réserve : ").count - 1 == 1)
        #expect(body.components(separatedBy: "  - Sources : ").count - 1 == transcript.recommendations.items.count)

        let html = try #require(files["befus-25-ans-SAMPLE.html"])
        let ids = ["context", "participants", "agenda", "findings", "recommendations", "conclusion", "annex"]
        let positions = try ids.map { try #require(html.range(of: "<section id=\"\($0)\">"), "\($0)").lowerBound }
        #expect(positions == positions.sorted())
        #expect(html.components(separatedBy: "<figure class=\"quote\">").count - 1 == 10 + transcript.quotes.count)
        let json = try JSONValue.parse(Array(try #require(files["befus-25-ans-SAMPLE.json"]).utf8), limits: .file)
        #expect(json["conclusion"] != nil && json["findings"]?[4]?["quotes"]?[1] != nil)
        let votes = try #require(files["befus-25-ans-SAMPLE-votes.csv"])
        #expect(votes.hasPrefix("\u{FEFF}Vote,Séquence,Objet du vote,Statut,Rang,Identifiant,Proposition,Salle,Points,Votants,"))

        let dutch = try #require(self.files(state, language: "nl")["befus-25-ans-SAMPLE.md"])
        #expect(headings(dutch, "## ") == ["Context", "Deelnemers", "Programma zoals het verliep", "Stand van zaken",
                                           "Aanbevolen maatregelen", "Conclusie", "Bijlage"])
        #expect(dutch.contains("\n#### Gemeente\n") && dutch.contains(" — een politieambtenaar\n"))
    }

    @Test("The run without curation still reads well: each theme's findings drawn from the session and marked not yet edited, no quotes, no addressee yet")
    func uncuratedRun() throws {
        let state = try run(curate: false)
        let markdown = try #require(files(state)["befus-25-ans-SAMPLE.md"])
        #expect(headings(markdown, "## ") == ["Contexte", "Participants", "Programme tel que déroulé", "État des lieux",
                                              "Mesures préconisées", "Annexe"])
        let body = try #require(markdown.components(separatedBy: "\n## Annexe\n").first)
        #expect(body.components(separatedBy: "*Pas encore rédigé : ").count - 1 == 5)
        #expect(!body.contains("\n> "))
        #expect(Set(headings(body, "#### ")) == ["Destinataire à préciser"])
        let comments = state.comments.values.map(\.text)
        #expect(!comments.isEmpty && comments.allSatisfy { !body.contains($0) }, "comments stay in the annex")
    }
}
