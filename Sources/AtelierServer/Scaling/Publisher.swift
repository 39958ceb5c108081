import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierStore
import AtelierThreads
import Logging

/// The owner's link to Redis: it publishes each committed event of its sessions, in order, to the
/// session's stream, and decides the messages relays forward as if their connections were its own
/// ("remote" connections), answering each on the relay's replies stream.
///
/// Confined to the service thread, like the hub.
final class Publisher {
    private unowned let hub: SessionHub
    /// Publishes and answers; commands, in order, keep the order of what they publish.
    private let writer: RedisClient
    /// Waits for relays' messages (a blocking read holds its connection).
    private let reader: RedisClient
    /// The highest `seq` each session's stream is known to hold; none while it is being read again.
    private var published: [SessionID: Int64] = [:]
    private var syncing: Set<SessionID> = []
    /// Where the commands stream was read to; nil until first known, so older commands are not taken.
    private var commandsCursor: String?
    /// Incremented on each reader connection, so a read of an older one stops looping.
    private var generation = 0
    private var remotes: [Remote: ConnectionID] = [:]
    private var remoteOf: [ConnectionID: Remote] = [:]
    /// Remote connections get ids of their own range, apart from the transport's.
    private var nextRemote: UInt64 = 1 << 62
    /// Each relay heard from: the process it runs now and when it last said anything.
    private var relays: [String: (instance: String, heard: Int64)] = [:]
    /// Welcomes of relays' connections, sent with the catch-up that follows them as one answer.
    private var welcomes: [ConnectionID: (id: Int64, frame: [UInt8])] = [:]

    struct Remote: Hashable {
        let relay: String
        let connection: String
    }

    /// How long a relay may be silent (it says it is alive every `Relay.heartbeatMilliseconds`)
    /// before the owner forgets its connections (`atelier serve --relay-silence`).
    private let relaySilenceMilliseconds: Int64

    init(hub: SessionHub, endpoint: RedisEndpoint, server: WebSocketServer, relaySilenceMilliseconds: Int64) {
        self.hub = hub
        self.relaySilenceMilliseconds = relaySilenceMilliseconds
        writer = RedisClient(endpoint: endpoint, server: server, logger: hub.logger)
        reader = RedisClient(endpoint: endpoint, server: server, logger: hub.logger)
        writer.onConnect = { [unowned self] in republish() }
        reader.onConnect = { [unowned self] in
            // Relays could not be heard while Redis was out of reach: their silence counts from now.
            let now = monotonicMilliseconds()
            for relay in relays.keys { relays[relay]?.heard = now }
            readCommands()
        }
    }

    func start() {
        writer.start()
        reader.start()
        forgetSilentRelays()
    }

    var isConnected: Bool { writer.isConnected && reader.isConnected }

    // MARK: Publishing

    /// Publishes what the session's stream lacks, after a commit (the stream's ids refuse a repeat).
    func publish(_ session: LiveSession) {
        let id = session.record.id
        guard writer.isConnected else { return }
        guard let from = published[id] else { return sync(session) }
        let to = session.committedSequence
        guard from < to else { return }
        for entry in session.log[Int(from)..<Int(to)] {
            do {
                let record = try EventRecord(event: entry.event, session: id, sequence: entry.seq, at: entry.at, actor: nil)
                writer.command([
                    "XADD", RedisLayout.events(of: id), "\(entry.seq)-0",
                    "at", "\(record.at)", "type", record.type, "payload", record.payload,
                ]) { [unowned self] reply in
                    // A lost connection is logged by the client, and what it lost is published again
                    // on the next (`republish`); an id refused as not above the stream's end is already there.
                    if case .error(let message) = reply, reply != .connectionLost, !message.contains("equal or smaller") {
                        hub.logger.warning("event not published", metadata: ["session": "\(id)", "seq": "\(entry.seq)", "error": "\(message)"])
                    }
                }
            } catch {
                hub.logger.error("event not published", metadata: ["session": "\(id)", "seq": "\(entry.seq)", "error": "\(error)"])
            }
        }
        published[id] = to
    }

