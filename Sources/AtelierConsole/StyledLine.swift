/// How a piece of the screen is drawn. Only a hint: without colour (`NO_COLOR`) every style is plain
/// text, so nothing on the screen may depend on colour alone.
public enum Style: Hashable, Sendable {
    case plain, dim, bold, title, current, good, warning, bad, input

    /// The SGR parameters of the style.
    var sgr: String {
        switch self {
        case .plain: "0"
        case .dim: "0;2"
        case .bold: "0;1"
        case .title: "0;1;7"
        case .current: "0;1;36"
        case .good: "0;32"
        case .warning: "0;1;33"
        case .bad: "0;1;31"
        case .input: "0;1"
        }
    }
}

/// One screen line as styled pieces of text.
public struct StyledLine: Hashable, Sendable {
    /// The pieces in order.
    public var spans: [(text: String, style: Style)] = []

    /// An empty line.
    public init() {}

    /// A line of one piece.
    public init(_ text: String, _ style: Style = .plain) { spans = [(text, style)] }

    /// Adds a piece.
    public mutating func append(_ text: String, _ style: Style = .plain) {
        if !text.isEmpty { spans.append((text, style)) }
    }

    /// The text without styles.
    public var text: String { spans.map(\.text).joined() }

    /// Columns the line takes.
    public var width: Int { ConsoleText.width(of: text) }

    /// The line cut or padded to exactly `columns`; the padding takes the last piece's style
    /// when `fillStyle` is nil.
    public func fitted(to columns: Int, fillStyle: Style? = nil) -> StyledLine {
        var result = StyledLine()
        guard columns > 0 else { return result }
        let total = width
        if total <= columns {
            result.spans = spans
            if total < columns {
                result.append(String(repeating: " ", count: columns - total), fillStyle ?? spans.last?.style ?? .plain)
            }
            return result
        }
        var budget = columns - 1
        var lastStyle = spans.first?.style ?? .plain
        for span in spans {
            lastStyle = span.style
            let spanWidth = ConsoleText.width(of: span.text)
            if spanWidth <= budget {
                result.append(span.text, span.style)
                budget -= spanWidth
            } else {
                let cut = ConsoleText.prefix(span.text, columns: budget)
                result.append(cut, span.style)
                budget -= ConsoleText.width(of: cut)
                break
            }
        }
        result.append("…" + String(repeating: " ", count: budget), lastStyle)
        return result
    }

    /// The line as terminal output: with SGR sequences when `colour`, plain text otherwise.
    public func rendered(colour: Bool) -> String {
        guard colour else { return text }
        var output = ""
        var current: Style?
        for span in spans {
            if span.style != current {
                output += "\u{1B}[\(span.style.sgr)m"
                current = span.style
            }
            output += span.text
        }
        if current != nil && current != .plain { output += "\u{1B}[0m" }
        return output
    }

    public static func == (lhs: StyledLine, rhs: StyledLine) -> Bool {
        lhs.spans.count == rhs.spans.count && zip(lhs.spans, rhs.spans).allSatisfy { $0.text == $1.text && $0.style == $1.style }
    }

    public func hash(into hasher: inout Hasher) {
        for span in spans { hasher.combine(span.text); hasher.combine(span.style) }
    }
}
