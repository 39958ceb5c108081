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
            if line.hasPrefix("#") { break }
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
        for (item, block) in zip(transcript.recommendations.items, blocks) {
            #expect(block.filter { $0.contains("Sources") }.count == 1, "\(block)")
            let texts = Set(item.sources.compactMap(\.text) + item.sources.flatMap(\.notes).map(\.text))
            for text in texts { #expect(block.filter { $0.contains(text) }.count == 1, "\(text) in \(block)") }
        }
        let html = try #require(TranscriptExporter.render(transcript, format: .html).first).text
        let withSources = transcript.recommendations.items.filter { !$0.sources.isEmpty }.count
        #expect(html.components(separatedBy: "<p class=\"sources\">").count - 1 == withSources)
    }
}
