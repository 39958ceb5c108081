/// Everything an organiser prepares before a session: programme, rooms, questions, roles and voting rules.
///
/// Read from `Workshops/*.json` (see `Workshops/schema.json`); a session keeps its own copy,
/// so editing the file later never changes a session that already ran.
public struct WorkshopDefinition: Hashable, Sendable, Codable {
    /// Version of the file format; only `1` exists.
    public var format: Int
    /// Short stable identifier, lowercase letters, digits and dashes (`befus-25-ans`).
    public var id: String
    /// Title shown on every screen and at the top of the transcript.
    public var title: LocalizedText
    /// Who runs the workshop (`BeFUS asbl`).
    public var organiser: String
    /// Whom participants contact about their data (an address, a mail or phone), named in the
    /// privacy notice of the join form; the organiser when absent (`noticeContact`).
    public var contact: String?
    /// Days the organiser commits to keep participants' names after the session, announced in
    /// the privacy notice; `defaultRetentionDays` when absent.
    public var retentionDays: Int?
    /// Fewest people a role must have for transcripts to show it alone; smaller roles are merged
    /// into "other roles" (`disclosureMinimumGroup`, `defaultMinimumRoleGroup` when absent).
    public var minimumRoleGroup: Int?
    /// Calendar date of the session, `YYYY-MM-DD`.
    public var date: String
    /// IANA time zone of the venue (`Europe/Brussels`); planned times are local to it.
    public var timezone: String
    /// Languages offered to participants, the first being the workshop's own (`fr`, `nl`, `en`).
    public var languages: [String]
    /// Optional introduction shown on the join screen.
    public var description: LocalizedText?
    /// Roles a participant can pick when joining (`élu·e`, `médiateur·rice`…).
    public var roles: [Role]
    /// Who may be asked to act on a recommendation (commune, zone de police, région…), listed
    /// like roles; none when absent.
    public var addressees: [Role]?
    /// Breakout rooms, one per theme.
    public var rooms: [Room]
    /// Open questions used as board columns wherever a room or slot does not give its own.
    public var prompts: [Prompt]?
    /// The programme, in order.
    public var agenda: [AgendaSlot]
    /// Default dot-voting rules.
    public var voting: VotingSettings
    /// How participants are placed in rooms when a breakout opens.
    public var assignment: AssignmentMode

    /// A role participants choose from, or an addressee of recommendations: an id and its label.
    public struct Role: Hashable, Sendable, Codable {
        /// Stable identifier used in events and exports.
        public var id: String
        /// What participants read.
        public var label: LocalizedText
        public init(id: String, label: LocalizedText) { self.id = id; self.label = label }
    }

    /// A breakout room and its theme.
    public struct Room: Hashable, Sendable, Codable {
        /// Stable identifier; `plenary` is reserved for the plenary board.
        public var id: String
        /// The theme discussed in the room.
        public var theme: LocalizedText
        /// Questions specific to this room; when absent the slot's or the workshop's are used.
        public var prompts: [Prompt]?
        public init(id: String, theme: LocalizedText, prompts: [Prompt]? = nil) {
            self.id = id; self.theme = theme; self.prompts = prompts
        }
    }

    /// An open question; on a board it is a column of sticky notes.
    public struct Prompt: Hashable, Sendable, Codable {
        /// Stable identifier, unique in its list.
        public var id: String
        /// The question as participants read it.
        public var text: LocalizedText
        /// Notes the organiser places on the board beforehand, e.g. the options of a survey.
        public var items: [LocalizedText]?
        public init(id: String, text: LocalizedText, items: [LocalizedText]? = nil) {
            self.id = id; self.text = text; self.items = items
        }
    }

    /// One slot of the programme.
    public struct AgendaSlot: Hashable, Sendable, Codable {
        /// Stable identifier, unique in the agenda.
        public var id: String
        /// What the slot is called on screens and in the transcript.
        public var title: LocalizedText
        /// Planned local start, `HH:MM`; when absent it follows the previous slot.
        public var start: String?
        /// Planned length in minutes.
        public var minutes: Int
        /// What happens during the slot.
        public var kind: SlotKind
        /// What happens when the time is up; `stay` unless given.
        public var onTimeUp: TimeUpBehaviour?
        /// Rooms opened by a breakout slot; all rooms when absent.
        public var rooms: [String]?
        /// Questions of the slot's board (plenary slots) or default questions of its rooms (breakouts).
        public var prompts: [Prompt]?
        /// Voting rules for votes held during this slot, overriding the workshop's.
        public var voting: VotingSettings?
        /// Optional detail shown under the title (speaker, instructions).
        public var description: LocalizedText?

        public init(
            id: String, title: LocalizedText, start: String? = nil, minutes: Int, kind: SlotKind,
            onTimeUp: TimeUpBehaviour? = nil, rooms: [String]? = nil, prompts: [Prompt]? = nil,
            voting: VotingSettings? = nil, description: LocalizedText? = nil
        ) {
            self.id = id; self.title = title; self.start = start; self.minutes = minutes; self.kind = kind
            self.onTimeUp = onTimeUp; self.rooms = rooms; self.prompts = prompts; self.voting = voting
            self.description = description
        }
    }

    /// The nature of an agenda slot.
    public enum SlotKind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Everyone together listening or discussing.
        case plenary
        /// Participants split into the workshop's rooms.
        case breakout
        /// Everyone together voting.
        case vote
        /// Everyone together turning room results into recommendations.
        case synthesis
        /// A pause in the programme.
        case `break`
    }

    /// What the server does when a slot's time runs out.
    public enum TimeUpBehaviour: String, Hashable, Sendable, Codable, CaseIterable {
        /// Warn the moderators and keep the slot running.
        case stay
        /// Warn the moderators and move on to the next slot.
        case advance
    }

    /// How participants get into rooms.
    public enum AssignmentMode: String, Hashable, Sendable, Codable, CaseIterable {
        /// Each participant picks a room.
        case `self`
        /// Participants are spread at random, keeping rooms balanced.
        case random
        /// The moderator places each participant.
        case moderator
    }

    /// Dot-voting rules.
    public struct VotingSettings: Hashable, Sendable, Codable {
        /// Dots each participant may place in one round.
        public var dotsPerPerson: Int
        /// Most dots one participant may place on a single item.
        public var maxDotsPerNote: Int
        /// Whether totals stay hidden from everyone until the moderator reveals them.
        public var hiddenUntilReveal: Bool
        public init(dotsPerPerson: Int, maxDotsPerNote: Int, hiddenUntilReveal: Bool) {
            self.dotsPerPerson = dotsPerPerson; self.maxDotsPerNote = maxDotsPerNote
            self.hiddenUntilReveal = hiddenUntilReveal
        }
    }

    public init(
        format: Int = 1, id: String, title: LocalizedText, organiser: String, contact: String? = nil,
        retentionDays: Int? = nil, minimumRoleGroup: Int? = nil, date: String, timezone: String,
        languages: [String], description: LocalizedText? = nil, roles: [Role], addressees: [Role]? = nil, rooms: [Room],
        prompts: [Prompt]? = nil, agenda: [AgendaSlot], voting: VotingSettings, assignment: AssignmentMode
    ) {
        self.format = format; self.id = id; self.title = title; self.organiser = organiser; self.date = date
        self.contact = contact; self.retentionDays = retentionDays; self.minimumRoleGroup = minimumRoleGroup
        self.timezone = timezone; self.languages = languages; self.description = description; self.roles = roles
        self.addressees = addressees
        self.rooms = rooms; self.prompts = prompts; self.agenda = agenda; self.voting = voting
        self.assignment = assignment
    }
}
