/// A vote round as an inline SVG bar chart: one bar per item with dots, split into one segment
/// per role, with the roles' legend below, numbered as the columns of the table under the chart. Sized in a fixed view box, so it scales to the page.
struct VoteChart {
    let vote: Transcript.VoteSection
    let words: Vocabulary

    private static let width = 760
    private static let labelWidth = 330
    private static let rowHeight = 24
    private static let legendRowHeight = 20

    /// Colour-blind-safe palette (Okabe–Ito, then Tol), one colour per role in the round's order.
    private static let palette = [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#332288", "#999999", "#882255",
    ]

    /// The colour of a bar that is not split by role.
    private static let totalColour = "#5b6472"

    /// The colour of the role at `index`, shared by the chart and the table under it.
    static func colour(_ index: Int) -> String { palette[index % palette.count] }

    func svg() -> String {
        let items = vote.items.filter { $0.dots > 0 }
        guard !items.isEmpty else { return "" }
        let maxDots = items.map(\.dots).max() ?? 1
        let barSpace = Double(Self.width - Self.labelWidth - 50)
        let legendColumns = 2
        let legendRows = (vote.roles.count + legendColumns - 1) / legendColumns
        let chartHeight = items.count * Self.rowHeight
        let height = chartHeight + 16 + legendRows * Self.legendRowHeight
        let title = "\(vote.slotTitle) — \(words.scopes[vote.scope] ?? vote.scope)"
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.width) \(height)\" "
        out += "role=\"img\" aria-label=\"\(escape(title))\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"12\">\n"
        out += "<title>\(escape(title))</title>\n"
        for (row, item) in items.enumerated() {
            let y = row * Self.rowHeight
            out += "<g>\n<title>\(escape(item.text)) — \(escape(words.dotCount(item.dots)))</title>\n"
            out += "<text x=\"\(Self.labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" fill=\"#1d2430\">"
                + "\(item.rank). \(escape(Self.shortened(item.text, to: 46)))</text>\n"
            var x = Double(Self.labelWidth)
            // Without a breakdown by role (too few people in "other roles"), one plain bar for the total.
            let segments = vote.roles.isEmpty
                ? [(colour: Self.totalColour, label: words.total, dots: item.dots)]
                : item.byRole.enumerated().map { (colour: Self.colour($0.offset), label: vote.roles[$0.offset].role.label, dots: $0.element) }
            for segment in segments where segment.dots > 0 {
                let length = barSpace * Double(segment.dots) / Double(maxDots)
                out += "<rect x=\"\(Self.number(x))\" y=\"\(y + 4)\" width=\"\(Self.number(length))\" height=\"\(Self.rowHeight - 8)\" "
                    + "fill=\"\(segment.colour)\"><title>\(escape(segment.label))\(escape(words.colon))\(segment.dots)</title></rect>\n"
                x += length
            }
            out += "<text x=\"\(Self.number(x + 6))\" y=\"\(y + 16)\" fill=\"#1d2430\" font-weight=\"bold\">\(item.dots)</text>\n</g>\n"
        }
        for (index, role) in vote.roles.enumerated() {
            let x = (index % legendColumns) * (Self.width / legendColumns)
            let y = chartHeight + 16 + (index / legendColumns) * Self.legendRowHeight
            out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(Self.colour(index))\"/>"
            out += "<text x=\"\(x + 18)\" y=\"\(y + 11)\" fill=\"#5b6472\">\(index + 1). \(escape(Self.shortened(role.role.label, to: 50))) (\(role.voters))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// `text` cut to `limit` characters with an ellipsis; the full text is in the bar's tooltip and the table.
    static func shortened(_ text: String, to limit: Int) -> String {
        let flat = String(text.map { $0.isNewline ? " " : $0 })
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }

    /// A coordinate with one decimal, written the same on every machine.
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}
