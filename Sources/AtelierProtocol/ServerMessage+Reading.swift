import AtelierCore
import AtelierWire

extension ServerMessage {
    /// Why a frame could not be read as a server message.
    public struct ReadError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
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
        if let ackValue = object["ack"] {
            guard let id = ackValue.int64Value else { throw ReadError(message: "ack: expected an integer id") }
            let parts = object["transcript"]?["parts"]?.int64Value.map(Int.init)
            return .ack(Ack(
                id: id, now: now, seq: object["seq"]?.int64Value, welcome: try member("welcome", of: object),
                preview: try member("preview", of: object), transcriptParts: parts))
        }
        if object["transcriptPart"] != nil {
            do { return .transcriptPart(try WireDecoder().decode(TranscriptPart.self, from: value)) } catch {
                throw ReadError(message: "transcriptPart: \(error)")
            }
        }
        if let errorValue = object["error"] {
            guard let code = object["code"]?.stringValue else { throw ReadError(message: "error: missing code") }
            return .error(ServerError(
                id: errorValue.int64Value, code: ServerError.Code(rawValue: code), message: object["message"]?.stringValue ?? code,
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

    /// The member `name` of `object` decoded, or nil when it is absent or null.
    private static func member<Value: Decodable>(_ name: String, of object: JSONObject) throws(ReadError) -> Value? {
        guard let value = object[name], value != .null else { return nil }
        do { return try WireDecoder().decode(Value.self, from: value) } catch {
            throw ReadError(message: "\(name): \(error)")
        }
    }

    /// Reads `{"seq": …, "at": …, "event": {…}, "results": […], "authorName": …, "revealed": […]}`.
    private static func readEvent(_ object: JSONObject) throws(ReadError) -> EventMessage {
        guard let seq = object["seq"]?.int64Value, let eventValue = object["event"] else {
            throw ReadError(message: "event: missing seq or event")
        }
        let at = Timestamp(milliseconds: object["at"]?.int64Value ?? 0)
        do {
            let event = try WireDecoder().decode(Event.self, from: eventValue)
            return EventMessage(seq: seq, at: at, event: event, results: try member("results", of: object),
                                authorName: object["authorName"]?.stringValue, revealed: try member("revealed", of: object))
        } catch {
            throw ReadError(message: "event \(seq): \(error)")
        }
    }
}
