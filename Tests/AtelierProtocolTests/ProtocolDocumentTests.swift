import AtelierCore
import AtelierProtocol
import AtelierWire
import Foundation
import Testing

/// docs/PROTOCOL.md and the participant page follow the module: every kind of message and every
/// error code is documented, the page handles every kind the server sends or says why it ignores
/// it, and every code it matches or has a text for is one that is given.
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

    /// Every code an error can carry: the protocol's, the rules' refusals and the wire's.
    static let typedCodes: Set<String> = Set(ErrorCode.allCases.map(\.rawValue))
        .union(Refusal.Code.allCases.map(\.rawValue)).union(WireError.Code.allCases.map(\.rawValue))

    /// The participant page's scripts, views included.
    static func pageScripts() throws -> String {
        let folder = root.appendingPathComponent("Web/js")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path))
        var text = ""
        for case let file as String in files where file.hasSuffix(".js") {
            text += try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        }
        return text
    }

    /// The codes the page gives its own requests when no answer can come (`new RequestError('…'`).
    static func pageOwnCodes() throws -> Set<String> {
        Set(try pageScripts().matches(of: /new RequestError\('([a-z]+\.[A-Za-z]+)'/).map { String($0.1) })
    }

    @Test func theProtocolDocumentSaysWhenEveryErrorCodeIsGiven() throws {
        let errors = Self.section(of: try Self.read("docs/PROTOCOL.md"), from: "### Error", to: "### Event")
        let rows = errors.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let listed = Set(rows.compactMap { Self.codeSpans($0.split(separator: "|").first ?? "").first })
        let given = Set(ErrorCode.allCases.map(\.rawValue)).union(Refusal.Code.allCases.map(\.rawValue)).union(try Self.pageOwnCodes())
        #expect(given.subtracting(listed).sorted() == [])
        // The wire's codes are grouped by family (`json.*`, `field.*`), each named in its row.
        #expect(WireError.Code.allCases.map(\.rawValue).filter { !Self.codeSpans(errors).contains($0) } == [])
        let known = Self.typedCodes.union(try Self.pageOwnCodes()).union(["json.*", "field.*"])
        #expect(listed.subtracting(known).sorted() == [])
    }

    @Test func everyCodeThePageMatchesOrHasATextForIsACodeThatIsGiven() throws {
        let scripts = try Self.pageScripts()
        var codes = Set(scripts.matches(of: /code\s*[!=]==\s*'([a-z]+\.[A-Za-z]+)'/).map { String($0.1) })
        for list in scripts.matches(of: /\[([^\]]*)\]\.includes\([\w.?]*code\)/) {
            codes.formUnion(list.1.matches(of: /'([a-z]+\.[A-Za-z]+)'/).map { String($0.1) })
        }
        #expect(!codes.isEmpty)
        let catalogs = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Web/i18n").path)
        for catalog in catalogs where catalog.hasSuffix(".json") {
            let data = try Data(contentsOf: Self.root.appendingPathComponent("Web/i18n/\(catalog)"))
            let texts = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            codes.formUnion(texts.keys.filter { $0.hasPrefix("error.") && $0 != "error.generic" }.map { String($0.dropFirst("error.".count)) })
        }
        #expect(codes.subtracting(Self.typedCodes.union(try Self.pageOwnCodes())).sorted() == [])
    }
}
