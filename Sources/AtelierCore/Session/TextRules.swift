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
    /// The longest reconnect credential the engine stores.
    public static let credential = 256
}

/// Trims `text` and checks it is non-empty, within `limit` characters and free of control characters.
///
/// `field` names the text in the refusal sentence ("The note is empty.").
func cleanText(_ text: String, field: String, limit: Int) throws(Refusal) -> String {
    let trimmed = text.trimmingWhitespace()
    if trimmed.isEmpty { throw Refusal(.textEmpty, "The \(field) is empty.") }
    if trimmed.count > limit {
        throw Refusal(.textTooLong, "The \(field) is longer than \(limit) characters.")
    }
    let control = trimmed.unicodeScalars.contains { scalar in
        scalar != "\n" && scalar != "\t" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
    }
    if control { throw Refusal(.textControlCharacters, "The \(field) contains control characters.") }
    return trimmed
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
