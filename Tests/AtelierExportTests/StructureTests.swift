import AtelierCore
import AtelierExport
import Testing

@Suite struct StructureTests {
    /// The Markdown lines of each recommendation, from its `- **rank.**` line to the next.
    private func recommendationBlocks(_ markdown: String) -> [[Substring]] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "## Mesures préconisées") else { return [] }
        var blocks: [[Substring]] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("## ") { break }
            if line.hasPrefix("- **") { blocks.append([line]) } else if line.hasPrefix("  "), !blocks.isEmpty { blocks[blocks.count - 1].append(line) }
        }
        return blocks
    }

    @Test("Each recommendation says Sources once and cites each source text once, in Markdown and in HTML")
    func sourcesCitedOnce() throws {
        let state = try ExportFixture.state()
        let transcript = Transcript(state: state)
        let markdown = try #require(TranscriptExporter.render(transcript, format: .md).first).text
        let blocks = recommendationBlocks(markdown)
        #expect(blocks.count == transcript.recommendations.items.count)
        for item in transcript.recommendations.items {
            let block = try #require(blocks.first { $0[0].contains(item.text) }, "\(item.text)")
            #expect(block.filter { $0.contains("Sources") }.count == 1, "\(block)")
            let texts = Set(item.sources.compactMap(\.text) + item.sources.flatMap(\.notes).map(\.text))
            for text in texts { #expect(block.filter { $0.contains(text) }.count == 1, "\(text) in \(block)") }
        }
        let html = try #require(TranscriptExporter.render(transcript, format: .html).first).text
        let withSources = transcript.recommendations.items.filter { !$0.sources.isEmpty }.count
        #expect(html.components(separatedBy: "<p class=\"sources\">").count - 1 == withSources)
    }

    private func headings(_ markdown: String, level: Int) -> [String] {
        let marker = String(repeating: "#", count: level) + " "
        return markdown.split(separator: "\n").filter { $0.hasPrefix(marker) }.map { String($0.dropFirst(marker.count)) }
    }

    @Test("The Markdown reads as the published synthesis: context, participants, programme, findings, recommendations, then the annex")
    func markdownSections() throws {
        let transcript = Transcript(state: try ExportFixture.state())
        let markdown = try #require(TranscriptExporter.render(transcript, format: .md).first).text
        #expect(headings(markdown, level: 2) == ["Contexte", "Participants", "Programme tel que déroulé", "État des lieux",
                                                 "Mesures préconisées", "Annexe"])
        let annex = try #require(markdown.range(of: "\n## Annexe\n"))
        #expect(Array(headings(String(markdown[annex.upperBound...]), level: 3).suffix(3))
                == ["Notes des salles", "Commentaires", "Votes par rôle"])
        let body = markdown[..<annex.lowerBound]
        #expect(!body.contains("Votes par rôle") && !body.contains("Résultats du vote"), "raw material stays in the annex")
        #expect(body.contains("*Pas encore rédigé : "))
    }

    @Test("Each theme's findings default to its three most voted texts, each once, and its facilitator's named groups")
    func findingsDefault() throws {
        let transcript = Transcript(state: try ExportFixture.state())
        #expect(transcript.findings.map(\.boards) == transcript.boards.map { [$0.board] }, "one theme per room, a plenary board its own")
        for (findings, board) in zip(transcript.findings, transcript.boards) {
            let ranking = board.votes.first?.ranking ?? []
            #expect(findings.mostVoted.count == min(3, Set(ranking.filter { $0.dots > 0 }.map(\.text)).count))
            #expect(Set(findings.mostVoted.map(\.text)).count == findings.mostVoted.count)
            #expect(findings.mostVoted.map(\.dots) == findings.mostVoted.map(\.dots).sorted(by: >))
            #expect(findings.mostVoted.first == ranking.first)
            #expect(findings.groups.map(\.name) == board.clusters.compactMap(\.name))
            #expect(findings.groups.map(\.notes) == board.clusters.filter { $0.name != nil }.map(\.notes.count))
        }
        #expect(transcript.findings.contains { !$0.mostVoted.isEmpty && !$0.groups.isEmpty })
    }

    @Test("Recommendations are grouped under their theme's heading, each theme once, in the order of its best ranked one")
    func recommendationsByTheme() throws {
        let transcript = Transcript(state: try ExportFixture.state())
        let markdown = try #require(TranscriptExporter.render(transcript, format: .md).first).text
        let start = try #require(markdown.range(of: "## Mesures préconisées")), end = try #require(markdown.range(of: "## Annexe"))
        let section = String(markdown[start.upperBound..<end.lowerBound])
        var themes: [String] = []
        for item in transcript.recommendations.items where !themes.contains(item.theme ?? "") { themes.append(item.theme ?? "") }
        #expect(headings(section, level: 3) == themes.map { $0.replacingOccurrences(of: "<", with: "\\<") })
        #expect(themes.count > 1)
    }

    @Test("A slot that ran twice is one row of the programme, with each run and the time in all")
    func slotRunTwice() throws {
        var transcript = Transcript(state: try ExportFixture.state())
        let index = try #require(transcript.agenda.firstIndex { $0.runs.count == 1 })
        var again = transcript.agenda[index].runs[0]
        (again.start, again.end, again.minutes, again.extendedMinutes) = ("23:00", "23:07", 7, 0)
        transcript.agenda[index].runs.append(again)
        let total = try #require(transcript.agenda[index].runs[0].minutes) + 7
        let title = transcript.agenda[index].title
        let markdown = try #require(TranscriptExporter.render(transcript, format: .md).first).text
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| \(title) |") }
        #expect(rows.count == 1)
        #expect(rows.first?.contains("23:00–23:07 (\(total) min au total)") == true)
        let html = try #require(TranscriptExporter.render(transcript, format: .html).first).text
        #expect(html.components(separatedBy: "<td>\(title) <span").count - 1 == 1)
        #expect(html.contains("(\(total) min au total)"))
    }

    @Test("The HTML page has the same sections in the same order, the raw material inside the annex")
    func htmlSections() throws {
        let html = try #require(TranscriptExporter.render(state: try ExportFixture.state(), format: .html).first).text
        let ids = ["context", "participants", "agenda", "findings", "recommendations", "annex", "room-notes", "quotes", "votes"]
        let positions = try ids.map { try #require(html.range(of: "<section id=\"\($0)\">"), "\($0)").lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test("The office document's Markdown names each vote's chart picture and numbers its role columns as the chart's legend does")
    func officeSourceCarriesCharts() throws {
        let transcript = Transcript(state: try ExportFixture.state())
        let (bytes, charts) = TranscriptExporter.officeSource(transcript)
        let markdown = String(decoding: bytes, as: UTF8.self)
        #expect(charts.map(\.fileName) == transcript.votes.map { "chart-\($0.id).svg" })
        #expect(charts.allSatisfy { $0.text.hasPrefix("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"") })
        for chart in charts { #expect(markdown.components(separatedBy: "](\(chart.fileName))").count - 1 == 1) }
        #expect(markdown.contains("| Rang | Proposition | Salle | Total | 1 | 2 | 3 |"))
        #expect(!markdown.contains("| Élu·e (2) |"))
    }

    @Test("The JSON export carries the findings before the boards the annex is made of")
    func jsonFindings() throws {
        let json = try #require(TranscriptExporter.render(state: try ExportFixture.state(), format: .json).first).text
        let findings = try #require(json.range(of: "\n  \"findings\": ["))
        let boards = try #require(json.range(of: "\n  \"boards\": ["))
        #expect(findings.lowerBound < boards.lowerBound)
        #expect(json.contains("\"mostVoted\": ["))
    }
}
