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
            opens too, made by pandoc from the Markdown (apt-get install pandoc, or make export-deps).
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
        // Checked before anything is written, so a missing pandoc leaves no half export behind.
        let pandoc = outputs.contains(.docx) ? try Self.pandoc() : nil
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
                try Self.convert(TranscriptExporter.render(transcript, format: .md)[0].bytes, with: pandoc!,
                                 to: folder.appendingPathComponent(name), language: transcript.language)
                print((out as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Where pandoc is on the PATH; when it is not, says how to install it and fails.
    private static func pandoc() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("pandoc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        printError("""
            The office document is made by pandoc, which is not installed: install it with             `sudo apt-get install pandoc` (or `make export-deps`), or export md and convert it yourself.
            """)
        throw ExitCode.failure
    }

    /// The Markdown transcript as a Word document: GitHub Markdown in (its tables become real tables),
    /// headings as Word headings, the document's language on its text.
    private static func convert(_ markdown: [UInt8], with pandoc: URL, to file: URL, language: String) throws {
        let process = Process()
        process.executableURL = pandoc
        process.arguments = ["--from", "gfm", "--to", "docx", "--metadata", "lang=\(language)", "--output", file.path]
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
