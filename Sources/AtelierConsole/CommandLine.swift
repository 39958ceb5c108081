/// A word of a console command line, with where it stands in the line.
public struct Word: Hashable, Sendable {
    /// The word without its quotes.
    public var text: String
    /// Where the word starts in the line (its opening quote, if any).
    public var start: String.Index
    /// Just past the word's end.
    public var end: String.Index
    /// Whether the word was written in quotes.
    public var quoted: Bool
}

/// Splitting a command line into words: spaces separate, `"…"` and `'…'` keep spaces inside.
///
/// Lines are natural text, French included: a quote opens only where a word (or an `xx:` prefix)
/// starts, and closes only where a word ends, so `l'accueil` and `aujourd'hui` are plain words and
/// `'l'accueil des jeunes'` is one quoted word. « Guillemets » are text.
public enum CommandLineWords {
    /// The words of `line`. An unfinished quote runs to the end of the line.
    public static func split(_ line: String) -> [Word] {
        var words: [Word] = []
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == " " || character == "\t" {
                index = line.index(after: index)
                continue
            }
            let start = index
            var text = ""
            var quoted = false
            while index < line.endIndex, line[index] != " ", line[index] != "\t" {
                let current = line[index]
                if current == "\"" || current == "'", !(text.last.map(isWordCharacter) ?? false) {
                    quoted = true
                    index = line.index(after: index)
                    while index < line.endIndex {
                        let next = line.index(after: index)
                        if line[index] == current, next == line.endIndex || !isWordCharacter(line[next]) { break }
                        text.append(line[index])
                        index = next
                    }
                    if index < line.endIndex { index = line.index(after: index) }
                } else {
                    text.append(current)
                    index = line.index(after: index)
                }
            }
            words.append(Word(text: text, start: start, end: index, quoted: quoted))
        }
        return words
    }

    /// A letter or digit: a quote beside one is an apostrophe or a quote inside a word.
    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    /// A word as it must be typed: quoted when it holds spaces or quotes.
    public static func quotedIfNeeded(_ text: String) -> String {
        guard text.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\t" }) || text.isEmpty else { return text }
        return text.contains("\"") ? "'\(text)'" : "\"\(text)\""
    }
}
