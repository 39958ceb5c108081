import AtelierCore
import AtelierWire

/// A message from the server (protocol `atelier.v1`, docs/PROTOCOL.md), told apart by its first key.
///
/// Unknown fields are ignored, as the protocol asks of clients, so a newer server within v1 still reads.
public enum ServerMessage: Hashable, Sendable {
    /// A message was accepted (and written to the database).
    case ack(Ack)
    /// A message was refused; nothing changed.
    case error(ServerError)
    /// One event of the session's log.
    case event(EventMessage)
    /// Several events in `seq` order (catch-up and widening), to apply one by one.
    case events([EventMessage])
    /// The catch-up after a welcome is over: the client is up to date with `seq`.
    case synced(seq: Int64, now: Timestamp?)
    /// A piece of a transcript, before the ack of its `transcript`.
    case transcriptPart(TranscriptPart)

    /// `{"ack": id, "now": …, "seq": …, "welcome": {…}}`.
    public struct Ack: Hashable, Sendable {
        public var id: Int64
        public var now: Timestamp?
        /// The last event the command caused; nil when it changed nothing.
        public var seq: Int64?
        /// Present on the ack of `join`, `moderate` and `rejoin`.
        public var welcome: Welcome?
        /// On the ack of `transcript`: how many parts were sent before it.
        public var transcriptParts: Int?

        /// An ack as the server writes it.
        public init(id: Int64, now: Timestamp? = nil, seq: Int64? = nil, welcome: Welcome? = nil,
                    transcriptParts: Int? = nil) {
            self.id = id; self.now = now; self.seq = seq; self.welcome = welcome; self.transcriptParts = transcriptParts
        }
    }

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

    /// What a connection learns when it enters a session.
    public struct Welcome: Hashable, Sendable, Codable {
        public var session: SessionID
        public var code: String
        public var participant: ParticipantID
        public var moderator: Bool
        /// The reconnect token (after `join` and `moderate` only).
        public var token: String?
        /// When true, forget the session: the events that follow rebuild it from the start.
        public var reset: Bool

        /// A welcome as the server writes it.
        public init(session: SessionID, code: String, participant: ParticipantID, moderator: Bool,
                    token: String? = nil, reset: Bool) {
            self.session = session; self.code = code; self.participant = participant
            self.moderator = moderator; self.token = token; self.reset = reset
        }
    }

    /// `{"error": id|null, "code": …, "message": …, "path": …}`.
    public struct ServerError: Hashable, Sendable, Error, CustomStringConvertible {
        /// The refused message's id; nil when the server could not read one.
        public var id: Int64?
        /// Stable code, e.g. `vote.budgetExhausted`.
        public var code: String
        /// A sentence for people.
        public var message: String
        /// Where a wire error was found, e.g. `command.addNote.text`.
        public var path: String?
        public var now: Timestamp?

        /// An error as the server writes it.
        public init(id: Int64?, code: String, message: String, path: String? = nil, now: Timestamp? = nil) {
            self.id = id; self.code = code; self.message = message; self.path = path; self.now = now
        }

        public var description: String { "\(code): \(message)" }
    }

    /// `{"seq": 58, "at": …, "event": {…}, "results": [...]}`.
    public struct EventMessage: Hashable, Sendable {
        public var seq: Int64
        public var at: Timestamp
        public var event: Event
        /// Ranked totals, beside a `voteRevealed` event.
        public var results: [RankedItem]?

        /// An event message as the server writes it.
        public init(seq: Int64, at: Timestamp, event: Event, results: [RankedItem]? = nil) {
            self.seq = seq; self.at = at; self.event = event; self.results = results
        }
    }

    /// Why a frame could not be read as a server message.
    public struct ReadError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The server's clock as the message gives it, for estimating the offset from the local clock.
    public var now: Timestamp? {
        switch self {
        case .ack(let ack): ack.now
        case .error(let error): error.now
        case .event, .events, .transcriptPart: nil
        case .synced(_, let now): now
        }
    }

    /// Reads one text frame.
    public static func parse(_ text: String) throws(ReadError) -> ServerMessage {
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch { throw ReadError(message: "not JSON: \(error)") }
        return try read(value)
    }

    /// Reads one parsed frame.
    public static func read(_ value: JSONValue) throws(ReadError) -> ServerMessage {
        guard case .object(let object) = value else { throw ReadError(message: "a server message is a JSON object") }
        let now = object["now"]?.int64Value.map(Timestamp.init(milliseconds:))
        let decoder = WireDecoder()
        if let ackValue = object["ack"] {
            guard let id = ackValue.int64Value else { throw ReadError(message: "ack: expected an integer id") }
            var welcome: Welcome?
            if let welcomeValue = object["welcome"], welcomeValue != .null {
                do { welcome = try decoder.decode(Welcome.self, from: welcomeValue) } catch {
                    throw ReadError(message: "welcome: \(error)")
                }
            }
            let parts = object["transcript"]?["parts"]?.int64Value.map(Int.init)
            return .ack(Ack(id: id, now: now, seq: object["seq"]?.int64Value, welcome: welcome, transcriptParts: parts))
        }
        if object["transcriptPart"] != nil {
            do { return .transcriptPart(try decoder.decode(TranscriptPart.self, from: value)) } catch {
                throw ReadError(message: "transcriptPart: \(error)")
            }
        }
        if let errorValue = object["error"] {
            guard let code = object["code"]?.stringValue else { throw ReadError(message: "error: missing code") }
            return .error(ServerError(
                id: errorValue.int64Value, code: code, message: object["message"]?.stringValue ?? code,
                path: object["path"]?.stringValue, now: now))
        }
        if let synced = object["synced"] {
            guard let seq = synced.int64Value else { throw ReadError(message: "synced: expected an integer") }
            return .synced(seq: seq, now: now)
        }
        if object["event"] != nil { return .event(try readEvent(object)) }
        if let list = object["events"] {
            guard case .array(let elements) = list else { throw ReadError(message: "events: expected an array") }
            var messages: [EventMessage] = []
            for element in elements {
                guard case .object(let member) = element else { throw ReadError(message: "events: expected objects") }
                messages.append(try readEvent(member))
            }
            return .events(messages)
        }
        throw ReadError(message: "unknown message with keys \(object.keys.joined(separator: ", "))")
    }

    /// Reads `{"seq": …, "at": …, "event": {…}, "results": […]}`.
    private static func readEvent(_ object: JSONObject) throws(ReadError) -> EventMessage {
        guard let seq = object["seq"]?.int64Value, let eventValue = object["event"] else {
            throw ReadError(message: "event: missing seq or event")
        }
        let at = Timestamp(milliseconds: object["at"]?.int64Value ?? 0)
        let decoder = WireDecoder()
        do {
            let event = try decoder.decode(Event.self, from: eventValue)
            var results: [RankedItem]?
            if let resultsValue = object["results"], resultsValue != .null {
                results = try decoder.decode([RankedItem].self, from: resultsValue)
            }
            return EventMessage(seq: seq, at: at, event: event, results: results)
        } catch {
            throw ReadError(message: "event \(seq): \(error)")
        }
    }
}
