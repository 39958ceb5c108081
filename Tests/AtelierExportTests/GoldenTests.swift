import AtelierCore
import AtelierExport
import AtelierStore
import Testing

@Suite struct GoldenTests {
    @Test("Each format renders the scripted session exactly as its golden files", arguments: TranscriptFormat.allCases)
    func formatMatchesGolden(format: TranscriptFormat) throws {
        let files = TranscriptExporter.render(state: try ExportFixture.state(), format: format)
        #expect(files.count == (format == .csv ? 3 : 1))
        for file in files { try Golden.check(file.bytes, named: file.fileName) }
    }

    @Test("With --names and in English, the Markdown matches its golden file")
    func namedEnglishMarkdownMatchesGolden() throws {
        let options = TranscriptOptions(names: true, language: "en")
        let file = try #require(TranscriptExporter.render(state: ExportFixture.state(), format: .md, options: options).first)
        try Golden.check(file.bytes, named: "names-en.md")
    }

    @Test("Files are named after the workshop and the join code")
    func fileNames() throws {
        let names = ExportFixture.allFiles(of: try ExportFixture.state()).map(\.fileName)
        #expect(names == [
            "atelier-test-GOLDEN.md", "atelier-test-GOLDEN.html", "atelier-test-GOLDEN-notes.csv",
            "atelier-test-GOLDEN-comments.csv", "atelier-test-GOLDEN-votes.csv", "atelier-test-GOLDEN.json",
        ])
        #expect(TranscriptExporter.baseName(workshopID: "x", joinCode: "../A B") == "x----A-B")
    }

    @Test("The same session gives the same bytes, whether live or replayed from its database")
    func deterministic() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            let live = try ExportFixture.record(in: store)
            let replayed = try store.replay(session: ExportFixture.sessionID)
            #expect(ExportFixture.allFiles(of: live) == ExportFixture.allFiles(of: replayed))
            #expect(ExportFixture.allFiles(of: live) == ExportFixture.allFiles(of: try ExportFixture.state()))
        }
    }
}
