import AtelierExport
import ArgumentParser
import Foundation

/// `atelier export SESSION`: writes the session's synthesis transcript, by default in every format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a session's synthesis transcript (Markdown, HTML, CSV, JSON, or an office document).",
        discussion: """
            Quotes are attributed by role only; --names adds names and organisations (never to anonymous notes).
            The same session always gives the same files. --format docx writes a Word document that LibreOffice
            opens too, made by pandoc from the Markdown with the vote charts as pictures drawn by rsvg-convert
            (apt-get install pandoc librsvg2-bin, or make export-deps).
            """)

    @Argument(help: "Session id or join code.")
    var session: String

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Option(help: "Format: md, html, csv, json or docx; repeat or separate with commas (default: md, html, csv and json).")
    var format: [String] = []

    @Option(help: "Folder to write into.", completion: .directory)
    var out: String = "Transcripts"

    @Flag(help: "Print participants' names and organisations next to what they wrote.")
    var names = false

    @Option(help: "Language of headings and workshop texts: fr, nl or en (default: the workshop's own).")
    var language: String?

    /// What the command can write: a transcript format, or the office document pandoc makes from the Markdown.
    private enum Output: Equatable {
        case transcript(TranscriptFormat)
        case docx
    }

    /// The outputs asked for, in the order given, each once.
    private var outputs: [Output] {
        get throws {
            let names = format.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
            if names.isEmpty { return TranscriptFormat.allCases.map(Output.transcript) }
            var outputs: [Output] = []
            for name in names {
                guard let output = name == "docx" ? .docx : TranscriptFormat(rawValue: name).map(Output.transcript) else {
                    let known = (TranscriptFormat.allCases.map(\.rawValue) + ["docx"]).joined(separator: ", ")
                    throw ValidationError("Unknown format \"\(name)\": choose among \(known).")
                }
                if !outputs.contains(output) { outputs.append(output) }
            }
            return outputs
        }
    }

    func validate() throws {
        _ = try outputs
        if let language, !Transcript.languages.contains(language) {
            throw ValidationError("Unknown language \"\(language)\": choose among \(Transcript.languages.joined(separator: ", ")).")
        }
    }

    func run() throws {
        let outputs = try outputs
        // Checked before anything is written, so a missing tool leaves no half export behind.
        let pandoc = outputs.contains(.docx) ? try Self.officeTools() : nil
        let (store, record) = try StoredSession.find(session, in: db)
        let state = try store.replay(session: record.id)
        let transcript = Transcript(state: state, options: TranscriptOptions(names: names, language: language))
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for output in outputs {
            switch output {
            case .transcript(let format):
                for file in TranscriptExporter.render(transcript, format: format) {
                    try Data(file.bytes).write(to: folder.appendingPathComponent(file.fileName), options: .atomic)
                    print((out as NSString).appendingPathComponent(file.fileName))
                }
            case .docx:
                let name = TranscriptExporter.baseName(workshopID: transcript.workshopID, joinCode: transcript.joinCode) + ".docx"
                try Self.convert(transcript, with: pandoc!, to: folder.appendingPathComponent(name))
                print((out as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Where pandoc is on the PATH, once rsvg-convert, which pandoc draws the charts' pictures with, is found too;
    /// when either is missing, says how to install it and fails.
    private static func officeTools() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let find = { (tool: String) in
            path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(tool) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }
        guard let pandoc = find("pandoc") else {
            printError("""
                The office document is made by pandoc, which is not installed: install it with \
                `sudo apt-get install pandoc` (or `make export-deps`), or export md and convert it yourself.
                """)
            throw ExitCode.failure
        }
        guard find("rsvg-convert") != nil else {
            printError("""
                The office document's charts are drawn by rsvg-convert, which is not installed: install it with \
                `sudo apt-get install librsvg2-bin` (or `make export-deps`).
                """)
            throw ExitCode.failure
        }
        return pandoc
    }

    /// The transcript as a Word document: GitHub Markdown in (its tables become real tables, each column as wide
    /// as its text needs), headings as Word headings, each vote's chart a picture (SVG, with the PNG pandoc draws
    /// beside it for LibreOffice and older Word), the document's language on its text. Emoji codes stay as typed
    /// (`gfm-emoji`): the Markdown leaves them unescaped, and a `:fire:` someone wrote is their words.
    private static func convert(_ transcript: Transcript, with pandoc: URL, to file: URL) throws {
        let (markdown, charts) = TranscriptExporter.officeSource(transcript)
        let sources = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-office-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sources) }
        for source in charts + [OfficeFilter.file] {
            try Data(source.bytes).write(to: sources.appendingPathComponent(source.fileName))
        }
        let process = Process()
        process.executableURL = pandoc
        process.arguments = ["--from", "gfm-emoji", "--to", "docx", "--metadata", "lang=\(transcript.language)",
                             "--lua-filter", sources.appendingPathComponent(OfficeFilter.file.fileName).path,
                             "--resource-path", sources.path, "--output", file.path]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(markdown))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            printError("pandoc could not write \(file.lastPathComponent) (exit status \(process.terminationStatus)).")
            throw ExitCode.failure
        }
    }
}
