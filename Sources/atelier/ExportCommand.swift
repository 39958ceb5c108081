import AtelierExport
import ArgumentParser
import Foundation

/// `atelier export SESSION`: writes the session's synthesis transcript, by default in every format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a session's synthesis transcript (Markdown, HTML, CSV, JSON).",
        discussion: """
            Quotes are attributed by role only; --names adds names and organisations (never to anonymous notes).
            The same session always gives the same files.
            """)

    @Argument(help: "Session id or join code.")
    var session: String

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Option(help: "Format: md, html, csv or json; repeat or separate with commas (default: all four).")
    var format: [String] = []

    @Option(help: "Folder to write into.", completion: .directory)
    var out: String = "Transcripts"

    @Flag(help: "Print participants' names and organisations next to what they wrote.")
    var names = false

    @Option(help: "Language of headings and workshop texts: fr, nl or en (default: the workshop's own).")
    var language: String?

    /// The formats asked for, in the order given, each once.
    private var formats: [TranscriptFormat] {
        get throws {
            let names = format.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
            if names.isEmpty { return TranscriptFormat.allCases }
            var formats: [TranscriptFormat] = []
            for name in names {
                guard let format = TranscriptFormat(rawValue: name) else {
                    let known = TranscriptFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("Unknown format \"\(name)\": choose among \(known).")
                }
                if !formats.contains(format) { formats.append(format) }
            }
            return formats
        }
    }

    func validate() throws {
        _ = try formats
        if let language, !Transcript.languages.contains(language) {
            throw ValidationError("Unknown language \"\(language)\": choose among \(Transcript.languages.joined(separator: ", ")).")
        }
    }

    func run() throws {
        let (store, record) = try StoredSession.find(session, in: db)
        let state = try store.replay(session: record.id)
        let transcript = Transcript(state: state, options: TranscriptOptions(names: names, language: language))
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for format in try formats {
            for file in TranscriptExporter.render(transcript, format: format) {
                let path = folder.appendingPathComponent(file.fileName)
                try Data(file.bytes).write(to: path, options: .atomic)
                print((out as NSString).appendingPathComponent(file.fileName))
            }
        }
    }
}
