import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierStore

/// One event of a served session's log, with the forms it is shown in, serialized once each.
final class LoggedEvent {
    let seq: Int64
    let at: Timestamp
    let event: Event
    let disclosures: [Disclosure]
    /// The event message (`{"seq":…,"event":…}`) of each disclosure, in the same order: frames
    /// every connection they go to shares. Disclosures showing the same message (a participant's
    /// join, to them and to the moderators) share one.
    let frames: [OutboundFrame]

    init(seq: Int64, at: Timestamp, event: Event, disclosures: [Disclosure], after state: SessionState) {
        self.seq = seq
        self.at = at
        self.event = event
        self.disclosures = disclosures
        let messages = ServerMessage.EventMessage.forms(seq: seq, at: at, disclosures: disclosures, after: state)
        var frames: [OutboundFrame] = []
        for (index, message) in messages.enumerated() {
            if let same = messages[..<index].firstIndex(of: message) {
                frames.append(frames[same])
                continue
            }
            frames.append(OutboundFrame(bytes: message.serializedBytes(), groupable: true))
        }
        self.frames = frames
    }

    /// The boards whose readers see this event, for sending it when a board becomes readable.
    var boards: [BoardID] {
        disclosures.compactMap { if case .readers(let board) = $0.audience { board } else { nil } }
    }
}

/// A session being served: its state, its log in memory, who is connected, and the events
/// decided this loop turn that wait for the database.
///
/// Confined to the server's service thread, like everything in `SessionHub`.
final class LiveSession {
    let record: SessionRecord
    /// The state with this turn's accepted events already applied.
    private(set) var state: SessionState
    /// Committed events; `log[i].seq == i + 1`.
    private(set) var log: [LoggedEvent] = []
    /// Indexes in `log` of the events shown to each board's readers.
    private var boardEvents: [BoardID: [Int]] = [:]
    /// Indexes in `log` of the events for named people and the moderators alone (a participant's
    /// join), by the people named; and of all the others. A participant's catch-up reads those two
    /// lists and never looks at the rest of a hall's joins.
    private var namedEvents: [ParticipantID: [Int]] = [:]
    private var sharedEvents: [Int] = []
    /// Connections in the session and who they are: they receive each event as it is committed.
    var members: [ConnectionID: ParticipantID] = [:]
    /// Connections being sent a part of the log, a part each time they have read the previous one;
    /// a catch-up makes its connection a member when it reaches the end of the log.
    var streams: [ConnectionID: Stream] = [:]
    /// Transcript messages still to send to a connection, one each time it has read the previous.
    var transcripts: [ConnectionID: [OutboundFrame]] = [:]
    /// Events accepted this turn, in order, not yet in the database.
    private(set) var pending: [PendingEvent] = []
    /// The `once` keys of commands each participant had done, with the ack's `seq`.
    private var done: [ParticipantID: DoneCommands] = [:]
    /// This turn's keys: kept only once its events are stored.
    private var pendingDone: [(participant: ParticipantID, key: String, seq: Int64?)] = []
    /// Answers to send once this turn's events are committed, in the order they were decided.
    var replies: [Reply] = []
    /// The state before the first event this turn that may widen what someone sees.
    private(set) var stateBeforeWidening: SessionState?
    /// Randomness for room assignment.
    var random: SplitMix64
    /// While another program holds the database's write lock: since when this turn's events have
    /// waited (monotonic milliseconds), and the timer of the next try.
    var lockedSince: Int64?
    var commitRetry: TimerToken?
    /// Timers of the slot's end and the rooms' closing, with the time each is due.
    var slotTimer: (token: TimerToken, due: Timestamp)?
    var roomsTimer: (token: TimerToken, due: Timestamp)?
    /// When someone was last known to be in it: when the hub loaded it, and each time one of its
    /// connections left. An ended session is let go of once this is old enough (`releaseIdleSessions`).
    var lastAttended: Timestamp?

    struct PendingEvent {
        var seq: Int64
        var at: Timestamp
        var event: Event
        var actor: ParticipantID?
        var disclosures: [Disclosure]
    }

