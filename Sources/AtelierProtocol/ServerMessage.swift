import AtelierCore

/// A message from the server (protocol `atelier.v1`, docs/PROTOCOL.md), told apart by its first
/// key. The server writes it with `serializedBytes()`; clients read it with `read(_:)`.
///
/// Unknown fields are ignored when reading, as the protocol asks of clients, so a newer server
/// within v1 still reads.
public enum ServerMessage: Hashable, Sendable {
    /// A message was accepted (and written to the database).
    case ack(Ack)
    /// A message was refused; nothing changed.
    case error(ServerError)
    /// One event of the session's log.
    case event(EventMessage)
    /// Several events in `seq` order (catch-up and widening), to apply one by one.
    case events([EventMessage])
    /// The catch-up after a welcome is over: the client is up to date with `seq`.
    case synced(seq: Int64, now: Timestamp?)
    /// A piece of a transcript, before the ack of its `transcript`.
    case transcriptPart(TranscriptPart)

    /// The first key of each kind of message, which tells them apart.
    public enum Kind: String, CaseIterable, Sendable {
        case ack, error, seq, events, synced, transcriptPart
    }

    /// The first key this message is written with.
    public var kind: Kind {
        switch self {
        case .ack: .ack
        case .error: .error
        case .event: .seq
        case .events: .events
        case .synced: .synced
        case .transcriptPart: .transcriptPart
        }
    }

    /// `{"ack": id, "now": …, "seq": …, "welcome": {…}}`.
    public struct Ack: Hashable, Sendable {
        public var id: Int64
        public var now: Timestamp?
        /// The last event the command caused; nil when it changed nothing.
        public var seq: Int64?
        /// Present on the ack of `join`, `moderate` and `rejoin`.
        public var welcome: Welcome?
        /// Present on the ack of `preview`.
        public var preview: Preview?
        /// On the ack of `transcript`: how many parts were sent before it.
        public var transcriptParts: Int?

        public init(id: Int64, now: Timestamp? = nil, seq: Int64? = nil, welcome: Welcome? = nil, preview: Preview? = nil,
                    transcriptParts: Int? = nil) {
            self.id = id; self.now = now; self.seq = seq; self.welcome = welcome; self.preview = preview
            self.transcriptParts = transcriptParts
        }
    }

    /// What a connection learns when it enters a session.
    public struct Welcome: Hashable, Sendable, Codable {
        public var session: SessionID
        public var code: String
        public var participant: ParticipantID
        public var moderator: Bool
        /// The reconnect token (after `join` and `moderate` only).
        public var token: String?
        /// When true, forget the session: the events that follow rebuild it from the start.
        public var reset: Bool

        public init(session: SessionID, code: String, participant: ParticipantID, moderator: Bool,
                    token: String? = nil, reset: Bool) {
            self.session = session; self.code = code; self.participant = participant
            self.moderator = moderator; self.token = token; self.reset = reset
        }
    }

    /// What anyone may read of a session before joining: enough to fill in the join form.
    public struct Preview: Hashable, Sendable, Codable {
        public var code: String
        public var title: LocalizedText
        public var organiser: String
        /// Whom the join form's privacy notice names, and how many days it says names are kept.
        public var contact: String
        public var retentionDays: Int
        public var date: String
        public var description: LocalizedText?
        public var languages: [String]
        public var roles: [WorkshopDefinition.Role]

        /// The preview of a session of `workshop` joined with `code`.
        public init(code: String, workshop: WorkshopDefinition) {
            self.code = code
            title = workshop.title
            organiser = workshop.organiser
            contact = workshop.noticeContact
            retentionDays = workshop.noticeRetentionDays
            date = workshop.date
            description = workshop.description
            languages = workshop.languages
            roles = workshop.roles
        }
    }

    /// `{"error": id|null, "code": …, "message": …, "path": …}`.
    public struct ServerError: Hashable, Sendable, Error, CustomStringConvertible {
        /// The refused message's id; nil when the server could not read one.
        public var id: Int64?
        /// Stable code, e.g. `vote.budgetExhausted`.
        public var code: Code
        /// A sentence for people.
        public var message: String
        /// Where a wire error was found, e.g. `command.addNote.text`.
        public var path: String?
        public var now: Timestamp?

        public init(id: Int64?, code: Code, message: String, path: String? = nil, now: Timestamp? = nil) {
            self.id = id; self.code = code; self.message = message; self.path = path; self.now = now
        }

        public var description: String { "\(code): \(message)" }
    }

    /// `{"seq": 58, "at": …, "event": {…}, "results": [...]}`.
    public struct EventMessage: Hashable, Sendable {
        public var seq: Int64
        public var at: Timestamp
        public var event: Event
        /// Ranked totals, beside a `voteRevealed` event.
        public var results: [RankedItem]?
        /// The author's name, beside a signed note or comment: participants are not sent each
        /// other's joins (`SessionState.authorName(of:)`).
        public var authorName: String?
        /// Beside `roomsClosed`: the whole ranking of the rounds revealed while those rooms were open.
        public var revealed: [RevealedRanking]?

        public init(
            seq: Int64, at: Timestamp, event: Event, results: [RankedItem]? = nil, authorName: String? = nil,
            revealed: [RevealedRanking]? = nil
        ) {
            self.seq = seq; self.at = at; self.event = event; self.results = results; self.authorName = authorName
            self.revealed = revealed
        }

        /// The message of each form of the event committed as `seq` (its `disclosures`, in order),
        /// in the state right after it, with what goes beside it for that form's audience.
        public static func forms(seq: Int64, at: Timestamp, disclosures: [Disclosure], after state: SessionState) -> [EventMessage] {
            let revealed = disclosures.first.flatMap { state.rankingsCompleted(by: $0.event) }
            return disclosures.map { form in
                EventMessage(
                    seq: seq, at: at, event: form.event, results: state.results(revealedBy: form.event, to: form.audience),
                    authorName: state.authorName(of: form.event), revealed: revealed)
            }
        }
    }

    /// The server's clock as the message gives it, for estimating the offset from the local clock.
    public var now: Timestamp? {
        switch self {
        case .ack(let ack): ack.now
        case .error(let error): error.now
        case .event, .events, .transcriptPart: nil
        case .synced(_, let now): now
        }
    }
}
