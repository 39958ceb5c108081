import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierWire
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One participant's or moderator's live link to a session: connects, enters (`join` or
/// `moderate`), folds what the server sends into a `SessionMirror`, and after a drop comes back
/// by itself with `rejoin` (token and last `seq`), waiting longer after each failed attempt.
///
/// **Threading.** Frames are read and folded on the `ClientLoop` thread; `onUpdate` runs there,
/// in order, and must not block. `send`, `start`, `stop`, `mirror` and `status` may be called
/// from any thread: the mutable state lives behind `shared`.
public final class SessionConnection: Sendable {
    /// How to reach and enter the session.
    public struct Configuration: Sendable {
        /// `ws://host:port/ws` (`http://` and `https://` are mapped to `ws://` and `wss://`).
        public var url: String
        /// The join code.
        public var code: String
        /// How this connection enters the session the first time.
        public var entry: Entry
        /// Whether to come back after a dropped connection.
        public var reconnects: Bool
        /// Seconds to wait before the first retry; doubled after each failure up to `maximumDelay`.
        public var initialDelay: Double
        /// Longest wait between two attempts.
        public var maximumDelay: Double
        /// Give up after this many failed attempts in a row; nil retries for ever.
        public var maximumAttempts: Int?
        /// A token from an earlier run of this client: the first entry is a `rejoin` with it, so
        /// the client comes back as the same participant; `entry` is used if the server does not
        /// know it.
        public var resumeToken: String?

        /// A configuration with the usual backoff (0.5 s doubling to 8 s, for ever).
        public init(url: String, code: String, entry: Entry, reconnects: Bool = true,
                    initialDelay: Double = 0.5, maximumDelay: Double = 8, maximumAttempts: Int? = nil,
                    resumeToken: String? = nil) {
            self.url = url; self.code = code; self.entry = entry; self.reconnects = reconnects
            self.initialDelay = initialDelay; self.maximumDelay = maximumDelay; self.maximumAttempts = maximumAttempts
            self.resumeToken = resumeToken
        }
    }

    /// The first message of a new participant or moderator.
    public enum Entry: Sendable {
        /// As a moderator with the session's key. Without `language`, the server uses the
        /// workshop's own.
        case moderate(key: String, name: String, language: String?)
        /// As a participant.
        case join(name: String, role: String, organisation: String?, language: String)
    }

    /// Where the link stands.
    public enum Status: Hashable, Sendable {
        /// Not started.
        case idle
        /// Opening the websocket; `attempt` counts from 1 since the last success.
        case connecting(attempt: Int)
        /// Open; the `join`, `moderate` or `rejoin` message is out.
        case entering
        /// Welcomed; the events missed are arriving.
        case catchingUp
        /// Up to date; live events follow.
        case live
        /// The link dropped; the next attempt starts in `delay` seconds.
        case waiting(delay: Double, attempt: Int, reason: String)
        /// Over for good: stopped, refused by the server, or out of attempts.
        case closed(reason: String)

        /// A few words for people.
        public var summary: String {
            switch self {
            case .idle: "not connected"
            case .connecting(let attempt): attempt > 1 ? "connecting (attempt \(attempt))" : "connecting"
            case .entering: "entering the session"
            case .catchingUp: "catching up"
            case .live: "connected"
            case .waiting(let delay, let attempt, let reason):
                "\(reason); reconnecting in \(Int(delay.rounded(.up)))s (attempt \(attempt))"
            case .closed(let reason): "disconnected: \(reason)"
            }
        }
    }

    /// Something the owner may want to show, delivered in order on the loop thread.
    public enum Update: Sendable {
        /// The link changed.
        case status(Status)
        /// A server message changed the mirror (welcome, event, synced).
        case change(SessionMirror.Change)
        /// A command sent with `send` was accepted; `seq` is the last event it caused.
        case accepted(id: Int64, command: Command, seq: Int64?)
        /// A command sent with `send` was refused; nothing changed.
        case refused(id: Int64, command: Command, error: ServerMessage.ServerError)
        /// The link dropped before the server answered these commands: they may or may not
        /// have been applied.
        case unanswered(id: Int64, command: Command)
        /// The transcript asked with `requestTranscript`, or why it did not come (refused, or
        /// `connection.lost` when the link dropped first).
        case transcript(id: Int64, Result<[ServerMessage.TranscriptFile], ServerMessage.ServerError>)
        /// The server refused to let this connection in (bad key, unknown code…): no retry.
        case entryRefused(ServerMessage.ServerError)
        /// An error that answers no command of ours (e.g. `rate.limited` with a null id).
        case serverError(ServerMessage.ServerError)
        /// A frame this client could not read (skipped).
        case unreadable(String)
    }

    private struct Shared {
        var mirror = SessionMirror()
        var status: Status = .idle
        var client: WebSocketClient?
        var generation = 0
        var nextID: Int64 = 1
        var entryID: Int64?
        var pending: [Int64: Command] = [:]
        /// Transcripts asked for, with the parts received so far.
        var transcripts: [Int64: [ServerMessage.TranscriptPart]] = [:]
        var failures = 0
        var stopped = false
        /// Set once a `moderate` or `join` was accepted: from then on the link comes back with `rejoin`.
        var entered = false
        /// Whether the next entry still tries the configuration's `resumeToken`.
        var resuming = false
    }

    public let configuration: Configuration
    private let loop: ClientLoop
    private let ownsLoop: Bool
    private let shared = Mutex(Shared())
    private let onUpdate: @Sendable (Update) -> Void

    /// A connection that runs on `loop` (or a private one, with TLS for a `wss` URL) and reports
    /// to `onUpdate`. A `wss` server's certificate must be one the system's OpenSSL trusts.
    public init(configuration: Configuration, loop: ClientLoop? = nil,
                onUpdate: @escaping @Sendable (Update) -> Void) throws {
        self.configuration = configuration
        let options = try WebSocketClient.Options(url: Self.websocketURL(configuration.url))
        (self.loop, ownsLoop) = try ClientLoop.forConnection(loop, useTLS: options.useTLS)
        self.onUpdate = onUpdate
        shared.withLock { $0.resuming = configuration.resumeToken != nil }
    }

    /// `http(s)://host:port[/...]` becomes `ws(s)://host:port/ws`; `ws(s)://` URLs stay, with `/ws`
    /// added when they have no path.
    public static func websocketURL(_ url: String) -> String {
        var text = url
        if text.hasPrefix("http://") { text = "ws://" + text.dropFirst(7) }
        else if text.hasPrefix("https://") { text = "wss://" + text.dropFirst(8) }
        else if !text.contains("://") { text = "ws://" + text }
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            let path = rest[slash...]
            if path == "/" || path.hasPrefix("/?") || path.hasPrefix("?") {
                // A page address (`http://host:8080/?code=K7M2QX`): the socket is at /ws.
                return String(text[..<slash]) + "/ws"
            }
            return text
        }
        return text + "/ws"
    }

    /// What the client knows of the session now.
    public var mirror: SessionMirror { shared.withLock { $0.mirror } }

    /// Where the link stands now.
    public var status: Status { shared.withLock { $0.status } }

    /// Starts connecting (once).
    public func start() {
        let go = shared.withLock { state -> Bool in
            guard state.status == .idle, !state.stopped else { return false }
            return true
        }
        if go { openConnection() }
    }

    /// Sends a command. Returns its id, or nil when the link is not live (nothing is queued
    /// across a reconnection, so nothing is sent twice).
    @discardableResult
    public func send(_ command: Command) -> Int64? {
        post(.command(command), duringCatchUp: true,
             remember: { $0.pending[$1] = command }, forget: { $0.pending.removeValue(forKey: $1) })
    }

    /// Asks for the session's transcript in `format` (moderators only); the answer arrives as
    /// `.transcript`. Nil when the link is not live.
    @discardableResult
    public func requestTranscript(format: String) -> Int64? {
        post(.transcript(TranscriptRequest(format: format)),
             remember: { $0.transcripts[$1] = [] }, forget: { $0.transcripts[$1] = nil })
    }

    /// Sends a `ping` (answered with an ack carrying the server's clock). Nil when not connected.
    @discardableResult
    public func ping() -> Int64? {
        post(.ping)
    }

    /// Sends `body` with the next id when the link is live (or catching up, when allowed):
    /// `remember` notes, under the lock, what its answer is matched with; `forget` undoes it when
    /// the message could not go out. Returns the id, or nil when nothing was sent.
    private func post(
        _ body: ClientMessage.Body, duringCatchUp: Bool = false,
        remember: (inout Shared, Int64) -> Void = { _, _ in }, forget: (inout Shared, Int64) -> Void = { _, _ in }
    ) -> Int64? {
        let prepared = shared.withLock { state -> (Int64, WebSocketClient)? in
            guard let client = state.client,
                  state.status == .live || (duringCatchUp && state.status == .catchingUp) else { return nil }
            let id = state.nextID
            state.nextID += 1
            remember(&state, id)
            return (id, client)
        }
        guard let (id, client) = prepared else { return nil }
        guard let text = try? WireEncoder().encodeJSON(ClientMessage(id: id, body)), client.send(text) else {
            shared.withLock { forget(&$0, id) }
            return nil
        }
        return id
    }

    /// Closes the link for good and waits (briefly) for the close to go out.
    public func stop() {
        let client = shared.withLock { state -> WebSocketClient? in
            state.stopped = true
            state.generation += 1
            let client = state.client
            state.client = nil
            state.status = .closed(reason: "closed")
            return client
        }
        client?.close(code: 1000, reason: "bye")
        _ = client?.waitForClose(timeout: 2)
        if ownsLoop { loop.shutdown() }
    }

    // MARK: Connecting

    private func openConnection() {
        let attempt: (generation: Int, number: Int)? = shared.withLock { state in
            guard !state.stopped else { return nil }
            state.generation += 1
            state.status = .connecting(attempt: state.failures + 1)
            return (state.generation, state.failures + 1)
        }
        guard let attempt else { return }
        onUpdate(.status(.connecting(attempt: attempt.number)))
        let generation = attempt.generation
        let client: WebSocketClient
        do {
            client = try WebSocketClient(
                url: Self.websocketURL(configuration.url), loop: loop,
                onMessage: { [weak self] bytes in
                    self?.received(String(decoding: bytes, as: UTF8.self), generation: generation)
                },
                onStateChange: { [weak self] newState in self?.clientChanged(newState, generation: generation) })
        } catch {
            finish(reason: "\(error)")
            return
        }
        let current = shared.withLock { state -> Bool in
            guard state.generation == generation else { return false }
            state.client = client
            return true
        }
        if current { client.connect() }
    }

    private func clientChanged(_ newState: WebSocketClient.State, generation: Int) {
        switch newState {
        case .open:
            sendEntry(generation: generation)
        case .closed(let code, let reason):
            dropped(reason: reason.isEmpty ? "connection closed (\(code))" : "\(reason) (\(code))", generation: generation)
        case .failed(let reason):
            dropped(reason: reason.isEmpty ? "cannot connect" : reason, generation: generation)
        case .idle, .connecting:
            break
        }
    }

    private func sendEntry(generation: Int) {
        let prepared = shared.withLock { state -> (ClientMessage, WebSocketClient)? in
            guard state.generation == generation, let client = state.client else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.entryID = id
            state.status = .entering
            let body: ClientMessage.Body
            if state.entered, let token = state.mirror.token {
                body = .rejoin(RejoinRequest(code: configuration.code, token: token,
                                             after: state.mirror.lastSeq > 0 ? state.mirror.lastSeq : nil))
            } else if state.resuming, let token = configuration.resumeToken {
                body = .rejoin(RejoinRequest(code: configuration.code, token: token))
            } else {
                switch configuration.entry {
                case let .moderate(key, name, language):
                    body = .moderate(ModerateRequest(
                        code: configuration.code, key: key, name: name, language: language))
                case let .join(name, role, organisation, language):
                    body = .join(JoinRequest(
                        code: configuration.code, name: name, role: role, organisation: organisation, language: language))
                }
            }
            return (ClientMessage(id: id, body), client)
        }
        guard let (message, client) = prepared else { return }
        onUpdate(.status(.entering))
        if let text = try? WireEncoder().encodeJSON(message) { client.send(text) }
    }

    private func dropped(reason: String, generation: Int) {
        let outcome = shared.withLock { state -> (lost: [(Int64, Command)], transcripts: [Int64], next: Status)? in
            guard state.generation == generation, !state.stopped else { return nil }
            state.client = nil
            state.mirror.disconnected()
            let lost = state.pending.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let transcripts = state.transcripts.keys.sorted()
            state.pending = [:]
            state.transcripts = [:]
            if case .closed = state.status { return (lost, transcripts, state.status) }
            state.failures += 1
            if !configuration.reconnects || (configuration.maximumAttempts.map { state.failures >= $0 } ?? false) {
                state.status = .closed(reason: reason)
                state.stopped = true
            } else {
                let delay = min(configuration.maximumDelay,
                                configuration.initialDelay * Double(1 << min(state.failures - 1, 16)))
                state.status = .waiting(delay: delay, attempt: state.failures + 1, reason: reason)
            }
            return (lost, transcripts, state.status)
        }
        guard let outcome else { return }
        for (id, command) in outcome.lost { onUpdate(.unanswered(id: id, command: command)) }
        for id in outcome.transcripts {
            let error = ServerMessage.ServerError(
                id: id, code: .protocol(.connectionLost), message: "The connection dropped before the transcript arrived; ask again.")
            onUpdate(.transcript(id: id, .failure(error)))
        }
        onUpdate(.status(outcome.next))
        if case .waiting(let delay, _, _) = outcome.next {
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in self?.openConnection() }
        } else if case .closed = outcome.next, ownsLoop {
            loop.requestStop()
        }
    }

    /// Ends the link for good with `reason` (no retry).
    private func finish(reason: String) {
        let client = shared.withLock { state -> WebSocketClient? in
            state.stopped = true
            state.generation += 1
            state.status = .closed(reason: reason)
            defer { state.client = nil }
            return state.client
        }
        client?.close(code: 1000, reason: "")
        onUpdate(.status(.closed(reason: reason)))
    }

    // MARK: Receiving

    private func received(_ text: String, generation: Int) {
        let message: ServerMessage
        do { message = try ServerMessage.parse(text) } catch {
            onUpdate(.unreadable(error.message))
            return
        }
        let local = Self.localMilliseconds()
        switch message {
        case .ack(let ack):
            let outcome = shared.withLock {
                state -> (isEntry: Bool, command: Command?, transcript: [ServerMessage.TranscriptPart]?, change: SessionMirror.Change)? in
                guard state.generation == generation else { return nil }
                let change = state.mirror.receive(message, localNow: local).first ?? .none
                if ack.id == state.entryID {
                    state.entryID = nil
                    if state.resuming {
                        // A rejoin's welcome carries no token: keep the one it was made with.
                        state.resuming = false
                        state.mirror.token = configuration.resumeToken
                    }
                    state.entered = true
                    state.failures = 0
                    state.status = .catchingUp
                    return (true, nil, nil, change)
                }
                let transcript = state.transcripts.removeValue(forKey: ack.id)
                return (false, state.pending.removeValue(forKey: ack.id), transcript, change)
            }
            guard let outcome else { return }
            if outcome.isEntry {
                onUpdate(.change(outcome.change))
                onUpdate(.status(.catchingUp))
            } else if let command = outcome.command {
                onUpdate(.accepted(id: ack.id, command: command, seq: ack.seq))
            } else if let parts = outcome.transcript {
                onUpdate(.transcript(id: ack.id, Self.transcript(parts, answeredBy: ack)))
            }
        case .error(let error):
            handle(error, message: message, local: local, generation: generation)
        case .transcriptPart(let part):
            shared.withLock { state in
                guard state.generation == generation else { return }
                state.transcripts[part.transcriptPart]?.append(part)
            }
        case .event, .events, .synced:
            let outcome = shared.withLock { state -> ([SessionMirror.Change], Bool)? in
                guard state.generation == generation else { return nil }
                let changes = state.mirror.receive(message, localNow: local)
                var becameLive = false
                if case .synced = message, state.status == .catchingUp {
                    state.status = .live
                    becameLive = true
                }
                return (changes, becameLive)
            }
            guard let outcome else { return }
            for change in outcome.0 { onUpdate(.change(change)) }
            if outcome.1 { onUpdate(.status(.live)) }
        }
    }

    private func handle(_ error: ServerMessage.ServerError, message: ServerMessage, local: Int64, generation: Int) {
        enum Outcome { case command(Command), transcript(Int64), rejoinAgain, entryRefused, other, stale }
        let outcome = shared.withLock { state -> Outcome in
            guard state.generation == generation else { return .stale }
            state.mirror.receive(message, localNow: local)
            if let id = error.id, id == state.entryID {
                state.entryID = nil
                if state.resuming, !state.entered, error.code != .protocol(.sessionUnknownCode) {
                    // The earlier run's token is not welcome (unknown, or that participant left):
                    // enter as configured.
                    state.resuming = false
                    return .rejoinAgain
                }
                if error.code == .refusal(.authUnknownToken), state.entered, case .moderate = configuration.entry {
                    // The server no longer knows our token (a new database?): enter afresh with the key.
                    state.entered = false
                    return .rejoinAgain
                }
                return .entryRefused
            }
            if let id = error.id, let command = state.pending.removeValue(forKey: id) { return .command(command) }
            if let id = error.id, state.transcripts.removeValue(forKey: id) != nil { return .transcript(id) }
            return .other
        }
        switch outcome {
        case .stale: return
        case .command(let command): onUpdate(.refused(id: error.id!, command: command, error: error))
        case .transcript(let id): onUpdate(.transcript(id: id, .failure(error)))
        case .rejoinAgain: sendEntry(generation: generation)
        case .entryRefused:
            onUpdate(.entryRefused(error))
            finish(reason: error.message)
        case .other: onUpdate(.serverError(error))
        }
    }

    /// The files of a transcript whose ack has come, or why they cannot be trusted whole.
    private static func transcript(
        _ parts: [ServerMessage.TranscriptPart], answeredBy ack: ServerMessage.Ack
    ) -> Result<[ServerMessage.TranscriptFile], ServerMessage.ServerError> {
        if let files = ServerMessage.TranscriptPart.files(from: parts, expected: ack.transcriptParts ?? 0) { return .success(files) }
        return .failure(ServerMessage.ServerError(
            id: ack.id, code: .protocol(.transcriptIncomplete),
            message: "The transcript came incomplete (\(parts.count) of \(ack.transcriptParts ?? 0) parts); ask again."))
    }

    /// This machine's clock in milliseconds since 1970.
    public static func localMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
