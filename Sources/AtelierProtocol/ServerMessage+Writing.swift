import AtelierCore
import AtelierWire

extension ServerMessage {
    /// The message as the server sends it: compact JSON, its kind's key first.
    public func serializedBytes() -> [UInt8] {
        var object = JSONObject()
        switch self {
        case .ack(let ack):
            object["ack"] = .int(ack.id)
            object["now"] = ack.now.map { .int($0.milliseconds) }
            object["seq"] = ack.seq.map(JSONValue.int)
            object["welcome"] = ack.welcome.map(Self.encoded)
            object["preview"] = ack.preview.map(Self.encoded)
            object["transcript"] = ack.transcriptParts.map { .object(["parts": .int(Int64($0))]) }
        case .error(let error):
            object["error"] = error.id.map(JSONValue.int) ?? .null
            object["code"] = .string(error.code.rawValue)
            object["message"] = .string(error.message)
            if let path = error.path, !path.isEmpty { object["path"] = .string(path) }
            object["now"] = error.now.map { .int($0.milliseconds) }
        case .synced(let seq, let now):
            object["synced"] = .int(seq)
            object["now"] = now.map { .int($0.milliseconds) }
        case .transcriptPart(let part):
            object["transcriptPart"] = .int(part.transcriptPart)
            object["index"] = .int(Int64(part.index))
            object["total"] = .int(Int64(part.total))
            object["name"] = .string(part.name)
            object["mediaType"] = .string(part.mediaType)
            object["text"] = .string(part.text)
        case .event(let message):
            return message.serializedBytes()
        case .events(let messages):
            return EventsEnvelope.join(messages.map { $0.serializedBytes() })
        }
        return JSONValue.object(object).serializedBytes()
    }

    fileprivate static func encoded(_ value: some Encodable) -> JSONValue {
        do { return try WireEncoder().encode(value) } catch {
            // Events, results, welcomes and previews are plain Codable values with finite numbers only.
            preconditionFailure("server message could not be encoded: \(error)")
        }
    }
}

extension ServerMessage.EventMessage {
    /// `{"seq": …, "at": …, "event": {…}}`, plus `results` when a vote's totals become public,
    /// `revealed` when the rooms close, and `authorName` beside a signed note or comment:
    /// serialized once per form of an event, then shared by every message that carries it.
    public func serializedBytes() -> [UInt8] {
        var object = JSONObject()
        object["seq"] = .int(seq)
        object["at"] = .int(at.milliseconds)
        object["event"] = ServerMessage.encoded(event)
        object["results"] = results.map(ServerMessage.encoded)
        object["authorName"] = authorName.map(JSONValue.string)
        object["revealed"] = revealed.map(ServerMessage.encoded)
        return JSONValue.object(object).serializedBytes()
    }
}

/// The `{"events": [m1, m2, …]}` message around event messages already serialized: the one
/// definition of the envelope, for the server's groups and for the transport, which joins
/// waiting event messages with the same bytes.
public enum EventsEnvelope {
    public static let prefix = Array(#"{"events":["#.utf8)
    public static let separator = Array(",".utf8)
    public static let suffix = Array("]}".utf8)

    /// The bytes of one `events` message holding `messages`, joined, not re-encoded.
    public static func join(_ messages: some Collection<[UInt8]>) -> [UInt8] {
        var bytes = prefix
        bytes.reserveCapacity(prefix.count + messages.reduce(0) { $0 + $1.count + separator.count } + suffix.count)
        for (index, message) in messages.enumerated() {
            if index > 0 { bytes += separator }
            bytes += message
        }
        return bytes + suffix
    }
}
