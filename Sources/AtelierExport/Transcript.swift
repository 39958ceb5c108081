import AtelierCore

/// What a session produced, ready to render: the synthesis document an organiser takes home.
///
/// Built once from a session's state (`Transcript(state:options:)`), then rendered to Markdown,
/// HTML, CSV or JSON. Every text is already in the transcript's language and every person is
/// already reduced to what the options allow, so renderers only lay out; the JSON format is this
/// structure as it is.
public struct Transcript: Sendable, Hashable, Encodable {
    /// Language of the headings and of the workshop's texts (`fr`, `nl` or `en`).
    public var language: String
    /// The workshop's identifier (`befus-25-ans`).
    public var workshopID: String
    /// The session's identifier.
    public var sessionID: String
    /// The code participants joined with.
    public var joinCode: String
    /// The workshop's title.
    public var title: String
    /// The workshop's introduction, if it has one.
    public var description: String?
    /// The introduction the moderators wrote for this session (Markdown, see `Prose`), if any.
    public var introduction: String?
    /// Who ran the workshop.
    public var organiser: String
    /// Day the session ran, `YYYY-MM-DD` (the first slot's local date, else the workshop's date).
    public var date: String
    /// IANA time zone every clock time in the transcript is local to.
    public var timezone: String
    /// Where the session stood when exported (`ended` once it is over).
    public var status: String
    /// Whether participants' names and organisations appear next to what they wrote.
    public var namesIncluded: Bool
    /// Fewest people a role must have to be shown alone; smaller roles are "other roles" (`RoleDisclosure`).
    public var minimumRoleGroup: Int
    /// Who took part, by role and organisation.
    public var attendance: Attendance
    /// The programme, planned against actual.
    public var agenda: [AgendaLine]
    /// What each room's exchanges came to, by theme, before the raw material of the annex.
    public var findings: [ThemeFindings]
    /// Each room's (and each plenary board's) notes, votes and promoted items: the annex.
    public var boards: [BoardSection]
    /// Comments, attributed by role: what people said about the notes.
    public var quotes: [Quote]
    /// The recommendations, ranked by the plenary vote.
    public var recommendations: RecommendationList
    /// The conclusion the moderators wrote (Markdown, see `Prose`), if any.
    public var conclusion: String?
    /// Every closed or revealed vote round, broken down by role.
    public var votes: [VoteSection]

    /// Who took part: counts only, and the organisations present, never names.
    public struct Attendance: Sendable, Hashable, Encodable {
        /// Participants who joined, moderators left out.
        public var participants: Int
        /// How many participants chose each role, in the workshop's order; roles nobody chose are left out.
        public var roles: [RoleCount]
        /// Organisations participants named, alphabetically, with how many came from each.
        public var organisations: [OrganisationCount]
    }

    /// A role and how many participants chose it.
    public struct RoleCount: Sendable, Hashable, Encodable {
        public var role: RoleRef
        public var count: Int
    }

    /// An organisation and how many participants came from it.
    public struct OrganisationCount: Sendable, Hashable, Encodable {
        public var name: String
        public var count: Int
    }

    /// A role as the transcript names it: the workshop's role id, or `moderation` or `unspecified`.
    public struct RoleRef: Sendable, Hashable, Encodable {
        public var id: String
        public var label: String
    }

    /// One slot of the programme with its planned and actual times (local `HH:MM`).
    public struct AgendaLine: Sendable, Hashable, Encodable {
        public var slot: String
        public var title: String
        public var kind: String
        public var plannedStart: String
        public var plannedEnd: String
        public var plannedMinutes: Int
        /// Each time the slot actually ran; empty when it never did.
        public var runs: [Run]

        /// One actual run of a slot.
        public struct Run: Sendable, Hashable, Encodable {
            public var start: String
            /// Nil while the slot is still running.
            public var end: String?
            /// Whole minutes the run lasted, when it has ended.
            public var minutes: Int?
            /// Minutes the moderators added while it ran.
            public var extendedMinutes: Int
            /// Minutes between the planned and the actual start (positive when late).
            public var startDelay: Int
        }
    }

    /// The findings of one theme: a room, over every slot it met in, or a plenary board. Until someone writes
    /// them, they are drawn from the session: the most voted notes and the facilitator's groups, and the
    /// document says they are not edited yet.
    public struct ThemeFindings: Sendable, Hashable, Encodable {
        /// The room id, or `plenary`.
        public var room: String
        /// `slot/room` of each board whose notes they summarise.
        public var boards: [String]
        public var theme: String
        /// The findings the moderators or the room's facilitators wrote (Markdown, see `Prose`); nil until then.
        public var text: String?
        /// The three most voted texts of the first vote round that covered the theme, each once.
        public var mostVoted: [RankLine]
        /// The facilitator's named groups, in the order they were made.
        public var groups: [GroupSize]
        /// The notes and comments quoted under the theme, in the order they were featured.
        public var quotes: [FeaturedQuote]
    }

