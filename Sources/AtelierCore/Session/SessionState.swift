/// Everything a session is at one moment: the replay of its events, nothing more.
///
/// Value type, built only by `apply(_:)` from a `sessionCreated` event onwards, so replaying
/// the log always gives the state the live session had.
public struct SessionState: Hashable, Sendable {
    /// The session's identifier.
    public var id: SessionID
    /// The short code participants type or follow a link with.
    public var joinCode: String
    /// The session's own copy of its workshop.
    public var workshop: WorkshopDefinition
    /// When the session was created.
    public var createdAt: Timestamp
    /// Where the session is in its life.
    public var status: Status = .created

    /// Participants and moderators by id, including those who left.
    public var participants: [ParticipantID: Participant] = [:]
    /// Participant ids in the order they joined.
    public var participantOrder: [ParticipantID] = []

    /// The agenda as it is being run.
    public var agenda = AgendaProgress()
    /// The open breakout, if any.
    public var breakout: Breakout?

    /// Notes by id (deleted notes are gone).
    public var notes: [NoteID: Note] = [:]
    /// Note ids in the order they were written.
    public var noteOrder: [NoteID] = []
    /// Comments by id.
    public var comments: [CommentID: Comment] = [:]
    /// Comment ids in the order they were written.
    public var commentOrder: [CommentID] = []
    /// Groups of notes by id.
    public var clusters: [ClusterID: Cluster] = [:]
    /// Group ids in the order they were created.
    public var clusterOrder: [ClusterID] = []

    /// Vote rounds by id.
    public var votes: [VoteID: VoteRound] = [:]
    /// Vote ids in the order they were opened.
    public var voteOrder: [VoteID] = []

    /// Items on the plenary list, in promotion order.
    public var promoted: [PromotedItem] = []
    /// Recommendations by id (withdrawn ones are gone).
    public var recommendations: [RecommendationID: Recommendation] = [:]
    /// The moderators' order of the recommendations.
    public var recommendationOrder: [RecommendationID] = []
    /// Announcements, oldest first.
    public var announcements: [Announcement] = []

    /// Each theme's findings, by room.
    public var findings: [RoomID: LocalizedText] = [:]
    /// Notes and comments quoted in the synthesis, in the order they were featured.
    public var featuredQuotes: [QuoteSource] = []
    /// Reservations on recommendations, oldest first.
    public var reservations: [Reservation] = []
    /// The synthesis's introduction and conclusion.
    public var synthesisTexts: [SynthesisPart: LocalizedText] = [:]

    /// How many of each thing were ever created; new ids come from these, so ids never repeat.
    public var counters = Counters()

    /// The life of a session.
    public enum Status: String, Hashable, Sendable, Codable {
        case created, running, paused, ended
    }

    /// A person in the session.
    public struct Participant: Hashable, Sendable {
        public var id: ParticipantID
        public var name: String
        /// Role id from the workshop; nil for moderators.
        public var role: String?
        public var organisation: String?
        public var language: String
        public var isModerator: Bool
        /// Hash of the reconnect token.
        public var credential: String
        public var joinedAt: Timestamp
        /// False once the participant left (until they rejoin).
        public var isActive: Bool = true
        /// Room during an open breakout.
        public var room: RoomID?
        /// Room this participant facilitates, if any.
        public var facilitates: RoomID?
    }

    /// The agenda as run: where it stands and what actually happened.
    public struct AgendaProgress: Hashable, Sendable {
        /// Index in the workshop's agenda of the slot running now.
        public var current: Int?
        /// When the current slot is due to end; nil while paused.
        public var endsAt: Timestamp?
        /// Milliseconds left on the current slot while paused.
        public var remainingWhenPaused: Int64?
        /// Whether the current slot's time-up was already signalled.
        public var timeUpSignalled = false
        /// Every slot run in order, with actual times; a slot visited twice appears twice.
        public var runs: [SlotRun] = []
    }

    /// One actual run of an agenda slot.
    public struct SlotRun: Hashable, Sendable {
        public var slot: SlotID
        public var startedAt: Timestamp
        public var endedAt: Timestamp?
        /// Minutes added by extensions during this run.
        public var extendedMinutes: Int = 0
    }

