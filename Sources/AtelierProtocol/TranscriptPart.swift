extension ServerMessage {
    /// `{"transcriptPart": id, "index": …, "total": …, "name": …, "mediaType": …, "text": …}`:
    /// a piece of one file of the transcript asked by message `id`.
    public struct TranscriptPart: Hashable, Sendable, Codable {
        public var transcriptPart: Int64
        public var index: Int
        public var total: Int
        public var name: String
        public var mediaType: String
        public var text: String

        public init(transcriptPart: Int64, index: Int, total: Int, name: String, mediaType: String, text: String) {
            self.transcriptPart = transcriptPart; self.index = index; self.total = total
            self.name = name; self.mediaType = mediaType; self.text = text
        }

        /// Text bytes in one part: escaped, even a control character at six bytes each, a part
        /// stays within the protocol's 64 KiB message.
        public static let textBytes = 10 * 1024

        /// The parts answering message `id` with `files`, in order, each file's text cut between
        /// characters.
        public static func parts(answering id: Int64, files: [TranscriptFile]) -> [TranscriptPart] {
            var pieces: [(file: TranscriptFile, text: String)] = []
            for file in files {
                let bytes = Array(file.text.utf8)
                var start = 0
                repeat {
                    var end = min(start + textBytes, bytes.count)
                    // Back to the start of a character: a continuation byte is 10xxxxxx.
                    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
                    pieces.append((file, String(decoding: bytes[start..<end], as: UTF8.self)))
                    start = end
                } while start < bytes.count
            }
            return pieces.enumerated().map { index, piece in
                TranscriptPart(
                    transcriptPart: id, index: index, total: pieces.count, name: piece.file.name,
                    mediaType: piece.file.mediaType, text: piece.text)
            }
        }

        /// The files the parts make, consecutive parts of one name joined; nil unless exactly
        /// `expected` parts arrived, in order.
        public static func files(from parts: [TranscriptPart], expected: Int) -> [TranscriptFile]? {
            guard parts.count == expected, parts.enumerated().allSatisfy({ $0 == $1.index && $1.total == expected }) else {
                return nil
            }
            var files: [TranscriptFile] = []
            for part in parts {
                if let last = files.last, last.name == part.name { files[files.count - 1].text += part.text }
                else { files.append(TranscriptFile(name: part.name, mediaType: part.mediaType, text: part.text)) }
            }
            return files
        }
    }

    /// One file of a transcript: `{"name": …, "mediaType": …, "text": …}`.
    public struct TranscriptFile: Hashable, Sendable, Codable {
        public var name: String
        public var mediaType: String
        public var text: String

        public init(name: String, mediaType: String, text: String) {
            self.name = name; self.mediaType = mediaType; self.text = text
        }
    }
}
