import AtelierProtocol
import Foundation
import Testing

/// docs/PROTOCOL.md and the participant page follow the module: every kind of message is
/// documented, and the page handles every kind the server sends or says why it ignores it.
@Suite struct ProtocolDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The text of `document` from the line starting with `start` to the next line starting with `end`.
    static func section(of document: String, from start: String, to end: String) -> String {
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return "" }
        let last = lines[(first + 1)...].firstIndex { $0.hasPrefix(end) } ?? lines.endIndex
        return lines[first..<last].joined(separator: "\n")
    }

    /// Every `code span` in `text`.
    static func codeSpans(_ text: some StringProtocol) -> Set<String> {
        Set(text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }

    @Test func theProtocolDocumentListsEveryKindOfClientMessageInItsTable() throws {
        let clients = Self.section(of: try Self.read("docs/PROTOCOL.md"), from: "## Client → server", to: "### Commands")
        let rows = clients.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let keys = rows.compactMap { Self.codeSpans($0.split(separator: "|").first ?? "").first }
        #expect(Set(keys) == Set(ClientMessage.kinds))
        #expect(keys.count == ClientMessage.kinds.count)
    }

    @Test func theProtocolDocumentNamesEveryKindOfServerMessageByItsFirstKey() throws {
        let servers = Self.section(of: try Self.read("docs/PROTOCOL.md"), from: "## Server → client", to: "### Ack")
        let sentence = try #require(servers.split(separator: "\n").first { $0.contains("told apart by their first key") })
        #expect(Self.codeSpans(sentence) == Set(ServerMessage.Kind.allCases.map(\.rawValue)))
    }

    @Test func thePageHandlesEveryKindOfServerMessageOrSaysWhyItIgnoresIt() throws {
        let page = try Self.read("Web/js/connection.js") + Self.read("Web/js/session.js")
        for kind in ServerMessage.Kind.allCases.map(\.rawValue) {
            let handled = page.contains("'\(kind)' in message") || page.contains("message.\(kind)")
            let ignored = page.contains("// Ignored: `\(kind)`")
            #expect(handled != ignored, "\(kind): handled \(handled), ignored \(ignored)")
        }
    }
}
