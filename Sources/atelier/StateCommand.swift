import AtelierClient
import AtelierCore
import AtelierProtocol
import AtelierStore
import AtelierWire
import ArgumentParser

/// `atelier state SESSION`: a session's state as JSON, whole or as one participant's page holds it.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Print a session's state as JSON: participants, rooms, notes, comments, groups, votes and recommendations.",
        discussion: """
            --after SEQ gives the state right after event SEQ. --as PARTICIPANT gives what that participant's page \
            holds when it loads then: the events the server sends them (docs/PROTOCOL.md, "Who sees what") folded \
            as a client folds them; with --events, those event messages themselves, one a line.
            """)

    @Argument(help: "Session id or join code.")
    var session: String

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Option(name: .customLong("as"), help: "A participant id (p3): the session as their page holds it.")
    var viewer: String?

    @Option(help: "The state right after this event's sequence number (default: the last).")
    var after: Int64?

    @Flag(help: "With --as: print the event messages the participant is sent instead of the state.")
    var events = false

    func validate() throws {
        if events, viewer == nil { throw ValidationError("--events needs --as: events are sent to someone.") }
    }

    func run() throws {
        let (store, record) = try StoredSession.find(session, in: db)
        let rows = try store.events(of: record.id)
        let last = after ?? Int64(rows.count)
        guard (1...Int64(rows.count)).contains(last) else {
            printError("Session \(record.joinCode) has \(rows.count) events: --after takes a number from 1 to \(rows.count).")
            throw ExitCode.failure
        }
        let log = try VisibleLog(rows.prefix(Int(last)))
        guard let viewer else { return print(try Self.json(StateProjection(log.state, results: [:]))) }
        guard log.state.participants[viewer] != nil else {
            printError("Session \(record.joinCode) has no participant \(viewer) at event \(last): `atelier state` lists them.")
            throw ExitCode.failure
        }
        let messages = log.messages(for: viewer)
        if events { return messages.forEach { print(String(decoding: $0.serializedBytes(), as: UTF8.self)) } }
        var mirror = SessionMirror()
        for message in messages { mirror.apply(message) }
        print(try Self.json(StateProjection(mirror.state ?? log.state, results: mirror.results)))
    }

    private static func json(_ value: some Encodable) throws -> String {
        try WireEncoder().encodeJSON(value)
    }
}

/// A stored log replayed with the forms each event is shown in (`SessionState.disclosures`).
private struct VisibleLog {
    private(set) var state: SessionState
    private var entries: [(disclosures: [Disclosure], messages: [ServerMessage.EventMessage])] = []

    init(_ rows: some Collection<EventRecord>) throws {
        guard let first = rows.first, case let created = try first.event(), let state = SessionState(created: created) else {
            throw StoreError(.unknownSession, "the session has no log starting with its creation")
        }
        self.state = state
        append(first, disclosures: state.disclosures(of: created))
        for row in rows.dropFirst() {
            let event = try row.event()
            let disclosures = self.state.disclosures(of: event)
            self.state.apply(event)
            append(row, disclosures: disclosures)
        }
    }

    private mutating func append(_ row: EventRecord, disclosures: [Disclosure]) {
        let messages = ServerMessage.EventMessage.forms(
            seq: row.sequence, at: Timestamp(milliseconds: row.at), disclosures: disclosures, after: state)
        entries.append((disclosures, messages))
    }

    /// What a catch-up from nothing sends `viewer` now: each event they may see, in their form, in log order.
    func messages(for viewer: ParticipantID) -> [ServerMessage.EventMessage] {
        entries.compactMap { entry in state.form(for: viewer, among: entry.disclosures).map { entry.messages[$0] } }
    }
}

/// What a page shows of a session, in the order it shows it; the browser's model projects itself the
/// same way (Tests/e2e/test_model_fold.py), so the two folds can be compared field by field.
private struct StateProjection: Encodable {
    var status: SessionState.Status
    var slot: SlotID?
    var participants: [Person]
    var breakout: Breakout?
    var notes: [Note]
    var comments: [Comment]
    var groups: [Group]
    var votes: [Round]
    var promoted: [Promoted]
    var recommendations: [Recommendation]