    /// An answer held until the turn's commit.
    enum Reply {
        /// An accepted command; `seq` is its last event.
        case ack(ConnectionID, id: Int64, seq: Int64?)
        /// A refused command (kept in order with the acks of the same turn).
        case refusal(ConnectionID, id: Int64, Refusal)
        /// A connection entering the session once its events are stored.
        case welcome(ConnectionID, id: Int64, participant: ParticipantID, token: String?, after: Int64?)
        /// A moderator's transcript, rendered from what is stored once this turn is.
        case transcript(ConnectionID, id: Int64, format: String)
    }

    /// A session rebuilt from its stored log.
    init(record: SessionRecord, log records: [EventRecord], random: SplitMix64) throws(StoreError) {
        guard let first = records.first, case let created = try first.event(),
              var state = SessionState(created: created) else {
            throw StoreError(.unknownSession, "session \(record.id) has no log starting with its creation")
        }
        self.record = record
        self.random = random
        self.state = state
        append(LoggedEvent(seq: 1, at: Timestamp(milliseconds: first.at), event: created,
                           disclosures: state.disclosures(of: created), after: state))
        for row in records.dropFirst() {
            let event = try row.event()
            let disclosures = state.disclosures(of: event)
            state.apply(event)
            append(LoggedEvent(seq: row.sequence, at: Timestamp(milliseconds: row.at), event: event,
                               disclosures: disclosures, after: state))
        }
        self.state = state
    }

    /// Highest committed sequence number.
    var committedSequence: Int64 { Int64(log.count) }

    /// Whether nothing of it waits for the database: no event, no answer, no retry of a locked commit.
    var isSettled: Bool { pending.isEmpty && replies.isEmpty && commitRetry == nil }

    /// Takes decided events into the state; they are stored at the end of the turn.
    /// Returns the sequence number of the last one.
    func accept(_ events: [Event], by actor: ParticipantID?, at now: Timestamp) -> Int64? {
        for event in events {
            if stateBeforeWidening == nil, event.mayWidenVisibility { stateBeforeWidening = state }
            let disclosures = state.disclosures(of: event)
            state.apply(event)
            let seq = committedSequence + Int64(pending.count) + 1
            pending.append(PendingEvent(seq: seq, at: now, event: event, actor: actor, disclosures: disclosures))
        }
        return pending.last?.seq
    }

    /// The `seq` acked for the command `participant` sent with `key`, if it was done (this turn's
    /// included); `.some(nil)` for a command done without an event.
    func done(_ key: String, by participant: ParticipantID) -> Int64?? {
        if let this = pendingDone.last(where: { $0.participant == participant && $0.key == key }) { return .some(this.seq) }
        return done[participant]?.seq(of: key)
    }

    /// Remembers that the command `participant` sent with `key` was accepted this turn.
    func accepted(_ key: String, by participant: ParticipantID, seq: Int64?) {
        pendingDone.append((participant, key, seq))
    }

    /// The rows to append for this turn's events.
    func pendingRecords() throws(StoreError) -> [EventRecord] {
        try pending.map { item throws(StoreError) in
            try EventRecord(event: item.event, session: record.id, sequence: item.seq, at: item.at, actor: item.actor)
        }
    }

    /// Moves this turn's stored events into the log; returns them and the state before any
    /// widening event, then forgets both.
    func commit() -> (events: ArraySlice<LoggedEvent>, beforeWidening: SessionState?) {
        let start = log.count
        for item in pending {
            append(LoggedEvent(seq: item.seq, at: item.at, event: item.event, disclosures: item.disclosures, after: state))
        }
        pending = []
        for (participant, key, seq) in pendingDone { done[participant, default: DoneCommands()].keep(key, seq: seq) }
        pendingDone = []
        defer { stateBeforeWidening = nil }
        return (log[start...], stateBeforeWidening)
    }

    /// Forgets this turn's events after the database refused them: the state is the log's again.
    func rollBack() {
        pendingDone = []
        guard !pending.isEmpty else { return }
        pending = []
        stateBeforeWidening = nil
        guard let rebuilt = SessionState(replaying: log.lazy.map(\.event)) else {
            preconditionFailure("a served log starts with sessionCreated")
        }
        state = rebuilt
    }

    /// What a connection still has to be sent of the log, and for whom.
    struct Stream {
        let viewer: ParticipantID
        /// In the order they are sent.
        var backlogs: [Backlog]
    }

