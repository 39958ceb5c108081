import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierStore
import AtelierThreads
import Foundation
import Logging

/// A relay's link to Redis (`atelier serve --redis URL --relay`): it decides nothing. It follows the
/// streams of the sessions its connections are in, folds their events into the same `LiveSession`
/// the owner keeps (the same `apply`, audiences and catch-ups), and forwards every message that
/// decides to the owner, sending the owner's answer once its own copy of the log has reached the
/// `seq` the owner had committed when it answered.
///
/// Confined to the service thread, like the hub.
final class Relay {
    /// Names the relay in the commands it forwards and its replies stream: its host and port, so a
    /// relay started again in its place reads the same replies stream (set by `start`).
    private(set) var id = ""
    /// Tells this process from an earlier one under the same id: the owner forgets the connections
    /// of the earlier one, and the relay takes only the answers meant for it.
    let instance = UUID().uuidString.lowercased()
    private unowned let hub: SessionHub
    /// Forwards messages.
    private let writer: RedisClient
    /// One blocking read over the replies stream and every followed session's events.
    private let reader: RedisClient
    /// The reader's id on its connection (`CLIENT ID`): the writer wakes its blocked read by it.
    private var readerID: Int64?
    /// The sessions the read in flight follows; nil while none is in flight.
    private var reading: Set<SessionID>?
    private var generation = 0
    /// Where the replies stream was read to; nil until first known, so an earlier process's are not read.
    private var repliesCursor: String?
    /// Messages to forward once `repliesCursor` is known: an answer added to the stream before its
    /// end was first looked at would be taken for an earlier process's and never read.
    private var held: [(connection: ConnectionID, command: [[UInt8]])] = []
    /// The last `seq` of each followed session's stream when last looked at, for `/metrics`.
    private(set) var streamEnds: [SessionID: Int64] = [:]
    /// Sessions followed and the `seq` read to; a session is served once its first events are read.
    private var cursors: [SessionID: Int64] = [:]
    private var records: [SessionID: SessionRecord] = [:]
    private var loading: Set<SessionID> = []
    /// Answers waiting, in order, for the session's log to reach their `seq`.
    private var waiting: [SessionID: [Answer]] = [:]
    /// Messages forwarded and not yet answered, by connection: the id and when to give up.
    private var unanswered: [ConnectionID: [(id: Int64, deadline: Int64)]] = [:]
    private var watch: TimerToken?

    /// How long a forwarded message waits for the owner's answer before `server.unavailable`.
    static let answerPatienceMilliseconds: Int64 = 5_000
    /// How often the relay tells the owner it is alive (the owner forgets a relay silent past its
    /// `--relay-silence`) and looks at the end of the streams it follows.
    static let heartbeatMilliseconds = 1_000

    struct Answer {
        let connection: ConnectionID
        let seq: Int64
        let entry: RedisLayout.Entry
    }

    init(hub: SessionHub, endpoint: RedisEndpoint, server: WebSocketServer) {
        self.hub = hub
        writer = RedisClient(endpoint: endpoint, server: server, logger: hub.logger)
        reader = RedisClient(endpoint: endpoint, server: server, logger: hub.logger)
        reader.onConnect = { [unowned self] in
            readerID = nil
            reader.command(["CLIENT", "ID"]) { [unowned self] reply in
                guard case .integer(let id) = reply else { return }  // the connection is down; its next one asks again
                readerID = id
                read()
            }
        }
    }

    func start() {
        guard let server = hub.server else { return }
        id = "\(ProcessInfo.processInfo.hostName):\(server.port)"
        writer.onConnect = { [unowned self] in heartbeat() }
        writer.start()
        reader.start()
        beat()
    }

    /// Says it is alive and looks at the streams' ends every `heartbeatMilliseconds`.
    private func beat() {
        hub.server?.every(milliseconds: Self.heartbeatMilliseconds) { [weak self] in
            guard let self, writer.isConnected else { return }
            heartbeat()
        }
    }

