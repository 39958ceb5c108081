import AtelierClient
import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierWire
import Foundation
import Testing

/// One client connection speaking the protocol, as a browser or the console would.
///
/// Keeps every message received; grouped events are flattened into single event messages.
final class Peer {
    let client: WebSocketClient
    private(set) var received: [JSONValue] = []
    private var nextID: Int64 = 0
    /// Where `next` reads from in `received`.
    private var cursor = 0
    private(set) var token: String?
    private(set) var participant: ParticipantID?

    init(_ server: LiveServer) throws {
        client = try WebSocketClient(url: server.url)
        client.connect()
        guard client.waitForOpen(timeout: 15) else { throw PeerError.notOpen }
    }

    enum PeerError: Error { case notOpen, noAnswer(Int64), timeout(String) }

    /// Sends a message and returns its id.
    @discardableResult
    func send(_ body: ClientMessage.Body, once: String? = nil) -> Int64 {
        nextID += 1
        let bytes = try! WireEncoder().encodeJSON(ClientMessage(id: nextID, body, once: once))
        client.send(bytes)
        return nextID
    }

    /// Sends raw text, for malformed frames.
    func sendRaw(_ text: String) { client.send(text) }

    /// Sends and waits for the ack or error carrying the message's id.
    @discardableResult
    func request(_ body: ClientMessage.Body, once: String? = nil) throws -> JSONValue {
        let id = send(body, once: once)
        return try answer(to: id)
    }

    /// The ack or error of message `id` (ids are unique, so it is looked for among every message).
    func answer(to id: Int64?) throws -> JSONValue {
        let match: (JSONValue) -> Bool = { message in
            (message["ack"]?.int64Value == id && id != nil) || (message["error"] != nil && message["error"]?.int64Value == id)
        }
        while true {
            if let found = received.first(where: match) { return found }
            try receiveOne(what: "answer to \(String(describing: id))")
        }
    }

    /// Waits for the first message after the previous match that satisfies `predicate`.
    @discardableResult
    func wait(for what: String, _ predicate: (JSONValue) -> Bool) throws -> JSONValue {
        while true {
            if let index = received[cursor...].firstIndex(where: predicate) {
                cursor = index + 1
                return received[index]
            }
            try receiveOne(what: what)
        }
    }

    /// Waits for the next event named `name` (passing `where`) and returns its fields.
    @discardableResult
    func waitForEvent(_ name: String, where predicate: (JSONValue) -> Bool = { _ in true }) throws -> JSONValue {
        let message = try wait(for: "event \(name)") { message in
            guard let event = message["event"]?[name] else { return false }
            return predicate(event)
        }
        return message["event"]![name]!
    }

    /// Takes the next message off the connection; fails after 15 s without one.
    private func receiveOne(what: String) throws {
        let limit = Date().addingTimeInterval(15)
        while Date() < limit {
            if let text = client.receive(timeout: 0.5) { return take(text) }
            if client.currentState.isFinal { break }
        }
        throw PeerError.timeout(what)
    }

    /// Every event received so far, by sequence number, decoded.
    var events: [(seq: Int64, event: Event)] {
        received.compactMap { message in
            guard let seq = message["seq"]?.int64Value, let event = message["event"] else { return nil }
            return (seq, try! WireDecoder().decode(Event.self, from: event))
        }
    }

    /// The names of the events received, in order.
    var eventNames: [String] { received.compactMap { $0["event"]?.objectKeys.first } }

    /// Joins as a participant and waits for the end of the catch-up.
    @discardableResult
    func join(_ server: LiveServer, name: String, role: String = "citoyen", organisation: String? = nil) throws -> JSONValue {
        let answer = try request(.join(JoinRequest(code: server.code, name: name, role: role, organisation: organisation, language: "fr")))
        try entered(answer)
        return answer
    }

    /// Joins as a moderator and waits for the end of the catch-up.
    @discardableResult
    func moderate(_ server: LiveServer, name: String = "Claire") throws -> JSONValue {
        let answer = try request(.moderate(ModerateRequest(code: server.code, key: server.moderatorKey, name: name, language: "fr")))
        try entered(answer)
        return answer
    }

    /// Comes back with a token and waits for the end of the catch-up.
    @discardableResult
    func rejoin(_ server: LiveServer, token: String, after: Int64?) throws -> JSONValue {
        let answer = try request(.rejoin(RejoinRequest(code: server.code, token: token, after: after)))
        try entered(answer)
        return answer
    }

    private func entered(_ answer: JSONValue) throws {
        guard let welcome = answer["welcome"] else { return }
        token = welcome["token"]?.stringValue ?? token
        participant = welcome["participant"]?.stringValue
        try wait(for: "synced") { $0["synced"] != nil }
    }

    /// Sends a command and returns its ack or error.
    @discardableResult
    func command(_ command: Command) throws -> JSONValue {
        try request(.command(command))
    }

    /// Sends a command that must be accepted; returns the ack.
    @discardableResult
    func accepted(_ command: Command, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let answer = try self.command(command)
        #expect(answer["ack"] != nil, "\(command) refused: \(answer.serialized())", sourceLocation: sourceLocation)
        return answer
    }

    /// Asks for the transcript in `format` and joins the parts sent before its ack into files.
    func transcript(_ format: String) throws -> [ServerMessage.TranscriptFile] {
        let id = send(.transcript(TranscriptRequest(format: format)))
        let answer = try answer(to: id)
        let parts = try received.filter { $0["transcriptPart"]?.int64Value == id }
            .map { try WireDecoder().decode(ServerMessage.TranscriptPart.self, from: $0) }
        let expected = try #require(answer["transcript"]?["parts"]?.int64Value, "\(answer.serialized())")
        return try #require(ServerMessage.TranscriptPart.files(from: parts, expected: Int(expected)))
    }

    /// The highest sequence number received.
    var lastSeq: Int64 { events.map(\.seq).max() ?? 0 }

    func close() {
        client.close()
        client.waitForClose(timeout: 15)
    }

    private func take(_ text: String) {
        guard let value = try? JSONValue.parse(text) else { return received.append(.string(text)) }
        if case .array(let group)? = value["events"] { received.append(contentsOf: group) } else { received.append(value) }
    }
}

extension JSONValue {
    /// The member names of an object, in order.
    var objectKeys: [String] {
        if case .object(let object) = self { return object.keys }
        return []
    }
}

extension Peer {
    /// The error code of an answer, nil for an ack.
    static func code(_ answer: JSONValue) -> String? { answer["code"]?.stringValue }
}
