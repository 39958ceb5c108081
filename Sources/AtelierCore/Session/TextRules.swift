/// The longest texts people may write, in characters.
public enum TextLimits {
    public static let name = 80
    public static let organisation = 120
    public static let note = 500
    public static let comment = 500
    public static let clusterName = 80
    public static let promoted = 500
    public static let recommendation = 1000
    public static let announcement = 500
    /// Findings, introduction and conclusion: a few paragraphs.
    public static let synthesisProse = 4000
    public static let reservation = 1000
    /// The longest reconnect credential the engine stores.
    public static let credential = 256
}

/// Trims `text` and checks it shows something, is within `limit` characters and is free of
/// control characters and bidirectional controls.
///
/// `field` names the text in the refusal sentence ("The note is empty.").
func cleanText(_ text: String, field: String, limit: Int) throws(Refusal) -> String {
    let trimmed = text.trimmingWhitespace()
    if trimmed.isBlank { throw Refusal(.textEmpty, "The \(field) is empty.") }
    if trimmed.count > limit {
        throw Refusal(.textTooLong, "The \(field) is longer than \(limit) characters.")
    }
    for scalar in trimmed.unicodeScalars {
        if scalar != "\n" && scalar != "\t" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) {
            throw Refusal(.textControlCharacters, "The \(field) contains control characters.")
        }
        // Overrides, embeddings and isolates reorder what is shown, so a text could display
        // differently from what it says; the marks U+200E and U+200F only nudge neutral characters.
        if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
            let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
            let name = scalar.properties.name.map { " \($0)" } ?? ""
            throw Refusal(.textBidiControl,
                          "The \(field) contains \(code)\(name), a control that changes the order in which text is shown; remove it.")
        }
    }
    return trimmed
}

/// `text` with each of its translations cleaned by `cleanText`, each in one of `languages`
/// (the language-neutral text, the moderator's original, serves the languages not given).
func cleanText(_ text: LocalizedText, field: String, limit: Int, languages: [String]) throws(Refusal) -> LocalizedText {
    if text.values.isEmpty { throw Refusal(.textEmpty, "The \(field) is empty.") }
    var cleaned: [String: String] = [:]
    for (language, translation) in text.values.sorted(by: { $0.key < $1.key }) {
        guard language.isEmpty || languages.contains(language) else {
            throw Refusal(.textUnknownLanguage,
                          "The \(field) is given in \"\(language)\", which this workshop does not offer; use one of: \(languages.joined(separator: ", ")).")
        }
        cleaned[language] = try cleanText(translation, field: field, limit: limit)
    }
    return LocalizedText(translations: cleaned)
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// Whether the string shows nothing: only whitespace and characters that render invisibly
    /// (zero-width spaces and joiners, word joiner, byte order mark, soft hyphen, fillers).
    var isBlank: Bool {
        unicodeScalars.allSatisfy { scalar in
            let properties = scalar.properties
            return properties.isWhitespace || properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format
        }
    }
}
