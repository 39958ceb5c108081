/// Text written by an organiser, either once for every language or per language code.
///
/// In a workshop file it is a plain string (`"Accueil"`) or an object keyed by language
/// (`{"fr": "Accueil", "nl": "Onthaal"}`); a plain string is stored under the empty key.
public struct LocalizedText: Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    /// Text by language code; the empty key holds text that serves every language.
    public var values: [String: String]

    /// Text that reads the same in every language.
    public init(_ text: String) { values = ["": text] }

    public init(stringLiteral text: String) { self.init(text) }

    /// Text given per language code.
    public init(translations: [String: String]) { values = translations }

    /// The text for `language`, else the language-neutral text, else the first of `fallbacks`
    /// that has one, else any text at all (the alphabetically first language, for stability).
    public func text(in language: String, fallbacks: [String] = []) -> String {
        key(in: language, fallbacks: fallbacks).flatMap { values[$0] } ?? ""
    }

    /// The key `text(in:fallbacks:)` reads (the empty key for the language-neutral text), nil when there is no text.
    public func key(in language: String, fallbacks: [String] = []) -> String? {
        if values[language] != nil { return language }
        if values[""] != nil { return "" }
        return fallbacks.first { values[$0] != nil } ?? values.keys.sorted().first
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let plain = try? container.decode(String.self) {
            values = ["": plain]
        } else {
            values = try container.decode([String: String].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1, let plain = values[""] {
            try container.encode(plain)
        } else {
            try container.encode(values)
        }
    }
}
