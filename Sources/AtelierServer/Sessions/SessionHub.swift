import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierStore
import AtelierWire
import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The live service: every served session, every connection, and the protocol between them
/// (docs/PROTOCOL.md). It is the `WebSocketServer`'s delegate.
///
/// Confined to the service thread once the server runs (hence `@unchecked Sendable`: it is only
/// handed to the server, never shared). Each message is decided at once against the session's
/// state; the turn's events are appended to the database in one transaction per session when
/// the loop turn ends, and only then are acks and events sent.
public final class SessionHub: WebSocketServerDelegate, @unchecked Sendable {
    /// Limits a connection lives with.
    public struct Options: Sendable {
        /// Each participant's rate over all their connections, once one has entered a session.
        public var rateLimit: RateLimit
        /// Each connection's own rate before it has entered a session.
        public var guestRateLimit: RateLimit
        /// Messages refused for rate past which the connection is closed (1008).
        public var rateRefusalsBeforeClose: Int
        /// Unreadable messages, less one per message read since, at which the connection is closed (1008).
        public var badMessagesBeforeClose: Int
        /// Wrong moderator keys on one connection after which it is closed (1008).
        public var badKeysBeforeClose: Int
        /// How long decided commands wait for a write lock another program holds on the database
        /// (an organiser's sqlite3 shell) before they are refused with `server.storeFailed`;
        /// meanwhile the service goes on, and tries again a few times a second.
        public var lockPatienceMilliseconds = 30_000
        /// How long an ended session nobody is connected to stays loaded before the server lets go
        /// of it (`atelier serve --keep-ended`).
        public var endedSessionHoldMilliseconds = SessionHub.endedSessionHoldMilliseconds

        public init(
            rateLimit: RateLimit = RateLimit(), guestRateLimit: RateLimit = .guest, rateRefusalsBeforeClose: Int = 200,
            badMessagesBeforeClose: Int = 20, badKeysBeforeClose: Int = 5
        ) {
            self.rateLimit = rateLimit
            self.guestRateLimit = guestRateLimit
            self.rateRefusalsBeforeClose = rateRefusalsBeforeClose
            self.badMessagesBeforeClose = badMessagesBeforeClose
            self.badKeysBeforeClose = badKeysBeforeClose
        }
    }

    let store: EventStore
    let options: Options
    let logger: Logger
    let clock: @Sendable () -> Timestamp
    let transcripts: TranscriptRenderer
    /// Set by `attach`; the hub schedules its timers and sends through it.
    weak var server: WebSocketServer?

    var sessions: [SessionID: LiveSession] = [:]
    var sessionByCode: [String: SessionID] = [:]
    var clients: [ConnectionID: Client] = [:]
    /// The rate buckets of everyone who has entered a session, kept while the server runs so a
    /// reconnect does not refill them.
    var buckets: [RateHolder: TokenBucket] = [:]
    /// Sessions with events or answers waiting for the end of the turn.
    var dirty: Set<SessionID> = []
    var metrics = HubMetrics()
    /// Moderator keys tried over HTTP (`/export`), by address.
    var exportKeys = KeyThrottle()
    /// The address participants reach the server on (`--public-url`), for the links the presenter
    /// shows; nil for this machine's own LAN address (`JoinLink.base`). Set before the server starts.
    public var publicURL: String?
    /// Who this server's leases on its sessions name (`atelier synthesis` says it when refused).
    public let leaseHolder = "atelier serve, process \(getpid())"
    /// Set hourly; the retention purge then runs once the turn's events are stored.
    var retentionDue = false
    /// With `--redis`: the owner's link, publishing what it commits and taking relays' commands.
    var publisher: Publisher?
    /// With `--redis --relay`: this server decides nothing; it follows the owner and forwards.
    var relay: Relay?

    /// A connection and what it has done.
    final class Client {
        let id: ConnectionID
        let peer: String
        var session: SessionID?
        var participant: ParticipantID?
        /// True from an accepted join until its welcome, so a second join waits for nothing.
        var entering = false
        /// Its own budget until it enters a session; then it draws from its participant's.
        var guestBucket: TokenBucket
        var rateRefusals = 0
        var badMessages = 0
        var badKeys = 0
        /// How it asked for its catch-ups when it entered; nil for text.
        var compression: CatchUpCompression?

        init(id: ConnectionID, peer: String, guestBucket: TokenBucket) {
            self.id = id
            self.peer = peer
            self.guestBucket = guestBucket
        }
    }