    /// On each connection (the first, or after Redis came back): every session's record, and from
    /// each stream's last entry on, what the log holds beyond it, so a relay never meets a gap.
    private func republish() {
        published = [:]
        syncing = []
        for session in hub.sessions.values { sync(session) }
    }

    private func sync(_ session: LiveSession) {
        let id = session.record.id
        guard !syncing.contains(id) else { return }
        syncing.insert(id)
        let record = session.record
        writer.command([
            "HSET", RedisLayout.record(of: id), "id", record.id, "code", record.joinCode, "workshop", record.workshopID,
            "title", record.title, "createdAt", "\(record.createdAt)",
        ])
        writer.command(["XREVRANGE", RedisLayout.events(of: id), "+", "-", "COUNT", "1"]) { [unowned self, weak session] reply in
            syncing.remove(id)
            guard let session, let last = RedisLayout.lastID(in: reply) else { return }
            published[id] = RedisLayout.sequence(of: last) ?? 0
            publish(session)
        }
    }

    // MARK: Relays' connections

    private func readCommands() {
        generation += 1
        let current = generation
        guard let cursor = commandsCursor else {
            return reader.command(["XREVRANGE", RedisLayout.commands, "+", "-", "COUNT", "1"]) { [unowned self] reply in
                guard current == generation, let last = RedisLayout.lastID(in: reply) else { return }
                commandsCursor = last
                readCommands()
            }
        }
        reader.command([
            "XREAD", "COUNT", "512", "BLOCK", "\(RedisLayout.blockMilliseconds)", "STREAMS", RedisLayout.commands, cursor,
        ], blockingFor: RedisLayout.blockMilliseconds) { [unowned self] reply in
            guard current == generation else { return }
            if case .error = reply { return }  // the connection is down; its next one reads again
            for (_, entries) in RedisLayout.entries(of: reply) {
                for entry in entries {
                    commandsCursor = entry.id
                    take(entry)
                }
            }
            readCommands()
        }
    }

    /// A relay said it is alive, or one of its connections sent a message or closed.
    private func take(_ entry: RedisLayout.Entry) {
        guard let server = hub.server, let relay = entry.text("relay"), let instance = entry.text("instance") else { return }
        if let known = relays[relay], known.instance != instance {
            // The relay was started again under its id: its connections are new ones, whatever their ids.
            hub.logger.notice("relay restarted; its former connections forgotten", metadata: ["relay": "\(relay)"])
            forget(relay)
        }
        relays[relay] = (instance, monotonicMilliseconds())
        guard let connection = entry.text("connection") else { return }
        let remote = Remote(relay: relay, connection: connection)
        switch entry.text("kind") {
        case "message":
            guard let message = entry.fields["message"] else { return }
            let id = remotes[remote] ?? open(remote, entry)
            hub.server(server, didReceive: message, from: id)
        case "close":
            guard let id = remotes[remote] else { return }
            drop(id)
        default:
            hub.logger.debug("relay entry of unknown kind skipped", metadata: ["relay": "\(relay)"])
        }
    }

    /// A relay's connection the owner does not know yet. One its relay says is a member already (it
    /// entered before this owner started, or before the owner forgot a silent relay) is a member
    /// again: the relay only says so of what an owner welcomed, and Redis is trusted (SECURITY.md).
    private func open(_ remote: Remote, _ entry: RedisLayout.Entry) -> ConnectionID {
        let id = ConnectionID(rawValue: nextRemote)
        nextRemote += 1
        remotes[remote] = id
        remoteOf[id] = remote
        let client = SessionHub.Client(
            id: id, peer: "\(entry.text("peer") ?? remote.relay) via relay \(remote.relay)",
            guestBucket: TokenBucket(hub.options.guestRateLimit, now: hub.clock()))
        if let session = entry.text("session"), let participant = entry.text("participant"),
           hub.sessions[session]?.state.participants[participant] != nil {
            client.session = session
            client.participant = participant
        }
        hub.clients[id] = client
        return id
    }

