import AtelierCore
import AtelierProtocol

/// What a client knows of a session: the events it was sent, folded into a `SessionState`.
///
/// A value type fed one `ServerMessage` at a time (`receive(_:localNow:)`), so tests replay
/// recorded frames into it. It keeps what `rejoin` needs (the token and the highest `seq`),
/// the revealed totals of hidden rounds (which arrive beside `voteRevealed`, not as dots), and
/// an estimate of the server's clock.
public struct SessionMirror: Hashable, Sendable {
    /// The session as far as this client may see it; nil before the first `sessionCreated`.
    public private(set) var state: SessionState?
    /// The welcome of the current connection.
    public private(set) var welcome: ServerMessage.Welcome?
    /// The reconnect token, kept across connections (a `rejoin` welcome carries none).
    public internal(set) var token: String?
    /// The highest `seq` applied; what `rejoin` sends as `after`.
    public private(set) var lastSeq: Int64 = 0
    /// Whether the catch-up after the latest welcome is over (`synced` arrived).
    public private(set) var isSynced = false
    /// Ranked totals of revealed rounds, as the server sent them.
    public private(set) var results: [VoteID: [RankedItem]] = [:]
    /// Server time minus local time, in milliseconds, from the latest message carrying `now`.
    public private(set) var clockOffset: Int64 = 0
    /// How many events were applied since the last reset.
    public private(set) var eventsApplied = 0

    /// An empty mirror.
    public init() {}

    /// What folding one message changed, for the caller to report.
    public enum Change: Hashable, Sendable {
        /// A welcome arrived; with `reset` the state was forgotten.
        case welcomed(ServerMessage.Welcome)
        /// An event was applied.
        case applied(ServerMessage.EventMessage)
        /// An event could not be applied: it came before any `sessionCreated`.
        case ignored(ServerMessage.EventMessage)
        /// The catch-up ended.
        case synced(Int64)
        /// Nothing changed in the session (an ack without welcome, an error).
        case none
    }

    /// Folds one message received at `localNow` (milliseconds since 1970 on this machine); a
    /// group of events gives one change per event.
    @discardableResult
    public mutating func receive(_ message: ServerMessage, localNow: Int64) -> [Change] {
        if case .events(let messages) = message { return messages.map { apply($0) } }
        return [receiveOne(message, localNow: localNow)]
    }

    private mutating func receiveOne(_ message: ServerMessage, localNow: Int64) -> Change {
        if let now = message.now { clockOffset = now.milliseconds - localNow }
        switch message {
        case .ack(let ack):
            guard let welcome = ack.welcome else { return .none }
            self.welcome = welcome
            if let token = welcome.token { self.token = token }
            isSynced = false
            if welcome.reset {
                state = nil
                lastSeq = 0
                results = [:]
                eventsApplied = 0
            }
            return .welcomed(welcome)
        case .error, .transcriptPart:
            return .none
        case .synced(let seq, _):
            isSynced = true
            lastSeq = max(lastSeq, seq)
            return .synced(seq)
        case .event(let message):
            return apply(message)
        case .events:
            return .none
        }
    }

    /// Applies one event message; `sessionCreated` starts the state.
    @discardableResult
    public mutating func apply(_ message: ServerMessage.EventMessage) -> Change {
        if case .sessionCreated = message.event {
            state = SessionState(created: message.event)
        } else if state != nil {
            state!.apply(message.event)
        } else {
            return .ignored(message)
        }
        if let results = message.results, case .voteRevealed(let id, _) = message.event {
            self.results[id] = results
        }
        for ranking in message.revealed ?? [] { results[ranking.vote] = ranking.results }
        // Widening may send earlier events later: keep the highest for `rejoin`.
        lastSeq = max(lastSeq, message.seq)
        eventsApplied += 1
        return .applied(message)
    }

    /// Forgets the current connection (the token, state and seq stay for `rejoin`).
    public mutating func disconnected() {
        isSynced = false
    }

    /// The server's clock now, estimated from the local clock and the last known offset.
    public func serverNow(localNow: Int64) -> Timestamp {
        Timestamp(milliseconds: localNow + clockOffset)
    }

    /// The participant this client is in the session.
    public var me: ParticipantID? { welcome?.participant }
}
