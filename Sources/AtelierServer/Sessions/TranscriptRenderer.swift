import AtelierCore
import AtelierProtocol

/// How the hub renders a session's transcript, for the `transcript` message, `/export` and
/// `/summary`. The executable supplies the organiser's export (`atelier export`), so the server
/// links no renderer and serves exactly what the command line writes.
public struct TranscriptRenderer: Sendable {
    /// Whom a transcript is for.
    public enum Audience: Sendable, Hashable {
        /// The organisers and moderators: the organiser's export as `atelier export` writes it by default.
        case organisers
        /// Anyone with the code, once the session has ended: without names nor organisations, in
        /// `language` (nil for the workshop's own).
        case participants(language: String?)
    }

    /// The formats `render` knows, in the order a refusal lists them.
    public var formats: [String]
    /// The formats of the participants' summary, the first by default.
    public var summaryFormats: [String]
    /// The languages a participants' summary is written in.
    public var summaryLanguages: [String]
    /// The files of `state`'s transcript in one of `formats` (one file, or several for CSV's tables).
    public var render: @Sendable (_ state: SessionState, _ format: String, _ audience: Audience) -> [ServerMessage.TranscriptFile]

    public init(
        formats: [String], summaryFormats: [String], summaryLanguages: [String],
        render: @escaping @Sendable (SessionState, String, Audience) -> [ServerMessage.TranscriptFile]
    ) {
        self.formats = formats
        self.summaryFormats = summaryFormats
        self.summaryLanguages = summaryLanguages
        self.render = render
    }

    /// `md, html, csv or json`: a list of choices for a refusal's sentence.
    static func choices(_ names: [String]) -> String {
        guard let last = names.last, names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }
}
