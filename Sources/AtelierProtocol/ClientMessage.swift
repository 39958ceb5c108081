import AtelierCore
import AtelierWire

/// A message from a browser or terminal to the server (protocol `atelier.v1`, docs/PROTOCOL.md).
///
/// Written `{"id": 7, "<kind>": {…}}` with exactly one kind. Clients encode it with `WireEncoder`;
/// the server reads it with `ClientMessage.read(_:)`, which names precisely what is wrong.
public struct ClientMessage: Hashable, Sendable {
    /// Chosen by the client, echoed in the ack or error.
    public var id: Int64
    public var body: Body
    /// Beside a command only: the sender's key for it, so that sending it again (its answer was
    /// lost, or `server.unavailable`) never does it twice; the repeat is answered as the first was.
    public var once: String?

    public init(id: Int64, _ body: Body, once: String? = nil) {
        self.id = id
        self.body = body
        self.once = once
    }

    /// How the client asks for its catch-ups, when this enters a session.
    public var compression: CatchUpCompression? {
        switch body {
        case .join(let request): request.compress
        case .moderate(let request): request.compress
        case .rejoin(let request): request.compress
        case .command, .preview, .transcript, .ping: nil
        }
    }

    /// What the client asks.
    public enum Body: Hashable, Sendable {
        case join(JoinRequest)
        case moderate(ModerateRequest)
        case rejoin(RejoinRequest)
        case command(Command)
        case preview(PreviewRequest)
        case transcript(TranscriptRequest)
        case ping
    }

    /// The message key of each kind.
    public static let kinds = ["join", "moderate", "rejoin", "command", "preview", "transcript", "ping"]
    /// The largest id: integers beyond 2^53 do not survive JavaScript's numbers.
    public static let maximumID: Int64 = (1 << 53) - 1
    /// The longest `once` key.
    public static let maximumOnceLength = 64

    /// Why a message could not be read: a protocol or wire code, the path, a sentence, and the
    /// message id when it was found.
    public struct ReadError: Error, Hashable, Sendable {
        public var id: Int64?
        public var code: ServerMessage.ServerError.Code
        public var path: String
        public var message: String

        init(id: Int64?, code: ServerMessage.ServerError.Code, path: String, message: String) {
            self.id = id
            self.code = code
            self.path = path
            self.message = message
        }

        /// The refusal of message `id` for a wire error, reported at `path`.
        init(id: Int64, _ error: WireError, path: String) {
            self.init(id: id, code: .wire(error.code), path: path, message: error.message)
        }
    }

    /// Reads a parsed frame. Unknown members anywhere are refused, so misspelt fields are reported.
    public static func read(_ value: JSONValue) throws(ReadError) -> ClientMessage {
        guard case .object(let object) = value else {
            throw ReadError(id: nil, code: .protocol(.protocolBadMessage), path: "", message: "A message is a JSON object with an id.")
        }
        guard let id = object["id"]?.int64Value, (1...maximumID).contains(id) else {
            throw ReadError(
                id: nil, code: .protocol(.protocolBadMessage), path: "id",
                message: "A message needs an \"id\": an integer from 1 to 2^53 - 1.")
        }
        let others = object.keys.filter { $0 != "id" && $0 != "once" }
        let named = others.filter(kinds.contains)
        guard named.count == 1, let kind = named.first, let payload = object[kind] else {
            throw ReadError(
                id: id, code: .protocol(.protocolBadMessage), path: named.isEmpty ? others.first ?? "" : "",
                message: "A message has an \"id\" and exactly one of: \(kinds.joined(separator: ", ")).")
        }
        // Beside a known kind, any other member is a misspelt or unsupported field.
        if let unknown = others.first(where: { $0 != kind }) {
            let error = WireError.unknownMember(unknown)
            throw ReadError(id: id, error, path: error.path)
        }
        let once = try object["once"].map { value throws(ReadError) in try onceKey(value, id: id, kind: kind) }
        do throws(WireError) {
            let decoder = WireDecoder(rejectUnknownKeys: true)
            switch kind {
            case "join": return ClientMessage(id: id, .join(try decoder.decode(JoinRequest.self, from: payload)))
            case "moderate": return ClientMessage(id: id, .moderate(try decoder.decode(ModerateRequest.self, from: payload)))
            case "rejoin": return ClientMessage(id: id, .rejoin(try decoder.decode(RejoinRequest.self, from: payload)))
            case "command": return ClientMessage(id: id, .command(try decoder.decode(Command.self, from: payload)), once: once)
            case "preview": return ClientMessage(id: id, .preview(try decoder.decode(PreviewRequest.self, from: payload)))
            case "transcript": return ClientMessage(id: id, .transcript(try decoder.decode(TranscriptRequest.self, from: payload)))
            case "ping":
                guard case .object(let members) = payload, members.isEmpty else {
                    throw WireError(code: .invalidValue, message: "ping takes an empty object")
                }
                return ClientMessage(id: id, .ping)
            default:
                preconditionFailure("kinds lists every case")
            }
        } catch {
            let path = error.path.isEmpty ? kind : kind + (error.path.hasPrefix("[") ? "" : ".") + error.path
            throw ReadError(id: id, error, path: path)
        }
    }
}