    /// A part of the log still to send, as a position in it: a connection holds a cursor, never
    /// a copy of the log, however long the log or slow the reader.
    enum Backlog {
        /// What the viewer may see from log index `next` to the end of the log, wherever it is
        /// by then: a catch-up.
        case catchUp(next: Int)
        /// The events at these log indexes that the viewer may see now: the earlier events a
        /// widening let them see.
        case earlier([Int], next: Int)
    }

    /// The next part of `backlog` for `viewer`, event messages of about `budget` bytes at most
    /// (one at least), and moves the backlog past it; empty when the backlog is done.
    func nextPart(of backlog: inout Backlog, for viewer: ParticipantID, budget: Int) -> [OutboundFrame] {
        let state = state
        var part: [OutboundFrame] = []
        var bytes = 0
        func take(_ index: Int) -> Bool {
            let entry = log[index]
            guard let form = state.form(for: viewer, among: entry.disclosures) else { return true }
            let frame = entry.frames[form]
            guard part.isEmpty || bytes + frame.count <= budget else { return false }
            part.append(frame)
            bytes += frame.count + 1
            return true
        }
        switch backlog {
        case .catchUp(var next) where state.participants[viewer]?.isModerator == false:
            let named = namedEvents[viewer] ?? []
            var (shared, own) = (Self.position(of: next, in: sharedEvents), Self.position(of: next, in: named))
            while true {
                let index = min(sharedEvents.get(shared) ?? log.count, named.get(own) ?? log.count)
                guard index < log.count, take(index) else {
                    next = min(index, log.count)
                    break
                }
                if sharedEvents.get(shared) == index { shared += 1 }
                if named.get(own) == index { own += 1 }
            }
            backlog = .catchUp(next: next)
        case .catchUp(var next):
            while next < log.count, take(next) { next += 1 }
            backlog = .catchUp(next: next)
        case .earlier(let indexes, var next):
            while next < indexes.count, take(indexes[next]) { next += 1 }
            backlog = .earlier(indexes, next: next)
        }
        return part
    }

    /// Whether a catch-up has reached the end of the log.
    func isAtEnd(_ backlog: Backlog) -> Bool {
        if case .catchUp(let next) = backlog { return next >= log.count }
        return false
    }

    /// Whether a client back from `after` must start over: it has nothing, claims more than the
    /// log holds, or missed an event that let it see earlier events it never got.
    func needsReset(for viewer: ParticipantID, after: Int64?) -> Bool {
        guard let after, after > 0, after <= committedSequence else { return true }
        return log[Int(after)...].contains { $0.event.mayWidenVisibility(of: viewer) }
    }

    /// Log indexes below `limit` of the earlier events `viewer` may see now but could not in
    /// `before`, in log order.
    func widened(for viewer: ParticipantID, since before: SessionState, below limit: Int) -> [Int] {
        guard state.participants[viewer]?.isModerator == false else { return [] }
        let gained = boardEvents.keys.filter { !before.canRead($0, as: viewer) && state.canRead($0, as: viewer) }
        return Set(gained.flatMap { boardEvents[$0] ?? [] }).filter { index in
            index < limit && before.form(for: viewer, among: log[index].disclosures) == nil
        }.sorted()
    }

    private func append(_ entry: LoggedEvent) {
        for board in entry.boards { boardEvents[board, default: []].append(log.count) }
        if let named = state.namedAudience(among: entry.disclosures) {
            for person in named { namedEvents[person, default: []].append(log.count) }
        } else {
            sharedEvents.append(log.count)
        }
        log.append(entry)
    }

    /// Where the first of the ascending `indexes` not below `index` is.
    private static func position(of index: Int, in indexes: [Int]) -> Int {
        var (low, high) = (0, indexes.count)
        while low < high {
            let middle = (low + high) / 2
            if indexes[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The `once` keys of one participant's last commands, and what each was acked with: enough for
/// any resend a page or console makes (they resend what waits, a few at a time), bounded in memory.
struct DoneCommands {
    static let kept = 256
    private var acks: [String: Int64?] = [:]
    private var order: [String] = []

    func seq(of key: String) -> Int64?? { acks[key] }

    mutating func keep(_ key: String, seq: Int64?) {
        guard acks.updateValue(seq, forKey: key) == nil else { return }
        order.append(key)
        if order.count > Self.kept { acks[order.removeFirst()] = nil }
    }
}

extension Array {
    /// The element at `index`, nil past the end.
    fileprivate func get(_ index: Int) -> Element? {
        index < count ? self[index] : nil
    }
}
