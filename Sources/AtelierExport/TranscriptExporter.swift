import AtelierCore
import AtelierWire

/// The one entry point for exporting a session: the `atelier export` command and the server's
/// download both call it, so they always produce the same files.
public enum TranscriptExporter {
    /// The files of `state`'s transcript in `format`: one file, or three for CSV.
    ///
    /// Pure and deterministic: the same session and options give byte-identical files.
    public static func render(
        state: SessionState, format: TranscriptFormat, options: TranscriptOptions = TranscriptOptions()
    ) -> [TranscriptFile] {
        render(Transcript(state: state, options: options), format: format)
    }

    /// The files of an already built transcript in `format`.
    public static func render(_ transcript: Transcript, format: TranscriptFormat) -> [TranscriptFile] {
        let base = baseName(workshopID: transcript.workshopID, joinCode: transcript.joinCode)
        switch format {
        case .md:
            return [TranscriptFile(
                fileName: base + ".md", mediaType: format.mediaType, bytes: Array(MarkdownRenderer(transcript).render().utf8))]
        case .html:
            return [TranscriptFile(
                fileName: base + ".html", mediaType: format.mediaType, bytes: Array(HTMLRenderer(transcript).render().utf8))]
        case .csv:
            return CSVRenderer(transcript).tables().map { table in
                TranscriptFile(fileName: "\(base)-\(table.name).csv", mediaType: format.mediaType, bytes: table.bytes)
            }
        case .json:
            return [TranscriptFile(fileName: base + ".json", mediaType: format.mediaType, bytes: json(transcript))]
        }
    }

    /// What an office document is made from: the Markdown, with each vote's chart as a picture it names, and
    /// those pictures (SVG files, in the same folder as the Markdown).
    public static func officeSource(_ transcript: Transcript) -> (markdown: [UInt8], charts: [TranscriptFile]) {
        let words = Vocabulary.for(transcript.language)
        var charts: [TranscriptFile] = []
        var names: [String: String] = [:]
        for vote in transcript.votes {
            let svg = VoteChart(vote: vote, words: words).svg()
            guard !svg.isEmpty else { continue }
            let name = "chart-\(vote.id).svg"
            names[vote.id] = name
            charts.append(TranscriptFile(fileName: name, mediaType: "image/svg+xml", bytes: Array(svg.utf8)))
        }
        return (Array(MarkdownRenderer(transcript, charts: names).render().utf8), charts)
    }

    /// `<workshop-id>-<join code>`, keeping only letters, digits, `-` and `_` so it is a safe file name anywhere.
    public static func baseName(workshopID: String, joinCode: String) -> String {
        let safe = { (text: String) in
            String(text.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                    || scalar == "_") ? Character(scalar) : "-"
            })
        }
        return safe(workshopID) + "-" + safe(joinCode)
    }

    /// The transcript through the project's JSON layer, members in declaration order, indented, newline-terminated.
    private static func json(_ transcript: Transcript) -> [UInt8] {
        do {
            return try WireEncoder(sortedKeys: false).encode(transcript).serializedBytes(pretty: true) + [0x0A]
        } catch {
            // A transcript holds only strings, integers and booleans, which always encode.
            preconditionFailure("a transcript failed to encode: \(error)")
        }
    }
}
