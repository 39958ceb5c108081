/// Text helpers for a terminal: what is safe to print and how many columns it takes.
public enum ConsoleText {
    /// `text` with control characters (escape sequences included) replaced, so that what
    /// participants write can never move the cursor or change colours. Newlines become spaces.
    public static func sanitized(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D, 0x09: result.unicodeScalars.append(" ")
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                result.unicodeScalars.append("?")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Columns a character takes: 2 for wide East Asian characters and emoji, 0 for combining marks.
    public static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let value = first.value
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark {
            return 0
        }
        if (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1FAFF).contains(value) || (0x20000...0x3FFFD).contains(value) {
            return 2
        }
        return 1
    }

    /// Columns `text` takes.
    public static func width(of text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// `text` cut to at most `columns`, ending with `…` when something was cut.
    public static func truncated(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(of: text) <= columns { return text }
        return prefix(text, columns: columns - 1) + "…"
    }

    /// The longest start of `text` that fits in `columns`.
    public static func prefix(_ text: String, columns: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let w = width(of: character)
            if used + w > columns { break }
            result.append(character)
            used += w
        }
        return result
    }

    /// `text` in lines of at most `columns`, broken at spaces (a word longer than a line is cut).
    public static func wrapped(_ text: String, to columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ").map(String.init) {
            var word = word
            if !line.isEmpty, width(of: line) + 1 + width(of: word) <= columns {
                line += " " + word
                continue
            }
            if !line.isEmpty { lines.append(line) }
            while width(of: word) > columns {
                let head = prefix(word, columns: columns)
                lines.append(head)
                word.removeFirst(head.count)
            }
            line = word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` cut or padded with spaces to exactly `columns`.
    public static func fitted(_ text: String, to columns: Int, alignRight: Bool = false) -> String {
        let cut = truncated(text, to: columns)
        let padding = String(repeating: " ", count: max(0, columns - width(of: cut)))
        return alignRight ? padding + cut : cut + padding
    }
}