extension ClientMessage {
    /// Reads the `once` key of a message of `kind`: a command's alone, 1 to 64 letters, digits,
    /// `-`, `_` or `.`.
    private static func onceKey(_ value: JSONValue, id: Int64, kind: String) throws(ReadError) -> String {
        guard kind == "command" else {
            throw ReadError(id: id, code: .wire(.invalidValue), path: "once", message: "\"once\" goes with a command only.")
        }
        guard case .string(let key) = value else {
            throw ReadError(id: id, code: .wire(.wrongType), path: "once", message: "\"once\" is a string.")
        }
        let allowed = key.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0) }
        guard (1...maximumOnceLength).contains(key.unicodeScalars.count), allowed else {
            throw ReadError(
                id: id, code: .wire(.invalidValue), path: "once",
                message: "\"once\" is 1 to \(maximumOnceLength) letters, digits, '-', '_' or '.'.")
        }
        return key
    }
}

extension ClientMessage: Encodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Empty: Encodable {}

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(id, forKey: Key("id"))
        try container.encodeIfPresent(once, forKey: Key("once"))
        switch body {
        case .join(let request): try container.encode(request, forKey: Key("join"))
        case .moderate(let request): try container.encode(request, forKey: Key("moderate"))
        case .rejoin(let request): try container.encode(request, forKey: Key("rejoin"))
        case .command(let command): try container.encode(command, forKey: Key("command"))
        case .preview(let request): try container.encode(request, forKey: Key("preview"))
        case .transcript(let request): try container.encode(request, forKey: Key("transcript"))
        case .ping: try container.encode(Empty(), forKey: Key("ping"))
        }
    }
}

/// How a client asks for the parts of the log the server streams to it (catch-ups, widenings):
/// binary messages, each the raw DEFLATE (RFC 1951) of the `{"events":[…]}` text it replaces.
public enum CatchUpCompression: String, Hashable, Sendable, Codable, CaseIterable {
    case deflateRaw = "deflate-raw"
}

/// Join a session as a participant.
public struct JoinRequest: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var role: String
    public var organisation: String?
    public var language: String
    /// Nil for catch-ups as text.
    public var compress: CatchUpCompression?

    public init(
        code: String, name: String, role: String, organisation: String? = nil, language: String,
        compress: CatchUpCompression? = nil
    ) {
        self.code = code
        self.name = name
        self.role = role
        self.organisation = organisation
        self.language = language
        self.compress = compress
    }
}

/// Join a session as a moderator, with the session's moderator key.
public struct ModerateRequest: Hashable, Sendable, Codable {
    public var code: String
    public var key: String
    public var name: String
    /// Nil for the workshop's own language (its first).
    public var language: String?
    /// Nil for catch-ups as text.
    public var compress: CatchUpCompression?

    public init(code: String, key: String, name: String, language: String? = nil, compress: CatchUpCompression? = nil) {
        self.code = code
        self.key = key
        self.name = name
        self.language = language
        self.compress = compress
    }
}

/// Come back with a reconnect token, from the event after `after`.
public struct RejoinRequest: Hashable, Sendable, Codable {
    public var code: String
    public var token: String
    /// The highest sequence number the client applied; nil or 0 for everything.
    public var after: Int64?
    /// Nil for catch-ups as text.
    public var compress: CatchUpCompression?

    public init(code: String, token: String, after: Int64? = nil, compress: CatchUpCompression? = nil) {
        self.code = code
        self.token = token
        self.after = after
        self.compress = compress
    }
}

/// Read what a session offers before joining it: title, languages, roles.
public struct PreviewRequest: Hashable, Sendable, Codable {
    public var code: String

    public init(code: String) {
        self.code = code
    }
}

/// A moderator asks for the session's transcript (`md`, `html`, `csv` or `json`).
public struct TranscriptRequest: Hashable, Sendable, Codable {
    public var format: String

    public init(format: String) {
        self.format = format
    }
}
