/// Choices an organiser makes when exporting a transcript.
public struct TranscriptOptions: Sendable, Hashable {
    /// Whether to print participants' names and organisations next to what they wrote.
    /// Off by default: a transcript is shared, and people spoke under their role.
    /// Anonymous notes stay unattributed either way.
    public var names: Bool
    /// Whether attendance lists the organisations present. The participants' summary leaves them
    /// out: an organisation one person came from names that person.
    public var organisations: Bool
    /// Language of headings and workshop texts; nil for the workshop's own language.
    public var language: String?

    /// Options for a transcript without names, in the workshop's language unless told otherwise.
    public init(names: Bool = false, organisations: Bool = true, language: String? = nil) {
        self.names = names
        self.organisations = organisations
        self.language = language
    }
}