    struct Person: Encodable {
        var id: ParticipantID, name: String, role: String?, organisation: String?, language: String
        var moderator: Bool, active: Bool, room: RoomID?, facilitates: RoomID?
    }
    struct Breakout: Encodable {
        var slot: SlotID, rooms: [RoomID], mode: WorkshopDefinition.AssignmentMode, closesAt: Timestamp?
        var closingWhenPaused: Int64?
    }
    struct Note: Encodable {
        var id: NoteID, board: BoardID, prompt: PromptID, author: ParticipantID?, text: String, colour: NoteColour
        var anonymous: Bool, createdAt: Timestamp, editedAt: Timestamp?, group: ClusterID?
    }
    struct Comment: Encodable {
        var id: CommentID, note: NoteID, author: ParticipantID, text: String, createdAt: Timestamp
    }
    struct Group: Encodable {
        var id: ClusterID, board: BoardID, name: String?, notes: [NoteID]
    }
    struct Round: Encodable {
        var id: VoteID, scope: VoteScope, slot: SlotID, boards: [BoardID], dotsPerPerson: Int, maxDotsPerItem: Int
        var hidden: Bool, status: SessionState.VoteStatus, dots: [String: [String: Int]], results: [RankedItem]
    }
    struct Promoted: Encodable {
        var id: PromotedID, source: PromotedSource, board: BoardID, text: String
    }
    struct Recommendation: Encodable {
        var id: RecommendationID, text: LocalizedText, sources: [RecommendationSource], room: RoomID?, addressee: String?
    }

    /// `results` holds the totals a client was sent at reveal; other rounds are ranked from the dots.
    init(_ state: SessionState, results: [VoteID: [RankedItem]]) {
        status = state.status
        slot = state.agenda.current.map { state.workshop.agenda[$0].id }
        participants = state.participantOrder.compactMap { state.participants[$0] }.map {
            Person(id: $0.id, name: $0.name, role: $0.role, organisation: $0.organisation, language: $0.language,
                   moderator: $0.isModerator, active: $0.isActive, room: $0.room, facilitates: $0.facilitates)
        }
        breakout = state.breakout.map { Breakout(
            slot: $0.slot, rooms: $0.rooms, mode: $0.mode, closesAt: $0.closesAt, closingWhenPaused: $0.closingWhenPaused) }
        notes = state.noteOrder.compactMap { state.notes[$0] }.map {
            Note(id: $0.id, board: $0.board, prompt: $0.prompt, author: $0.author, text: $0.text, colour: $0.colour,
                 anonymous: $0.anonymous, createdAt: $0.createdAt, editedAt: $0.editedAt, group: $0.cluster)
        }
        comments = state.commentOrder.compactMap { state.comments[$0] }.map {
            Comment(id: $0.id, note: $0.note, author: $0.author, text: $0.text, createdAt: $0.createdAt)
        }
        groups = state.clusterOrder.compactMap { state.clusters[$0] }.map {
            Group(id: $0.id, board: $0.board, name: $0.name, notes: $0.notes)
        }
        votes = state.voteOrder.compactMap { state.votes[$0] }.map { round in
            Round(id: round.id, scope: round.scope, slot: round.slot, boards: round.boards, dotsPerPerson: round.dotsPerPerson,
                  maxDotsPerItem: round.maxDotsPerItem, hidden: round.hidden, status: round.status,
                  dots: round.dots,
                  results: results[round.id] ?? state.results(of: round))
        }
        promoted = state.promoted.map { Promoted(id: $0.id, source: $0.source, board: $0.board, text: $0.text) }
        recommendations = state.recommendationOrder.compactMap { state.recommendations[$0] }.map {
            Recommendation(id: $0.id, text: $0.text, sources: $0.sources, room: $0.room, addressee: $0.addressee)
        }
    }
}
