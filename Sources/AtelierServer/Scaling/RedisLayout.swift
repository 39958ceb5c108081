import AtelierCore
import AtelierLWS
import AtelierStore

/// What owner and relays keep in Redis (docs/SCALING.md, "Owner and relays").
enum RedisLayout {
    /// A session's committed events, one entry a `seq`, whose id is `<seq>-0`: Redis refuses an
    /// entry published twice, and a relay reads on from any `seq`.
    static func events(of session: SessionID) -> String { "atelier:s:\(session):events" }
    /// What a relay needs to serve a session besides its log; never a secret nor its hash.
    static func record(of session: SessionID) -> String { "atelier:s:\(session):record" }
    /// Messages of relays' connections for the owner to decide, in the order they came.
    static let commands = "atelier:commands"
    /// The owner's answers to one relay's connections.
    static func replies(to relay: String) -> String { "atelier:relay:\(relay):replies" }

    /// How many entries the commands and replies streams keep: both are read within moments.
    static let streamLength = "100000"
    /// How long a blocking read waits before it is issued again. Nothing needs it sooner: the owner's
    /// read returns with the commands it waits for, and a relay wakes its own when it follows a new
    /// session (`Relay.wake`); it bounds what a wake lost with the writer's connection costs.
    static let blockMilliseconds: Int64 = 10_000

    /// The stream entries of an XREAD reply, by stream name: id and fields.
    static func entries(of reply: RedisReply) -> [(stream: String, entries: [Entry])] {
        reply.elements.compactMap { stream in
            let parts = stream.elements
            guard parts.count == 2, let name = parts[0].text else { return nil }
            return (name, parts[1].elements.compactMap(Entry.init))
        }
    }

    /// One stream entry.
    struct Entry {
        let id: String
        let fields: [String: [UInt8]]

        init?(_ reply: RedisReply) {
            let parts = reply.elements
            guard parts.count == 2, let id = parts[0].text else { return nil }
            self.id = id
            var fields: [String: [UInt8]] = [:]
            let values = parts[1].elements
            for index in stride(from: 0, to: values.count - 1, by: 2) {
                guard let name = values[index].text, case .string(let value) = values[index + 1] else { continue }
                fields[name] = value
            }
            self.fields = fields
        }

        func text(_ name: String) -> String? { fields[name].map { String(decoding: $0, as: UTF8.self) } }
        func integer(_ name: String) -> Int64? { text(name).flatMap { Int64($0) } }
        /// The `seq` of an event entry, from its id.
        var sequence: Int64? { RedisLayout.sequence(of: id) }
    }

    /// The `seq` an event entry's id `<seq>-0` names.
    static func sequence(of id: String) -> Int64? { id.split(separator: "-").first.flatMap { Int64($0) } }

    /// The last entry id of a stream (an XREVRANGE … COUNT 1 reply), or "0-0" when it is empty.
    static func lastID(in reply: RedisReply) -> String? {
        if case .error = reply { return nil }
        return reply.elements.first.flatMap(Entry.init)?.id ?? "0-0"
    }
}
