import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierStore
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

    struct Remote: Hashable {
        let relay: String
        let connection: String
    }

    init(hub: SessionHub, endpoint: RedisEndpoint, server: WebSocketServer) {
        self.hub = hub
        writer = RedisClient(endpoint: endpoint, server: server, logger: hub.logger)
        reader = RedisClient(endpoint: endpoint, server: server, logger: hub.logger)
        writer.onConnect = { [unowned self] in republish() }
        reader.onConnect = { [unowned self] in readCommands() }
    }

    func start() {
        writer.start()
        reader.start()
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
                    if case .error(let message) = reply, !message.contains("equal or smaller") {
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
            published[id] = Int64(last.split(separator: "-")[0]) ?? 0
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
            "XREAD", "COUNT", "512", "BLOCK", RedisLayout.blockMilliseconds, "STREAMS", RedisLayout.commands, cursor,
        ]) { [unowned self] reply in
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

    /// A relay's connection sent a message, or closed.
    private func take(_ entry: RedisLayout.Entry) {
        guard let server = hub.server, let relay = entry.text("relay"), let connection = entry.text("connection") else { return }
        let remote = Remote(relay: relay, connection: connection)
        switch entry.text("kind") {
        case "message":
            guard let message = entry.fields["message"] else { return }
            let id = remotes[remote] ?? open(remote, peer: entry.text("peer") ?? relay)
            hub.server(server, didReceive: message, from: id)
        case "close":
            guard let id = remotes.removeValue(forKey: remote) else { return }
            remoteOf[id] = nil
            hub.server(server, didClose: id, code: nil)
        default:
            hub.logger.debug("relay entry of unknown kind skipped", metadata: ["relay": "\(relay)"])
        }
    }

    private func open(_ remote: Remote, peer: String) -> ConnectionID {
        let id = ConnectionID(rawValue: nextRemote)
        nextRemote += 1
        remotes[remote] = id
        remoteOf[id] = remote
        hub.clients[id] = SessionHub.Client(
            id: id, peer: "\(peer) via relay \(remote.relay)", guestBucket: TokenBucket(hub.options.guestRateLimit, now: hub.clock()))
        return id
    }

    func isRemote(_ connection: ConnectionID) -> Bool { remoteOf[connection] != nil }

    /// An answer for a relay's connection: the relay sends it once it holds the session's log up
    /// to what is committed now, so its member has the events before the ack, as on the owner.
    func deliver(_ message: ServerMessage, to connection: ConnectionID) {
        var fields = ["kind": "frame"]
        // The relay stops waiting for the answer to a message once it has it.
        switch message {
        case .ack(let ack): fields["answers"] = "\(ack.id)"
        case .error(let error): if let id = error.id { fields["answers"] = "\(id)" }
        default: break
        }
        reply(to: connection, fields, frame: message.serializedBytes())
    }

    /// The relay streams the member its catch-up from `index` of its own log, then makes it a member.
    func enter(_ connection: ConnectionID, in session: LiveSession, as participant: ParticipantID, from index: Int) {
        reply(to: connection, ["kind": "enter", "participant": participant, "from": "\(index)"])
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
            "connection", remote.connection, "session", session ?? "", "seq", "\(seq)",
        ] + fields.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        writer.command(arguments.map { [UInt8]($0.utf8) } + (frame.map { [[UInt8]("frame".utf8), $0] } ?? [])) { _ in }
    }
}