    private func heartbeat() {
        writer.command(["XADD", RedisLayout.commands, "MAXLEN", "~", RedisLayout.streamLength, "*",
                        "relay", id, "instance", instance, "kind", "alive"])
        for session in cursors.keys {
            writer.command(["XREVRANGE", RedisLayout.events(of: session), "+", "-", "COUNT", "1"]) { [unowned self] reply in
                if let last = RedisLayout.lastID(in: reply) { streamEnds[session] = RedisLayout.sequence(of: last) }
            }
        }
    }

    /// How far each followed session is read, and its stream's end when last looked at, by join code.
    var lag: [(code: String, followed: Int64, end: Int64)] {
        cursors.compactMap { session, followed in
            guard let code = records[session]?.joinCode else { return nil }
            return (code, followed, max(streamEnds[session] ?? followed, followed))
        }.sorted { $0.code < $1.code }
    }

    /// Whether the relay reads the streams, its replies stream included (`/healthz`).
    var isFollowing: Bool { writer.isConnected && reader.isConnected && repliesCursor != nil }

    // MARK: Forwarding

    /// Forwards a message that decides to the owner; its answer comes back on the replies stream.
    func forward(_ message: [UInt8], id: Int64, from client: SessionHub.Client, now: Timestamp) {
        guard writer.isConnected else { return unavailable(id, client.id, now: now) }
        // A member says where it is, so an owner that does not know it (started again) knows it again.
        let membership = client.session.flatMap { session in client.participant.map { ["session", session, "participant", $0] } }
        let fields = [
            "XADD", RedisLayout.commands, "MAXLEN", "~", RedisLayout.streamLength, "*", "relay", self.id,
            "instance", instance, "connection", "\(client.id.rawValue)", "kind", "message", "peer", client.peer,
        ] + (membership ?? []) + ["message"]
        let command = fields.map { [UInt8]($0.utf8) } + [message]
        if repliesCursor == nil { held.append((client.id, command)) } else { writer.command(command) { _ in } }
        unanswered[client.id, default: []].append((id, monotonicMilliseconds() + Self.answerPatienceMilliseconds))
        watchAnswers()
    }

    /// A connection closed: the owner forgets it.
    func closed(_ connection: ConnectionID) {
        unanswered[connection] = nil
        held.removeAll { $0.connection == connection }
        forget(connection)
    }

    /// Has the owner forget the connection: it closed, or it is to enter afresh.
    private func forget(_ connection: ConnectionID) {
        guard writer.isConnected else { return }
        writer.command([
            "XADD", RedisLayout.commands, "MAXLEN", "~", RedisLayout.streamLength, "*", "relay", id,
            "instance", instance, "connection", "\(connection.rawValue)", "kind", "close",
        ])
    }

    private func unavailable(_ id: Int64, _ connection: ConnectionID, now: Timestamp) {
        hub.metrics.refused(.protocol(.serverUnavailable))
        hub.deliver(.error(.init(
            id: id, code: .protocol(.serverUnavailable),
            message: "The server that runs this session did not answer in time. If it did this after all, you will see it "
                + "happen; if not, send it again.",
            now: now)), to: connection)
    }

    /// Whether the answer to message `id` of `connection` is still awaited; `finished` stops waiting.
    /// An answer past its patience was already given (`server.unavailable`): the late one is dropped.
    private func awaited(_ id: Int64, _ connection: ConnectionID, finished: Bool) -> Bool {
        guard let index = unanswered[connection]?.firstIndex(where: { $0.id == id }) else { return false }
        if finished { unanswered[connection]?.remove(at: index) }
        return true
    }

    /// Answers `server.unavailable` to what waited past its patience, once a second while anything waits.
    private func watchAnswers() {
        guard watch == nil, let server = hub.server else { return }
        watch = server.schedule(afterMilliseconds: 1_000) { [unowned self] in
            watch = nil
            let now = monotonicMilliseconds()
            for (connection, waits) in unanswered {
                let late = waits.filter { $0.deadline <= now }
                guard !late.isEmpty else { continue }
                unanswered[connection] = waits.filter { $0.deadline > now }
                for wait in late { unavailable(wait.id, connection, now: hub.clock()) }
                // A connection outside a session may have been welcomed meanwhile: the owner forgets
                // it, after that message in the commands stream, so that it enters afresh.
                if hub.clients[connection]?.session == nil { forget(connection) }
            }
            unanswered = unanswered.filter { !$0.value.isEmpty }
            if !unanswered.isEmpty { watchAnswers() }
        }
    }