    /// Forgets a relay's connection, as the hub forgets one of its own that closed.
    private func drop(_ id: ConnectionID) {
        guard let remote = remoteOf.removeValue(forKey: id), let server = hub.server else { return }
        remotes[remote] = nil
        welcomes[id] = nil
        hub.server(server, didClose: id, code: nil)
    }

    /// Forgets every connection of `relay`, as if each had closed.
    private func forget(_ relay: String) {
        for (remote, id) in remotes where remote.relay == relay { drop(id) }
    }

    /// Checks once a second for relays silent past `relaySilenceMilliseconds`, and forgets them.
    private func forgetSilentRelays() {
        hub.server?.every(milliseconds: Relay.heartbeatMilliseconds) { [weak self] in
            guard let self else { return }
            let now = monotonicMilliseconds()
            for (relay, known) in relays where now - known.heard > relaySilenceMilliseconds {
                hub.logger.notice("relay silent past \(relaySilenceMilliseconds) ms; its connections forgotten",
                                  metadata: ["relay": "\(relay)"])
                relays[relay] = nil
                forget(relay)
            }
        }
    }

    /// The connections the owner holds for each relay it hears from, for `/metrics`.
    var connectionsByRelay: [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: relays.keys.map { ($0, 0) })
        for remote in remotes.keys { counts[remote.relay, default: 0] += 1 }
        return counts
    }

    func isRemote(_ connection: ConnectionID) -> Bool { remoteOf[connection] != nil }

    /// An answer for a relay's connection: the relay sends it once it holds the session's log up
    /// to what is committed now, so its member has the events before the ack, as on the owner.
    func deliver(_ message: ServerMessage, to connection: ConnectionID) {
        switch message {
        case .ack(let ack) where ack.welcome != nil:
            // Sent with the catch-up that follows it (`enter`): one answer, given whole or not at all.
            welcomes[connection] = (ack.id, message.serializedBytes())
        case .ack(let ack):
            reply(to: connection, ["kind": "frame", "answers": "\(ack.id)"], frame: message.serializedBytes())
        case .error(let error):
            reply(to: connection, ["kind": "frame", "answers": error.id.map { "\($0)" }].compactMapValues { $0 },
                  frame: message.serializedBytes())
        default:
            reply(to: connection, ["kind": "frame"], frame: message.serializedBytes())
        }
    }

    /// The relay sends the welcome, then streams the member its catch-up from `index` of its own
    /// log and makes it a member.
    func enter(_ connection: ConnectionID, in session: LiveSession, as participant: ParticipantID, from index: Int) {
        guard let welcome = welcomes.removeValue(forKey: connection) else { return }
        reply(to: connection, ["kind": "enter", "answers": "\(welcome.id)", "participant": participant, "from": "\(index)"],
              frame: welcome.frame)
    }

    /// A transcript's parts and the ack that ends them (`messages`, answering `id`): the relay paces
    /// them to its connection as the hub does its own.
    func transcript(_ messages: [ServerMessage], answering id: Int64, to connection: ConnectionID) {
        for (index, message) in messages.enumerated() {
            var fields = ["kind": "frame", "answers": "\(id)", "paced": "1"]
            if index < messages.count - 1 { fields["partial"] = "1" }
            reply(to: connection, fields, frame: message.serializedBytes())
        }
    }

    func close(_ connection: ConnectionID, code: UInt16, reason: String) {
        reply(to: connection, ["kind": "close", "code": "\(code)", "reason": reason])
    }

    private func reply(to connection: ConnectionID, _ fields: [String: String], frame: [UInt8]? = nil) {
        guard let remote = remoteOf[connection] else { return }
        let session = hub.clients[connection]?.session
        let seq = session.flatMap { hub.sessions[$0]?.committedSequence } ?? 0
        let arguments = [
            "XADD", RedisLayout.replies(to: remote.relay), "MAXLEN", "~", RedisLayout.streamLength, "*",
            "instance", relays[remote.relay]?.instance ?? "", "connection", remote.connection, "session", session ?? "", "seq", "\(seq)",
        ] + fields.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        writer.command(arguments.map { [UInt8]($0.utf8) } + (frame.map { [[UInt8]("frame".utf8), $0] } ?? [])) { _ in }
    }
}