    /// The rooms of a breakout slot while they are open.
    public struct Breakout: Hashable, Sendable {
        public var slot: SlotID
        public var rooms: [RoomID]
        public var mode: WorkshopDefinition.AssignmentMode
        /// Set when the moderator asked to bring everyone back after a warning.
        public var closesAt: Timestamp?
        /// While the session is paused, what was left of that warning (milliseconds): a pause
        /// holds the rooms' countdown as it holds the slot's.
        public var closingWhenPaused: Int64?
    }

    /// A sticky note.
    public struct Note: Hashable, Sendable {
        public var id: NoteID
        public var board: BoardID
        public var prompt: PromptID
        /// Nil for notes placed by the organiser in the workshop file.
        public var author: ParticipantID?
        public var text: String
        public var colour: NoteColour
        public var anonymous: Bool
        public var createdAt: Timestamp
        public var editedAt: Timestamp?
        public var cluster: ClusterID?
    }

    /// A comment on a note.
    public struct Comment: Hashable, Sendable {
        public var id: CommentID
        public var note: NoteID
        public var author: ParticipantID
        public var text: String
        public var createdAt: Timestamp
    }

    /// A group of notes on one board.
    public struct Cluster: Hashable, Sendable {
        public var id: ClusterID
        public var board: BoardID
        public var name: String?
        /// Member notes in the order they were grouped.
        public var notes: [NoteID] = []
    }

    /// A round of dot voting.
    public struct VoteRound: Hashable, Sendable {
        public var id: VoteID
        public var scope: VoteScope
        public var slot: SlotID
        /// Boards whose notes are voted on (for the `boards` scope).
        public var boards: [BoardID]
        public var dotsPerPerson: Int
        public var maxDotsPerItem: Int
        public var hidden: Bool
        public var status: VoteStatus = .open
        public var openedAt: Timestamp
        public var closedAt: Timestamp?
        /// Dots by participant, then by item.
        public var dots: [ParticipantID: [String: Int]] = [:]

        /// Dots `participant` has placed in this round.
        public func dotsUsed(by participant: ParticipantID) -> Int {
            dots[participant, default: [:]].values.reduce(0, +)
        }

        /// Total dots on each item that received any.
        public var totals: [String: Int] {
            var totals: [String: Int] = [:]
            for perItem in dots.values { for (item, count) in perItem { totals[item, default: 0] += count } }
            return totals.filter { $0.value > 0 }
        }
    }

    /// Where a vote round stands.
    public enum VoteStatus: String, Hashable, Sendable, Codable {
        case open, closed, revealed
    }

    /// An item on the plenary list.
    public struct PromotedItem: Hashable, Sendable {
        public var id: PromotedID
        public var source: PromotedSource
        public var board: BoardID
        public var text: String
        public var promotedAt: Timestamp
    }

    /// A recommendation drafted in plenary.
    public struct Recommendation: Hashable, Sendable {
        public var id: RecommendationID
        public var text: LocalizedText
        public var sources: [RecommendationSource]
        /// Theme the recommendation belongs to, when the moderator set one.
        public var room: RoomID?
        /// Who should act on it: an addressee id of the workshop.
        public var addressee: String?
        public var author: ParticipantID
        public var createdAt: Timestamp
    }

    /// A reservation or minority view recorded on a recommendation.
    public struct Reservation: Hashable, Sendable {
        public var id: ReservationID
        public var recommendation: RecommendationID
        public var text: LocalizedText
        public var author: ParticipantID
        public var at: Timestamp
    }

    /// A message from the moderators.
    public struct Announcement: Hashable, Sendable {
        public var id: AnnouncementID
        public var text: LocalizedText
        public var room: RoomID?
        public var author: ParticipantID
        public var at: Timestamp
    }

    /// Counts of created things, the source of new ids.
    public struct Counters: Hashable, Sendable {
        public var participants = 0, notes = 0, comments = 0, clusters = 0, votes = 0
        public var promoted = 0, recommendations = 0, announcements = 0, reservations = 0
    }
}