    // MARK: Following

    private func read() {
        generation += 1
        let current = generation
        guard let repliesCursor else {
            return reader.command(["XREVRANGE", RedisLayout.replies(to: id), "+", "-", "COUNT", "1"]) { [unowned self] reply in
                guard current == generation, let last = RedisLayout.lastID(in: reply) else { return }
                self.repliesCursor = last
                for (_, command) in held { writer.command(command) { _ in } }
                held = []
                read()
            }
        }
        let followed = cursors.sorted { $0.key < $1.key }
        let streams = [RedisLayout.replies(to: id)] + followed.map { RedisLayout.events(of: $0.key) }
        let positions = [repliesCursor] + followed.map { "\($0.value)-0" }
        reading = Set(followed.map(\.key))
        reader.command(
            ["XREAD", "COUNT", "1000", "BLOCK", "\(RedisLayout.blockMilliseconds)", "STREAMS"] + streams + positions,
            blockingFor: RedisLayout.blockMilliseconds
        ) { [unowned self] reply in
            guard current == generation, let server = hub.server else { return }
            reading = nil
            if case .error = reply { return }  // the connection is down; its next one reads again
            let streams = RedisLayout.entries(of: reply)
            // Taken once the loop's turn has returned, as the owner's commits are: the fan-out then
            // goes out with the turn's own writes, not through a POLLOUT watcher per member
            // (BENCHMARKS.md, "A relayed plenary").
            server.post { [unowned hub] in hub.relay?.take(streams, followed: followed.map(\.key), generation: current) }
        }
    }

    /// What one read brought: each followed session's next events, then the owner's answers.
    private func take(_ streams: [(stream: String, entries: [RedisLayout.Entry])], followed: [SessionID], generation reading: Int) {
        guard reading == generation else { return }
        // Events first: answers read in the same reply then find the log they wait for.
        for (stream, entries) in streams where stream != RedisLayout.replies(to: id) {
            guard let session = followed.first(where: { RedisLayout.events(of: $0) == stream }) else { continue }
            fold(entries, into: session)
        }
        for (stream, entries) in streams where stream == RedisLayout.replies(to: id) {
            for entry in entries {
                repliesCursor = entry.id
                take(entry)
            }
        }
        read()
    }

    /// Follows a session from its first event on, once its record is read.
    private func follow(_ session: SessionID) {
        guard cursors[session] == nil, !loading.contains(session) else { return }
        loading.insert(session)
        writer.command(["HGETALL", RedisLayout.record(of: session)]) { [unowned self] reply in
            loading.remove(session)
            let fields = reply.elements.compactMap(\.text)
            let values = Dictionary(stride(from: 0, to: fields.count - 1, by: 2).map { (fields[$0], fields[$0 + 1]) }) { $1 }
            guard let code = values["code"], let workshop = values["workshop"], let title = values["title"] else {
                hub.logger.error("session record missing in Redis", metadata: ["session": "\(session)"])
                return
            }
            // Relays never check a moderator key: the owner does.
            records[session] = SessionRecord(
                id: session, joinCode: code, workshopID: workshop, title: title,
                createdAt: values["createdAt"].flatMap { Int64($0) } ?? 0, moderatorKeyHash: "", moderatorKeySalt: "")
            cursors[session] = 0
            wake()
        }
    }