    /// A note or comment the curators chose to quote in the document.
    public struct FeaturedQuote: Sendable, Hashable, Encodable {
        /// `note` or `comment`.
        public var kind: String
        public var id: String
        public var text: String
        /// Nil for an anonymous note, and, without names, for an author whose role is too small to be named.
        public var attribution: Attribution?
    }

    /// A named group of notes and how many notes it gathers.
    public struct GroupSize: Sendable, Hashable, Encodable {
        public var name: String
        public var notes: Int
    }

    /// The notes of one board: a breakout room during one slot, or a plenary board.
    public struct BoardSection: Sendable, Hashable, Encodable {
        /// `slot/room`.
        public var board: String
        public var slot: String
        /// The room id, or `plenary`.
        public var room: String
        /// The room's theme, or the slot's title for a plenary board.
        public var theme: String
        /// Title of the agenda slot the board belongs to.
        public var slotTitle: String
        /// The board's questions, in column order.
        public var prompts: [PromptText]
        /// The facilitator's groups of notes, in the order they were made.
        public var clusters: [ClusterSection]
        /// Notes in no group, by question.
        public var ungrouped: [PromptNotes]
        /// The board's notes ranked by each vote round that covered it.
        public var votes: [BoardVote]
        /// What went up to the plenary from this board.
        public var promoted: [PromotedLine]
    }

    /// A question of a board.
    public struct PromptText: Sendable, Hashable, Encodable {
        public var id: String
        /// 1-based position on the board, for "Question 2".
        public var number: Int
        public var text: String
    }

    /// A named group of notes.
    public struct ClusterSection: Sendable, Hashable, Encodable {
        public var id: String
        /// Nil when the facilitator did not name the group.
        public var name: String?
        public var notes: [NoteLine]
    }

    /// The ungrouped notes written under one question.
    public struct PromptNotes: Sendable, Hashable, Encodable {
        public var prompt: PromptText
        public var notes: [NoteLine]
    }

    /// A sticky note, attributed as the options allow.
    public struct NoteLine: Sendable, Hashable, Encodable {
        public var id: String
        public var prompt: String
        public var text: String
        /// Nil for anonymous notes, for notes the organiser placed beforehand, and, without names, for an
        /// author whose role, even merged into "other roles", has too few people to be named.
        public var attribution: Attribution?
        public var anonymous: Bool
        /// Whether the organiser placed the note in the workshop file (a survey option).
        public var prefilled: Bool
        /// Dots the note received across the rounds that covered its board.
        public var dots: Int
        /// Whether the note (alone or in its group) went up to the plenary.
        public var promoted: Bool
        /// Milliseconds since 1970.
        public var createdAt: Int64
        public var comments: [CommentLine]
    }

    /// A comment on a note.
    public struct CommentLine: Sendable, Hashable, Encodable {
        public var id: String
        public var text: String
        public var attribution: Attribution?
        /// Milliseconds since 1970.
        public var createdAt: Int64
    }

    /// Who wrote something: the role (or "other roles" when it has too few people), the person only when names are included.
    public struct Attribution: Sendable, Hashable, Encodable {
        public var role: RoleRef
        public var name: String?
        public var organisation: String?
    }

    /// A board's notes as one round ranked them (ranks count only this board's notes).
    public struct BoardVote: Sendable, Hashable, Encodable {
        public var vote: String
        public var ranking: [RankLine]
    }

    /// One line of a ranking.
    public struct RankLine: Sendable, Hashable, Encodable {
        public var rank: Int
        public var item: String
        public var text: String
        public var dots: Int
        /// How many people placed at least one dot on the item.
        public var voters: Int
    }

    /// An item promoted to the plenary.
    public struct PromotedLine: Sendable, Hashable, Encodable {
        public var id: String
        public var text: String
        /// The notes it came from: the note itself, or every note of its group.
        public var sourceNotes: [String]
    }

    /// A comment quoted with its context.
    public struct Quote: Sendable, Hashable, Encodable {
        public var comment: String
        public var text: String
        public var attribution: Attribution?
        public var note: String
        public var noteText: String
        /// The theme (or plenary slot title) of the note's board.
        public var theme: String
    }

    /// The recommendations and how they were ordered.
    public struct RecommendationList: Sendable, Hashable, Encodable {
        /// The revealed round that ranked them; nil when they keep the moderators' order.
        public var rankedBy: String?
        /// The workshop's addressees, in its order: the order recommendations are grouped in within a theme.
        public var addressees: [AddresseeRef]
        public var items: [RecommendationLine]
    }

    /// A recommendation with its rank and where it comes from.
    public struct RecommendationLine: Sendable, Hashable, Encodable {
        public var rank: Int
        public var id: String
        public var text: String
        /// The language `text` is written in: a translation's own, else the workshop's first (the original's).
        public var language: String
        public var dots: Int
        /// The room theme the moderators filed it under, if any.
        public var theme: String?
        /// Who should act on it, when the moderators said.
        public var addressee: AddresseeRef?
        /// Reservations and minority views recorded on it, oldest first.
        public var reservations: [ReservationLine]
        public var sources: [SourceTrace]
    }

