import AtelierCore
import AtelierExport
import AtelierWire
import Foundation
import Testing

/// What people type reaches every format as the same words, never as markup or formulas.
@Suite struct EscapingTests {
    static let script = "<script>alert(\"x\")</script> & *gras* | fin\nligne 2"
    static let formula = "=HYPERLINK(\"http://exemple.invalid\", \"clic\")"

    /// The fixture session with two hostile notes added on a room's board.
    func hostileState() throws -> SessionState {
        var state = try ExportFixture.state()
        let board = BoardID(slot: "labs", room: "nuit")
        let author = try #require(state.participants.values.first { !$0.isModerator }).id
        for (offset, text) in [Self.script, Self.formula].enumerated() {
            state.apply(.noteAdded(
                id: "n\(900 + offset)", board: board, prompt: "constat", author: author, text: text, colour: .pink,
                anonymous: false, at: ExportFixture.start.adding(seconds: 7200 + Int64(offset))))
        }
        return state
    }

    private func file(_ format: TranscriptFormat, suffix: String = "", of state: SessionState) throws -> String {
        try #require(TranscriptExporter.render(state: state, format: format).first { $0.fileName.hasSuffix(suffix) }).text
    }

    @Test("HTML escapes every user text and keeps line breaks")
    func html() throws {
        let html = try file(.html, of: hostileState())
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; *gras* | fin<br>ligne 2"))
        #expect(html.contains("Réseau &lt;test&gt; &amp; partenaires"))
    }

    @Test("Markdown escapes syntax so the text reads as written")
    func markdown() throws {
        let markdown = try file(.md, of: hostileState())
        #expect(markdown.contains("\\<script>alert(\"x\")\\</script> & \\*gras\\* \\| fin<br>ligne 2"))
        #expect(markdown.components(separatedBy: "<script>").count == markdown.components(separatedBy: "\\<script>").count,
                "every tag is escaped")
    }

    @Test("CSV quotes fields with commas, quotes and line breaks, and defuses formulas")
    func csv() throws {
        let csv = try file(.csv, suffix: "-notes.csv", of: hostileState())
        #expect(csv.utf8.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(csv.contains(",\"<script>alert(\"\"x\"\")</script> & *gras* | fin\nligne 2\","))
        #expect(csv.contains(",\"'=HYPERLINK(\"\"http://exemple.invalid\"\", \"\"clic\"\")\","))
        let rows = csv.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(rows.last == "" && rows.dropLast().allSatisfy { !$0.isEmpty })
    }

    @Test("JSON carries the text unchanged")
    func json() throws {
        let json = try JSONValue.parse(try file(.json, of: hostileState()))
        #expect(json.contains(string: Self.script) && json.contains(string: Self.formula))
    }
}

extension JSONValue {
    /// Whether `string` appears as a string value anywhere in the tree.
    func contains(string: String) -> Bool {
        switch self {
        case .string(let value): value == string
        case .array(let values): values.contains { $0.contains(string: string) }
        case .object(let object): object.contains { $0.value.contains(string: string) }
        default: false
        }
    }
}