    /// Has the blocked read issued again at once, with the sessions followed since it was: `CLIENT
    /// UNBLOCK` ends it as if its time had run out (an empty reply). Redis may not have taken the read
    /// yet (it comes on the other connection), so while the read in flight lacks a session and
    /// nothing was unblocked, it asks again.
    private func wake() {
        guard let readerID, let reading, !Set(cursors.keys).isSubset(of: reading) else { return }
        writer.command(["CLIENT", "UNBLOCK", "\(readerID)"]) { [unowned self] reply in
            if case .integer(0) = reply { wake() }
        }
    }

    /// Folds a session's next events, in order, and sends them to its members as the owner does.
    private func fold(_ entries: [RedisLayout.Entry], into id: SessionID) {
        var rows: [EventRecord] = []
        for entry in entries {
            guard let seq = entry.sequence, let at = entry.integer("at"), let type = entry.text("type"),
                  let payload = entry.text("payload") else { continue }
            rows.append(EventRecord(sessionID: id, sequence: seq, at: at, actor: nil, type: type, payload: payload))
        }
        do {
            if let session = hub.sessions[id] {
                for row in rows where row.sequence == session.committedSequence + 1 {
                    _ = session.accept([try row.event()], by: nil, at: Timestamp(milliseconds: row.at))
                    // One event at a time: each is committed under its own seq, as the owner did.
                    let (committed, before) = session.commit()
                    hub.fanOut(committed, in: session)
                    if let before, let first = committed.first?.seq { hub.widen(session, since: before, below: first) }
                }
                cursors[id] = session.committedSequence
            } else if let record = records[id], rows.first?.sequence == 1 {
                let session = try LiveSession(record: record, log: rows, random: SplitMix64(seed: 0))
                hub.register(session)
                cursors[id] = session.committedSequence
            }
        } catch {
            hub.logger.error("followed event unreadable", metadata: ["session": "\(id)", "error": "\(error)"])
        }
        answerWaiting(in: id)
    }

    // MARK: The owner's answers

    private func take(_ entry: RedisLayout.Entry) {
        guard entry.text("instance") == instance,
              let connection = entry.integer("connection").map({ ConnectionID(rawValue: UInt64($0)) }),
              hub.clients[connection] != nil else { return }
        let session = entry.text("session") ?? ""
        let answer = Answer(connection: connection, seq: entry.integer("seq") ?? 0, entry: entry)
        guard !session.isEmpty else { return perform(answer, in: nil) }
        waiting[session, default: []].append(answer)
        follow(session)
        answerWaiting(in: session)
    }

    /// Sends, in order, the answers whose `seq` the relay's log has reached.
    private func answerWaiting(in id: SessionID) {
        guard let session = hub.sessions[id], var queue = waiting[id] else { return }
        while let answer = queue.first, answer.seq <= session.committedSequence {
            queue.removeFirst()
            perform(answer, in: session)
        }
        waiting[id] = queue.isEmpty ? nil : queue
    }

    private func perform(_ answer: Answer, in session: LiveSession?) {
        guard let server = hub.server, let client = hub.clients[answer.connection] else { return }
        let entry = answer.entry
        switch entry.text("kind") {
        case "frame":
            guard let frame = entry.fields["frame"] else { return }
            if let id = entry.integer("answers"),
               !awaited(id, answer.connection, finished: entry.text("partial") == nil) { return }
            if entry.text("paced") != nil, let session {
                hub.pace([OutboundFrame(bytes: frame)], to: answer.connection, in: session)
            } else {
                server.send(OutboundFrame(bytes: frame), to: answer.connection)
            }
        case "enter":
            guard let session, let participant = entry.text("participant"), let from = entry.integer("from"),
                  let welcome = entry.fields["frame"], let id = entry.integer("answers") else { return }
            // Welcomed too late: the member was told `server.unavailable`, and the owner to forget it.
            guard awaited(id, answer.connection, finished: true) else { return }
            server.send(OutboundFrame(bytes: welcome), to: answer.connection)
            client.session = session.record.id
            client.participant = participant
            hub.startCatchUp(answer.connection, in: session, as: participant, from: Int(from))
        case "close":
            server.close(answer.connection, code: UInt16(entry.integer("code") ?? 1008), reason: entry.text("reason") ?? "")
        default:
            break
        }
    }
}
