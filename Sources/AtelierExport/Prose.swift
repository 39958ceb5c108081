/// The Markdown organisers may write in the synthesis's prose (findings, introduction, conclusion): paragraphs,
/// bulleted lists (`- ` or `* `), `**strong**` and `*emphasis*`.
///
/// Anything else stays the text it is: a heading, a link or HTML in it is written out as typed, so prose can
/// neither break the document's outline nor put markup from people into a page. Both the Markdown and the HTML
/// renderers write prose from this one reading.
struct Prose {
    enum Inline: Hashable {
        case text(String), strong(String), emphasis(String)
    }

    enum Block: Hashable {
        /// Lines of one paragraph, kept as written: a single line break is a soft one.
        case paragraph([[Inline]])
        /// Items of a bulleted list.
        case list([[Inline]])
    }

    let blocks: [Block]

    init(_ source: String) {
        var blocks: [Block] = []
        var lines: [[Inline]] = []
        var items: [[Inline]] = []
        func flush() {
            if !lines.isEmpty { blocks.append(.paragraph(lines)) }
            if !items.isEmpty { blocks.append(.list(items)) }
            (lines, items) = ([], [])
        }
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingWhitespace
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !lines.isEmpty { flush() }
                items.append(Self.inlines(String(line.dropFirst(2)).trimmingWhitespace))
            } else if !items.isEmpty, raw.first == " " {
                // An indented line goes on the list item above it.
                items[items.count - 1] += [.text(" ")] + Self.inlines(line)
            } else {
                if !items.isEmpty { flush() }
                lines.append(Self.inlines(line))
            }
        }
        flush()
        self.blocks = blocks
    }

    /// The prose as Markdown, each text run through `escape` so only the subset's own marks are syntax.
    func markdown(escape: @escaping (String) -> String) -> String {
        let line = { (inlines: [Inline]) in
            inlines.map { inline -> String in
                switch inline {
                case .text(let text): escape(text)
                case .strong(let text): "**\(escape(text))**"
                case .emphasis(let text): "*\(escape(text))*"
                }
            }.joined()
        }
        return blocks.map { block in
            switch block {
            case .paragraph(let lines): lines.map(line).joined(separator: "\n")
            case .list(let items): items.map { "- " + line($0) }.joined(separator: "\n")
            }
        }.joined(separator: "\n\n")
    }

    /// The prose as HTML, every text escaped.
    func html() -> String {
        let line = { (inlines: [Inline]) in
            inlines.map { inline -> String in
                switch inline {
                case .text(let text): AtelierExport.escape(text)
                case .strong(let text): "<strong>\(AtelierExport.escape(text))</strong>"
                case .emphasis(let text): "<em>\(AtelierExport.escape(text))</em>"
                }
            }.joined()
        }
        return blocks.map { block in
            switch block {
            case .paragraph(let lines): "<p>" + lines.map(line).joined(separator: "\n") + "</p>\n"
            case .list(let items): "<ul>\n" + items.map { "<li>\(line($0))</li>\n" }.joined() + "</ul>\n"
            }
        }.joined()
    }

    /// A line's `**strong**` and `*emphasis*` runs; a mark that does not open and close around text is text.
    private static func inlines(_ line: String) -> [Inline] {
        var result: [Inline] = []
        var plain = ""
        var rest = Substring(line)
        while let first = rest.first {
            let mark = rest.hasPrefix("**") ? "**" : (first == "*" ? "*" : nil)
            if let mark, let run = run(after: mark, in: rest) {
                if !plain.isEmpty { result.append(.text(plain)) }
                plain = ""
                result.append(mark == "**" ? .strong(String(run)) : .emphasis(String(run)))
                rest = rest[run.endIndex...].dropFirst(mark.count)
            } else {
                plain.append(first)
                rest = rest.dropFirst()
            }
        }
        if !plain.isEmpty { result.append(.text(plain)) }
        return result
    }

    /// The text between `mark` at the start of `text` and its closing `mark`, when it neither starts nor ends with a space.
    private static func run(after mark: String, in text: Substring) -> Substring? {
        let inner = text.dropFirst(mark.count)
        guard let close = inner.indices.first(where: { inner[$0...].hasPrefix(mark) }), close > inner.startIndex else { return nil }
        let run = inner[..<close]
        guard run.first?.isWhitespace == false, run.last?.isWhitespace == false, !run.contains("*") else { return nil }
        return run
    }
}

extension StringProtocol {
    /// The text without spaces and tabs at either end.
    var trimmingWhitespace: String {
        let kept = drop { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(kept.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
