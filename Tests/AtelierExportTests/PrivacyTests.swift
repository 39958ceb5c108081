import AtelierCore
import AtelierExport
import Testing

@Suite struct PrivacyTests {
    @Test("The default export holds no participant's name, in any format")
    func defaultExportNamesNobody() throws {
        let state = try ExportFixture.state()
        let names = state.participants.values.map(\.name)
        #expect(names.count == ExportFixture.participants + 1)
        for file in ExportFixture.allFiles(of: state) {
            for name in names { #expect(!file.text.contains(name), "\(file.fileName) contains \(name)") }
        }
    }

    @Test("The default export attributes by role only: no name and no organisation next to a text")
    func defaultAttributionIsRoleOnly() throws {
        let transcript = Transcript(state: try ExportFixture.state())
        let attributions = transcript.attributions
        #expect(!attributions.isEmpty)
        #expect(attributions.allSatisfy { $0.name == nil && $0.organisation == nil && !$0.role.label.isEmpty })
        #expect(!transcript.attendance.organisations.isEmpty, "the organisations present are listed, unattached")
    }

    @Test("--names puts every author's name and organisation in every format")
    func namesOption() throws {
        let state = try ExportFixture.state()
        let authors = Set(state.notes.values.filter { !$0.anonymous }.compactMap(\.author)
            + state.comments.values.map(\.author)).compactMap { state.participants[$0] }
        #expect(authors.count >= 3)
        let files = ExportFixture.allFiles(of: state, options: TranscriptOptions(names: true))
        for format in ["md", "html", "json"] {
            let file = try #require(files.first { $0.fileName.hasSuffix(".\(format)") })
            for author in authors {
                #expect(file.text.contains(author.name), "\(file.fileName) lacks \(author.name)")
                #expect(file.text.contains(author.organisation ?? "?"), "\(file.fileName) lacks \(author.organisation ?? "")")
            }
        }
        let csv = files.filter { $0.fileName.hasSuffix("-notes.csv") || $0.fileName.hasSuffix("-comments.csv") }
            .map(\.text).joined()
        for author in authors { #expect(csv.contains(author.name)) }
    }

    @Test("Anonymous notes are never attributed, even with --names")
    func anonymousNotesStayAnonymous() throws {
        let state = try ExportFixture.state()
        let anonymous = state.notes.values.filter(\.anonymous)
        #expect(!anonymous.isEmpty)
        let transcript = Transcript(state: state, options: TranscriptOptions(names: true))
        let lines = transcript.boards.flatMap { $0.clusters.flatMap(\.notes) + $0.ungrouped.flatMap(\.notes) }
        for note in anonymous {
            let line = try #require(lines.first { $0.id == note.id })
            #expect(line.anonymous && line.attribution == nil)
        }
        let notesCSV = try #require(TranscriptExporter.render(transcript, format: .csv).first { $0.fileName.hasSuffix("-notes.csv") })
        let rows = notesCSV.text.split(separator: "\r\n").filter { $0.contains(",oui,,,,") }
        #expect(rows.count == anonymous.count, "anonymous rows have empty role, name and organisation")
        let markdown = try #require(TranscriptExporter.render(transcript, format: .md).first).text
        for note in anonymous {
            let author = try #require(note.author.flatMap { state.participants[$0] })
            let lines = markdown.split(separator: "\n").filter { $0.hasPrefix("- \(note.text)") && $0.contains("*anonyme*") }
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { !$0.contains(author.name) })
        }
    }
}

extension Transcript {
    /// Every attribution the transcript prints: notes, comments and quotes.
    var attributions: [Attribution] {
        let notes = boards.flatMap { $0.clusters.flatMap(\.notes) + $0.ungrouped.flatMap(\.notes) }
        return notes.compactMap(\.attribution) + notes.flatMap(\.comments).compactMap(\.attribution)
            + quotes.compactMap(\.attribution)
    }
}