    public init(
        store: EventStore, options: Options = Options(), logger: Logger, transcripts: TranscriptRenderer,
        clock: @escaping @Sendable () -> Timestamp = SessionHub.wallClock
    ) {
        self.store = store
        self.options = options
        self.logger = logger
        self.transcripts = transcripts
        self.clock = clock
        do { try store.waitForLocks(upTo: Self.lockWaitMilliseconds) } catch {
            logger.error("database lock wait not set", metadata: ["error": "\(error)"])
        }
    }

    /// How long one commit waits for a lock held elsewhere before trying again later: the
    /// service thread answers everyone else meanwhile.
    static let lockWaitMilliseconds = 20

    /// Milliseconds since the Unix epoch from the system's real-time clock.
    public static let wallClock: @Sendable () -> Timestamp = {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(milliseconds: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    // MARK: Sessions (before the server starts, or on the service thread)

    /// Serves every stored session that has not ended; returns their records.
    @discardableResult
    public func loadSessions() throws -> [SessionRecord] {
        var loaded: [SessionRecord] = []
        for record in try store.sessions() where sessions[record.id] == nil {
            // Leased before its log is read, so nothing can be appended beside this server after.
            try store.holdSessions([record.id], holder: leaseHolder, at: clock())
            let session = try LiveSession(record: record, log: store.events(of: record.id), random: Self.freshRandom())
            guard session.state.status != .ended else {
                try store.releaseSessions([record.id], holder: leaseHolder)
                continue
            }
            register(session)
            loaded.append(record)
        }
        return loaded
    }

    /// Creates, stores and serves a new session of `workshop`.
    public func createSession(workshop: WorkshopDefinition) throws -> SessionFactory.Created {
        let created = try SessionFactory.create(workshop: workshop, in: store, at: clock())
        try store.holdSessions([created.record.id], holder: leaseHolder, at: clock())
        register(try LiveSession(record: created.record, log: store.events(of: created.record.id), random: Self.freshRandom()))
        logger.info("session created", metadata: ["session": "\(created.record.id)", "code": "\(created.record.joinCode)", "workshop": "\(workshop.id)"])
        return created
    }

    /// The served sessions' records, oldest first.
    public var servedSessions: [SessionRecord] {
        sessions.values.map(\.record).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The state of a served session now, read on the service thread while the server runs.
    public func state(of session: SessionID) -> SessionState? {
        guard let server, !server.isOnServiceThread else { return sessions[session]?.state }
        final class Box: @unchecked Sendable { var state: SessionState?; let done = DispatchSemaphore(value: 0) }
        let box = Box()
        server.post { [self] in
            box.state = sessions[session]?.state
            box.done.signal()
        }
        // A stopped server drops posted work; then no other thread touches the sessions.
        guard box.done.wait(timeout: .now() + 5) == .success else { return sessions[session]?.state }
        return box.state
    }

    /// Hands the hub the server it serves through; call before `start()`. Timers of loaded
    /// sessions are set on the first loop turn.
    public func attach(_ server: WebSocketServer) {
        self.server = server
        server.post { [self] in
            for session in sessions.values { reschedule(session) }
            // A relay holds no session of its own database: nothing to lease, nothing to purge.
            if relay == nil { scheduleHousekeeping() }
        }
    }

    /// Sets every timer again from the clock, e.g. after the system clock jumped.
    public func clockChanged() {
        server?.post { [self] in
            for session in sessions.values { reschedule(session, anew: true) }
        }
    }

    func register(_ session: LiveSession) {
        session.lastAttended = clock()
        sessions[session.record.id] = session
        sessionByCode[session.record.joinCode.uppercased()] = session.record.id
    }

    private static func freshRandom() -> SplitMix64 {
        var system = SystemRandomNumberGenerator()
        return SplitMix64(seed: system.next())
    }

    // MARK: Connections

    public func server(_ server: WebSocketServer, didOpen connection: ConnectionInfo) {
        clients[connection.id] = Client(
            id: connection.id, peer: connection.peerAddress, guestBucket: TokenBucket(options.guestRateLimit, now: clock()))
    }

    public func server(_ server: WebSocketServer, didClose connection: ConnectionID, code: UInt16?) {
        guard let client = clients.removeValue(forKey: connection) else { return }
        relay?.closed(connection)
        guard let id = client.session, let session = sessions[id] else { return }
        session.lastAttended = clock()
        session.streams[connection] = nil
        session.transcripts[connection] = nil
        if let participant = session.members.removeValue(forKey: connection) {
            logger.info("disconnected", metadata: ["session": "\(session.record.joinCode)", "participant": "\(participant)", "close": "\(code.map(String.init) ?? "none")"])
        }
    }

    public func server(_ server: WebSocketServer, didReceive message: [UInt8], from connection: ConnectionID) {
        guard let client = clients[connection] else { return }
        let now = clock()
        // Every frame costs a token, readable or not, so junk is no cheaper to send than commands.
        let allowed = takeToken(client, at: now)
        let parsed: ClientMessage
        do {
            let value = try JSONValue.parse(message)
            parsed = try ClientMessage.read(value)
        } catch let error as WireError {
            return unreadable(client, id: nil, code: .wire(error.code), path: error.path, message: error.message, allowed: allowed, now: now)
        } catch let error as ClientMessage.ReadError {
            return unreadable(client, id: error.id, code: error.code, path: error.path, message: error.message, allowed: allowed, now: now)
        } catch {
            return unreadable(client, id: nil, code: .protocol(.protocolBadMessage), path: "", message: "\(error)", allowed: allowed, now: now)
        }
        guard allowed else { return rateLimited(client, id: parsed.id, now: now) }
        // A message read forgives one unreadable message, not all: junk between valid messages still adds up.
        client.badMessages = max(client.badMessages - 1, 0)
        // Kept by the server holding the socket, relay or not: it streams the member's catch-ups.
        if client.session == nil, let asked = parsed.compression { client.compression = asked }
        if let relay, parsed.body != .ping { return relay.forward(message, id: parsed.id, from: client, now: now) }
        switch parsed.body {
        case .ping:
            send(.ack(.init(id: parsed.id, now: now)), to: client)
        case .join(let request):
            join(request, id: parsed.id, from: client, now: now)
        case .moderate(let request):
            moderate(request, id: parsed.id, from: client, now: now)
        case .rejoin(let request):
            rejoin(request, id: parsed.id, from: client, now: now)
        case .command(let command):
            perform(command, id: parsed.id, once: parsed.once, from: client, now: now)
        case .preview(let request):
            preview(request, id: parsed.id, from: client, now: now)
        case .transcript(let request):
            transcript(request, id: parsed.id, from: client, now: now)
        }
    }

    /// Answers a message that could not be read; too many close the connection, also when they
    /// came past the rate limit.
    private func unreadable(
        _ client: Client, id: Int64?, code: ServerMessage.ServerError.Code, path: String, message: String, allowed: Bool, now: Timestamp
    ) {
        client.badMessages += 1
        if client.badMessages >= options.badMessagesBeforeClose {
            metrics.refused(code)
            disconnect(client.id, code: 1008, reason: "too many unreadable messages")
            return
        }
        guard allowed else { return rateLimited(client, id: id, now: now) }
        metrics.refused(code)
        send(.error(.init(id: id, code: code, message: message, path: path, now: now)), to: client)
    }

    /// Refuses a message past the rate limit; too many such refusals close the connection.
    private func rateLimited(_ client: Client, id: Int64?, now: Timestamp) {
        client.rateRefusals += 1
        metrics.refused(.protocol(.rateLimited))
        if client.rateRefusals >= options.rateRefusalsBeforeClose {
            disconnect(client.id, code: 1008, reason: "too many messages")
        } else {
            send(.error(.init(id: id, code: .protocol(.rateLimited), message: "Too many messages; slow down and send this again.", now: now)), to: client)
        }
    }

    /// Takes a token from the participant's bucket once the connection has entered a session,
    /// else from the connection's own.
    private func takeToken(_ client: Client, at now: Timestamp) -> Bool {
        guard let session = client.session, let participant = client.participant else {
            return client.guestBucket.take(at: now)
        }
        let moderator = sessions[session]?.state.participants[participant]?.isModerator == true
        let holder = RateHolder(session: session, participant: moderator ? nil : participant)
        return buckets[holder, default: TokenBucket(options.rateLimit, now: now)].take(at: now)
    }

    // MARK: Entering a session

    private func join(_ request: JoinRequest, id: Int64, from client: Client, now: Timestamp) {
        guard let session = entry(request.code, id: id, client: client, now: now) else { return }
        let token = Secrets.token()
        let command = Command.join(
            name: request.name, role: request.role, organisation: request.organisation, language: request.language,
            credential: Secrets.credential(forToken: token))
        enter(session, command, id: id, client: client, token: token, after: nil, now: now)
    }

    private func moderate(_ request: ModerateRequest, id: Int64, from client: Client, now: Timestamp) {
        guard let session = entry(request.code, id: id, client: client, now: now) else { return }
        guard Secrets.isModeratorKey(request.key, of: session.record) else {
            client.badKeys += 1
            metrics.refused(.protocol(.authBadKey))
            logger.notice("wrong moderator key", metadata: ["session": "\(session.record.joinCode)", "peer": "\(client.peer)"])
            if client.badKeys >= options.badKeysBeforeClose {
                disconnect(client.id, code: 1008, reason: "too many wrong keys")
            } else {
                send(.error(.init(id: id, code: .protocol(.authBadKey), message: "This is not the moderator key of this session.", now: now)), to: client)
            }
            return
        }
        let token = Secrets.token()
        let language = request.language ?? session.state.workshop.languages.first ?? ""
        let command = Command.joinAsModerator(
            name: request.name, language: language, credential: Secrets.credential(forToken: token))
        enter(session, command, id: id, client: client, token: token, after: nil, now: now)
    }

    private func rejoin(_ request: RejoinRequest, id: Int64, from client: Client, now: Timestamp) {
        guard let session = entry(request.code, id: id, client: client, now: now) else { return }
        let credential = Secrets.credential(forToken: request.token)
        if session.state.status == .ended, let known = session.state.participant(withCredential: credential) {
            // An ended session records nothing more, but its people may still read how it ended:
            // welcomed without an event; every command but curating the synthesis then answers `session.ended`.
            return admit(client, to: session, as: known.id, id: id, token: nil, after: request.after)
        }
        let command = Command.rejoin(credential: credential)
        enter(session, command, id: id, client: client, token: nil, after: request.after, now: now)
    }

    /// The session a join, moderate or rejoin message names, if the connection may enter it.
    private func entry(_ code: String, id: Int64, client: Client, now: Timestamp) -> LiveSession? {
        if client.session != nil || client.entering {
            refuse(id, code: .protocol(.protocolAlreadyJoined), "This connection is already in a session; open another to join again.", client, now)
            return nil
        }
        return session(code: code, id: id, client: client, now: now)
    }

    /// The session of a join code, or a `session.unknownCode` refusal.
    private func session(code: String, id: Int64, client: Client, now: Timestamp) -> LiveSession? {
        guard let session = served(code: code) else {
            refuse(id, code: .protocol(.sessionUnknownCode), "No session has the join code \"\(code)\"; check the code.", client, now)
            return nil
        }
        return session
    }

    /// The served session of a join code. A session of the database that is not served (it had
    /// ended when the server started) is served from its first mention on, so its participants
    /// can still read it and its moderators take its transcript.
    func served(code: String) -> LiveSession? {
        let code = code.uppercased()
        if let id = sessionByCode[code], let session = sessions[id] { return session }
        do {
            guard let record = try store.session(joinCode: code), sessions[record.id] == nil else { return nil }
            try store.holdSessions([record.id], holder: leaseHolder, at: clock())
            let session = try LiveSession(record: record, log: store.events(of: record.id), random: Self.freshRandom())
            register(session)
            logger.info("session loaded", metadata: ["session": "\(record.id)", "code": "\(record.joinCode)"])
            return session
        } catch {
            logger.error("session not loaded", metadata: ["code": "\(code)", "error": "\(error)"])
            return nil
        }
    }

    /// Answers with what the join form needs; the workshop is fixed at creation, so this reads
    /// nothing that a commit could take back.
    private func preview(_ request: PreviewRequest, id: Int64, from client: Client, now: Timestamp) {
        guard let session = session(code: request.code, id: id, client: client, now: now) else { return }
        let preview = ServerMessage.Preview(code: session.record.joinCode, workshop: session.state.workshop)
        send(.ack(.init(id: id, now: now, preview: preview)), to: client)
    }

    /// Decides an entering command as a guest; the connection enters once its events are stored.
    private func enter(
        _ session: LiveSession, _ command: Command, id: Int64, client: Client, token: String?, after: Int64?, now: Timestamp
    ) {
        let events: [Event]
        do {
            events = try decide(command, by: .guest, in: session, now: now)
        } catch {
            return refuse(id, code: .refusal(error.code), error.message, client, now)
        }
        let participant: ParticipantID
        if case .participantJoined(let joined, _, _, _, _, _, _, _) = events.first {
            participant = joined
        } else if case .rejoin(let credential) = command, let known = session.state.participant(withCredential: credential) {
            participant = known.id
        } else {
            preconditionFailure("entering commands either join or find the participant")
        }
        _ = session.accept(events, by: participant, at: now)
        admit(client, to: session, as: participant, id: id, token: token, after: after)
    }

    /// The connection enters once this turn's events are stored: its welcome waits with the replies.
    private func admit(
        _ client: Client, to session: LiveSession, as participant: ParticipantID, id: Int64, token: String?, after: Int64?
    ) {
        client.entering = true
        session.replies.append(.welcome(client.id, id: id, participant: participant, token: token, after: after))
        dirty.insert(session.record.id)
    }

    // MARK: Commands

    /// A moderator's transcript, answered after this turn's events are stored so it holds them.
    private func transcript(_ request: TranscriptRequest, id: Int64, from client: Client, now: Timestamp) {
        guard let (session, participant) = member(client, id: id, now: now) else { return }
        guard session.state.participants[participant]?.isModerator == true else {
            return refuse(id, code: .refusal(.authModeratorOnly), "Only a moderator can take the transcript.", client, now)
        }
        guard transcripts.formats.contains(request.format) else {
            return refuse(id, code: .protocol(.transcriptUnknownFormat), unknownFormat(request.format), client, now)
        }
        session.replies.append(.transcript(client.id, id: id, format: request.format))
        dirty.insert(session.record.id)
    }

    /// The session the connection is in and who it is there, or a `protocol.notJoined` refusal.
    private func member(_ client: Client, id: Int64, now: Timestamp) -> (LiveSession, ParticipantID)? {
        guard let sessionID = client.session, let participant = client.participant, let session = sessions[sessionID] else {
            refuse(id, code: .protocol(.protocolNotJoined), "Join a session first (join, moderate or rejoin).", client, now)
            return nil
        }
        return (session, participant)
    }

    private func perform(_ command: Command, id: Int64, once: String?, from client: Client, now: Timestamp) {
        guard let (session, participant) = member(client, id: id, now: now) else { return }
        switch command {
        case .join, .joinAsModerator, .rejoin, .expireSlot:
            return refuse(id, code: .protocol(.protocolReservedCommand),
                          "This is not a command a client sends; use the join, moderate and rejoin messages.", client, now)
        default:
            break
        }
        // Its answer goes out with the turn's commit.
        defer { dirty.insert(session.record.id) }
        if let once, let seq = session.done(once, by: participant) {
            // Sent again: answered as the first was, once that is stored.
            session.replies.append(.ack(client.id, id: id, seq: seq))
            metrics.commandsRepeated += 1
            return
        }
        do {
            let events = try decide(command, by: .participant(participant), in: session, now: now)
            let seq = session.accept(events, by: participant, at: now)
            if let once { session.accepted(once, by: participant, seq: seq) }
            session.replies.append(.ack(client.id, id: id, seq: seq))
            metrics.commandsAccepted += 1
        } catch {
            metrics.refused(.refusal(error.code))
            session.replies.append(.refusal(client.id, id: id, error))
        }
    }

    /// A command of the server's clock (slot or rooms time up).
    func performSystem(_ command: Command, in session: LiveSession) {
        let now = clock()
        do {
            let events = try decide(command, by: .system, in: session, now: now)
            _ = session.accept(events, by: nil, at: now)
            dirty.insert(session.record.id)
        } catch {
            logger.debug("timer command refused", metadata: ["session": "\(session.record.joinCode)", "code": "\(error.code.rawValue)"])
            reschedule(session)
        }
    }

    private func decide(_ command: Command, by actor: Actor, in session: LiveSession, now: Timestamp) throws(Refusal) -> [Event] {
        var context = DecisionContext(now: now, random: session.random)
        defer { session.random = context.random }
        return try SessionEngine.decide(command, by: actor, in: session.state, context: &context)
    }

    private func refuse(_ id: Int64, code: ServerMessage.ServerError.Code, _ message: String, _ client: Client, _ now: Timestamp) {
        metrics.refused(code)
        send(.error(.init(id: id, code: code, message: message, now: now)), to: client)
    }

    func send(_ message: ServerMessage, to client: Client) {
        deliver(message, to: client.id)
    }

    /// Sends a message to a connection of this server, or through Redis to a relay's.
    func deliver(_ message: ServerMessage, to connection: ConnectionID) {
        if let publisher, publisher.isRemote(connection) {
            publisher.deliver(message, to: connection)
        } else {
            server?.send(OutboundFrame(message), to: connection)
        }
    }

    /// Closes a connection of this server, or has its relay close it.
    func disconnect(_ connection: ConnectionID, code: UInt16, reason: String) {
        if let publisher, publisher.isRemote(connection) {
            publisher.close(connection, code: code, reason: reason)
        } else {
            server?.close(connection, code: code, reason: reason)
        }
    }
}
