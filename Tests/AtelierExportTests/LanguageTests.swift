import AtelierCore
import AtelierExport
import Testing

/// Everything the document writes around people's texts is in its language, the spreadsheets included.
@Suite struct LanguageTests {
    private func files(language: String? = nil) throws -> [String: String] {
        let files = ExportFixture.allFiles(of: try ExportFixture.state(), options: TranscriptOptions(language: language))
        return Dictionary(uniqueKeysWithValues: files.map { ($0.fileName, $0.text) })
    }

    private func firstLine(_ text: String) -> String {
        String(text.unicodeScalars.dropFirst().prefix { $0 != "\r" })
    }

    @Test("CSV headers and yes/no values are in the document's language")
    func csvInLanguage() throws {
        let french = try files()
        #expect(firstLine(try #require(french["atelier-test-GOLDEN-notes.csv"]))
                == "Note,Séquence,Salle,Thème,Question,Groupe,Texte,Anonyme,Rôle de l'auteur,Écrit le,Points,Remonté en plénière")
        #expect(french["atelier-test-GOLDEN-notes.csv"]?.contains(",non,") == true)
        for language in ["fr", "nl", "en"] {
            let files = try files(language: language)
            for name in ["notes", "comments", "votes"] {
                let header = firstLine(try #require(files["atelier-test-GOLDEN-\(name).csv"]))
                #expect(!header.contains("_"), "\(language) \(name): \(header)")
            }
        }
        let dutch = try #require(try files(language: "nl")["atelier-test-GOLDEN-notes.csv"])
        #expect(dutch.contains(",nee,") && !dutch.contains(",no,"))
        let english = try #require(try files(language: "en")["atelier-test-GOLDEN-notes.csv"])
        #expect(english.contains(",no,"))
    }

    @Test("Pre-filled survey options are in the language asked for when the workshop has them, in every format",
          arguments: [("nl", "Overlast"), ("en", "Incivilities")])
    func prefilledItemsTranslated(language: String, option: String) throws {
        for (name, text) in try files(language: language) where !name.hasSuffix("-comments.csv") {
            #expect(text.contains(option), "\(name)")
            #expect(!text.contains("Incivilités"), "\(name) keeps the French option")
        }
    }

    @Test("A vote over several rooms' notes has a room column, in the annex and in the CSV; one room's vote has none")
    func roomColumn() throws {
        let transcript = Transcript(state: try ExportFixture.state())
        let labs = try #require(transcript.votes.first { $0.slot == "labs" })
        #expect(Set(labs.items.compactMap(\.room)) == ["La nuit : « qui est là ? »", "Polarisation : eux >< nous"])
        #expect(transcript.votes.first { $0.slot == "sondage" }?.items.allSatisfy { $0.room == nil } == true)
        let files = try files()
        let markdown = try #require(files["atelier-test-GOLDEN.md"])
        #expect(markdown.components(separatedBy: "| Rang | Proposition | Salle | Total |").count - 1 == 1)
        let html = try #require(files["atelier-test-GOLDEN.html"])
        #expect(html.components(separatedBy: "<th>Proposition</th><th>Salle</th>").count - 1 == 1)
        #expect(firstLine(try #require(files["atelier-test-GOLDEN-votes.csv"])).hasPrefix("Vote,Séquence,Objet du vote,Statut,Rang,Identifiant,Proposition,Salle,"))
    }
}