    /// An addressee of the workshop: who should act on a recommendation.
    public struct AddresseeRef: Sendable, Hashable, Encodable {
        public var id: String
        public var label: String
    }

    /// A reservation or minority view on a recommendation.
    public struct ReservationLine: Sendable, Hashable, Encodable {
        public var id: String
        public var text: String
    }

    /// One source of a recommendation, traced back to the notes and boards it came from.
    public struct SourceTrace: Sendable, Hashable, Encodable {
        /// `promoted` or `note`.
        public var kind: String
        public var id: String
        /// The source's text; nil when it was removed after the recommendation was drafted.
        public var text: String?
        public var notes: [NoteRef]
    }

    /// A note named as a source, with its board's theme.
    public struct NoteRef: Sendable, Hashable, Encodable {
        public var id: String
        public var text: String
        public var board: String
        public var theme: String
    }

    /// A vote round's results, in total and by role.
    public struct VoteSection: Sendable, Hashable, Encodable {
        public var id: String
        public var slot: String
        public var slotTitle: String
        /// `boards`, `promoted` or `recommendations`.
        public var scope: String
        /// `closed` or `revealed`.
        public var status: String
        public var dotsPerPerson: Int
        /// People who placed at least one dot.
        public var voters: Int
        /// Roles that voted, in the workshop's order, then "other roles" for those with too few voters;
        /// each item's `byRole` follows it. Empty when "other roles" would still have too few voters.
        public var roles: [RoleVoters]
        public var items: [VoteItem]
        /// Each role's favourite items (most dots from that role).
        public var topByRole: [RoleChoice]
        /// Items every voting role put dots on, by total; empty when fewer than two roles voted.
        public var agreement: [String]
        /// Items some role ranked first and another gave nothing to; the five most voted at most.
        public var divergence: [Divergence]
    }

    /// A role that voted and how many of its people did.
    public struct RoleVoters: Sendable, Hashable, Encodable {
        public var role: RoleRef
        public var voters: Int
    }

    /// One item of a round with its total and its dots from each role.
    public struct VoteItem: Sendable, Hashable, Encodable {
        public var rank: Int
        public var item: String
        public var text: String
        public var dots: Int
        public var voters: Int
        /// The theme of the room the item came from, when the round's items came from more than one room.
        public var room: String?
        /// Dots from each role of the section's `roles`, in the same order.
        public var byRole: [Int]
    }

    /// The items a role gave the most dots.
    public struct RoleChoice: Sendable, Hashable, Encodable {
        public var role: String
        public var items: [String]
        public var dots: Int
    }

    /// An item that splits the roles.
    public struct Divergence: Sendable, Hashable, Encodable {
        public var item: String
        /// Roles whose first choice it is.
        public var favouredBy: [String]
        /// Voting roles that gave it no dot.
        public var ignoredBy: [String]
    }
}

extension Transcript.RecommendationLine {
    /// One text a recommendation cites, with the theme it came from when that is not the recommendation's own.
    struct Citation: Hashable {
        /// Nil when the source was removed after the recommendation was drafted.
        var text: String?
        var theme: String?
    }

    /// What the recommendation cites, each text once: each source's own text, then the notes of a promoted
    /// group that say something else (a promoted note is its own note, so it would otherwise be cited twice).
    var citations: [Citation] {
        var cited: [Citation] = []
        var seen: Set<String> = []
        let add = { (text: String?, themes: [String]) in
            if let text, !seen.insert(text).inserted { return }
            let theme = Set(themes).count == 1 ? themes.first : nil
            cited.append(Citation(text: text, theme: theme == self.theme ? nil : theme))
        }
        for source in sources {
            add(source.text, source.notes.map(\.theme))
            for note in source.notes { add(note.text, [note.theme]) }
        }
        return cited
    }
}

extension Transcript.RecommendationList {
    /// The recommendations by theme, each theme where its best ranked recommendation is, those with no theme last.
    var byTheme: [(theme: String?, items: [Transcript.RecommendationLine])] {
        var groups: [(theme: String?, items: [Transcript.RecommendationLine])] = []
        for item in items {
            if let index = groups.firstIndex(where: { $0.theme == item.theme }) { groups[index].items.append(item) } else { groups.append((item.theme, [item])) }
        }
        return groups.filter { $0.theme != nil } + groups.filter { $0.theme == nil }
    }

    /// `items` by addressee, in the workshop's order, those without one last.
    func byAddressee(_ items: [Transcript.RecommendationLine]) -> [(addressee: Transcript.AddresseeRef?, items: [Transcript.RecommendationLine])] {
        (addressees.map { Optional($0) } + [nil]).compactMap { addressee in
            let matching = items.filter { $0.addressee == addressee }
            return matching.isEmpty ? nil : (addressee, matching)
        }
    }
}

extension Transcript.AgendaLine {
    /// Whole minutes the slot ran in all, when it ran more than once and every run has ended.
    var totalMinutes: Int? {
        let minutes = runs.compactMap(\.minutes)
        return runs.count > 1 && minutes.count == runs.count ? minutes.reduce(0, +) : nil
    }
}
