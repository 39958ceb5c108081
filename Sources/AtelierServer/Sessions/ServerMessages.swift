import AtelierCore
import AtelierExport
import AtelierLWS
import AtelierWire

/// The server's messages of protocol `atelier.v1` (docs/PROTOCOL.md), built as frames.
enum ServerMessages {
    /// `{"seq": …, "at": …, "event": {…}}`, plus `results` when a vote's totals become public.
    static func event(seq: Int64, at: Timestamp, event: Event, results: [RankedItem]?) -> [UInt8] {
        var object = JSONObject()
        object["seq"] = .int(seq)
        object["at"] = .int(at.milliseconds)
        object["event"] = encoded(event)
        if let results { object["results"] = encoded(results) }
        return JSONValue.object(object).serializedBytes()
    }

    /// `{"events": [m1, m2, …]}` from event messages already serialized: bytes are joined, not re-encoded.
    static func events(_ messages: some Collection<[UInt8]>) -> OutboundFrame {
        let envelope = FrameGrouping.events
        let count = envelope.prefix.count + messages.reduce(0) { $0 + $1.count }
            + max(messages.count - 1, 0) * envelope.separator.count + envelope.suffix.count
        return OutboundFrame(count: count) { buffer in
            var offset = 0
            func put(_ bytes: [UInt8]) {
                bytes.withUnsafeBytes { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                offset += bytes.count
            }
            put(envelope.prefix)
            for (index, message) in messages.enumerated() {
                if index > 0 { put(envelope.separator) }
                put(message)
            }
            put(envelope.suffix)
        }
    }

    /// The answer to an accepted message; `seq` is the last event it caused. The ack of a
    /// `transcript` comes after its parts and says how many there were.
    static func ack(
        _ id: Int64, now: Timestamp, seq: Int64? = nil, welcome: Welcome? = nil, preview: Preview? = nil,
        transcriptParts: Int? = nil
    ) -> OutboundFrame {
        var object = JSONObject()
        object["ack"] = .int(id)
        object["now"] = .int(now.milliseconds)
        if let seq { object["seq"] = .int(seq) }
        if let welcome { object["welcome"] = encoded(welcome) }
        if let preview { object["preview"] = encoded(preview) }
        if let transcriptParts { object["transcript"] = .object(["parts": .int(Int64(transcriptParts))]) }
        return frame(object)
    }

    /// Text bytes in one part of a transcript: escaped, even a control character at six bytes
    /// each, a part stays within the protocol's 64 KiB message.
    static let transcriptPartBytes = 10 * 1024

    /// The parts of a transcript's files, in order: `{"transcriptPart": id, "index": …, "total": …,
    /// "name": …, "mediaType": …, "text": …}`, a file's text cut between characters.
    static func transcriptParts(_ id: Int64, files: [TranscriptFile]) -> [OutboundFrame] {
        var pieces: [(file: TranscriptFile, text: String)] = []
        for file in files {
            let bytes = file.bytes
            var start = 0
            repeat {
                var end = min(start + transcriptPartBytes, bytes.count)
                // Back to the start of a character: a continuation byte is 10xxxxxx.
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
                pieces.append((file, String(decoding: bytes[start..<end], as: UTF8.self)))
                start = end
            } while start < bytes.count
        }
        return pieces.enumerated().map { index, piece in
            var object = JSONObject()
            object["transcriptPart"] = .int(id)
            object["index"] = .int(Int64(index))
            object["total"] = .int(Int64(pieces.count))
            object["name"] = .string(piece.file.fileName)
            object["mediaType"] = .string(piece.file.mediaType)
            object["text"] = .string(piece.text)
            return frame(object)
        }
    }

    /// The answer to a message that was not accepted.
    static func error(_ id: Int64?, code: String, message: String, path: String? = nil, now: Timestamp) -> OutboundFrame {
        var object = JSONObject()
        object["error"] = id.map(JSONValue.int) ?? .null
        object["code"] = .string(code)
        object["message"] = .string(message)
        if let path, !path.isEmpty { object["path"] = .string(path) }
        object["now"] = .int(now.milliseconds)
        return frame(object)
    }

    /// The end of a catch-up.
    static func synced(_ seq: Int64, now: Timestamp) -> OutboundFrame {
        var object = JSONObject()
        object["synced"] = .int(seq)
        object["now"] = .int(now.milliseconds)
        return frame(object)
    }

    /// What a client learns when it enters a session.
    struct Welcome: Encodable {
        var session: SessionID
        var code: String
        var participant: ParticipantID
        var moderator: Bool
        /// Only in the answer to `join` and `moderate`.
        var token: String?
        var reset: Bool
    }

    /// What anyone may read of a session before joining: enough to fill in the join form.
    struct Preview: Encodable {
        var code: String
        var title: LocalizedText
        var organiser: String
        /// Whom the join form's privacy notice names, and how many days it says names are kept.
        var contact: String
        var retentionDays: Int
        var date: String
        var description: LocalizedText?
        var languages: [String]
        var roles: [WorkshopDefinition.Role]

        init(code: String, workshop: WorkshopDefinition) {
            self.code = code
            title = workshop.title
            organiser = workshop.organiser
            contact = workshop.noticeContact
            retentionDays = workshop.noticeRetentionDays
            date = workshop.date
            description = workshop.description
            languages = workshop.languages
            roles = workshop.roles
        }
    }

    private static func frame(_ object: JSONObject) -> OutboundFrame {
        OutboundFrame(bytes: JSONValue.object(object).serializedBytes())
    }

    private static func encoded(_ value: some Encodable) -> JSONValue {
        do { return try WireEncoder().encode(value) } catch {
            // Events, results and welcomes are plain Codable values with finite numbers only.
            preconditionFailure("server message could not be encoded: \(error)")
        }
    }
}

extension FrameGrouping {
    /// The envelope of `events`, which the transport also puts around the event messages waiting
    /// on one connection (`ServerConfiguration.grouping`).
    public static let events = FrameGrouping(prefix: #"{"events":["#, separator: ",", suffix: "]}")
}
