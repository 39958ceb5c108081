/// The forms a transcript is written in.
public enum TranscriptFormat: String, Sendable, Hashable, CaseIterable {
    /// Markdown, for reading and editing.
    case md
    /// One self-contained printable HTML page with inline SVG charts.
    case html
    /// Three spreadsheet tables: notes, comments and votes.
    case csv
    /// The whole `Transcript` structure, for other tools.
    case json

    /// The `Content-Type` a server sends the format's files with.
    public var mediaType: String {
        switch self {
        case .md: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json"
        }
    }
}

/// One file of an export: its name (no folder) and its bytes.
public struct TranscriptFile: Sendable, Hashable {
    /// `befus-25-ans-K7Q2PX.md`, or `…-notes.csv` for one of the CSV tables.
    public var fileName: String
    /// What the bytes are, for an HTTP `Content-Type`.
    public var mediaType: String
    /// UTF-8 contents.
    public var bytes: [UInt8]

    /// A file named `fileName` holding `bytes`.
    public init(fileName: String, mediaType: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.mediaType = mediaType
        self.bytes = bytes
    }
}
