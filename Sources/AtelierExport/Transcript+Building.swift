import AtelierCore

extension Transcript {
    /// The transcript of `state`: a pure function of the session, so the same log always gives the same document.
    public init(state: SessionState, options: TranscriptOptions = TranscriptOptions()) {
        self = TranscriptBuilder(state: state, options: options).transcript()
    }
}

/// Turns a session's state into a `Transcript`, applying the privacy options and the disclosure rule in one
/// place each (`attribution`, `RoleDisclosure`).
private struct TranscriptBuilder {
    let state: SessionState
    let options: TranscriptOptions
    let language: String
    let words: Vocabulary
    let clock: WorkshopClock

    init(state: SessionState, options: TranscriptOptions) {
        self.state = state
        self.options = options
        language = options.language ?? state.workshop.primaryLanguage
        words = Vocabulary.for(language)
        clock = WorkshopClock(timezone: state.workshop.timezone)
    }

    private var workshop: WorkshopDefinition { state.workshop }

    func transcript() -> Transcript {
        let boards = boards()
        return Transcript(
            language: language, workshopID: workshop.id, sessionID: state.id, joinCode: state.joinCode,
            title: text(workshop.title), description: workshop.description.map(text),
            introduction: state.synthesisTexts[.introduction].map(text), organiser: workshop.organiser,
            date: state.agenda.runs.first.map { clock.day($0.startedAt) } ?? workshop.date,
            timezone: workshop.timezone, status: state.status.rawValue, namesIncluded: options.names,
            minimumRoleGroup: workshop.disclosureMinimumGroup,
            attendance: attendance(), agenda: agenda(), findings: findings(boards), boards: boards, quotes: quotes(),
            recommendations: recommendations(), conclusion: state.synthesisTexts[.conclusion].map(text), votes: votes())
    }

    // MARK: People

    /// Participants who are not moderators, in join order.
    private var attendees: [SessionState.Participant] {
        state.participantOrder.compactMap { state.participants[$0] }.filter { !$0.isModerator }
    }

    private func attendance() -> Transcript.Attendance {
        let people = attendees
        let roles = roleOrder.compactMap { role -> Transcript.RoleCount? in
            let count = people.filter { roleRef(of: $0) == role }.count
            return count == 0 ? nil : Transcript.RoleCount(role: role, count: count)
        }
        var organisations: [String: Int] = [:]
        for person in people where options.organisations {
            guard let name = person.organisation else { continue }
            organisations[name, default: 0] += 1
        }
        return Transcript.Attendance(
            participants: people.count, roles: roles,
            organisations: organisations.sorted { $0.key < $1.key }.map { .init(name: $0.key, count: $0.value) })
    }

    /// Every role a person can have in a transcript, in the order tables list them.
    private var roleOrder: [Transcript.RoleRef] {
        workshop.roles.map { Transcript.RoleRef(id: $0.id, label: text($0.label)) }
            + [Transcript.RoleRef(id: "moderation", label: words.moderation),
               Transcript.RoleRef(id: "unspecified", label: words.unspecifiedRole)]
    }

    private func roleRef(of person: SessionState.Participant) -> Transcript.RoleRef {
        if person.isModerator { return Transcript.RoleRef(id: "moderation", label: words.moderation) }
        guard let id = person.role, let role = workshop.role(id) else {
            return Transcript.RoleRef(id: "unspecified", label: words.unspecifiedRole)
        }
        return Transcript.RoleRef(id: role.id, label: text(role.label))
    }

    /// How a text is signed: by role, and by name and organisation only when the options ask for them.
    /// Anonymous notes and the organiser's own notes are never signed. Without names, a role of too few
    /// people is signed "other roles", or not at all when that group is too small as well.
    private func attribution(of author: ParticipantID?, anonymous: Bool = false) -> Transcript.Attribution? {
        guard !anonymous, let author, let person = state.participants[author] else { return nil }
        if options.names {
            return Transcript.Attribution(role: roleRef(of: person), name: person.name, organisation: person.organisation)
        }
        return authorGroups.shown(roleRef(of: person)).map { Transcript.Attribution(role: $0, name: nil, organisation: nil) }
    }

    /// Everyone who joined, counted by role: the groups attributions may name.
    private var authorGroups: RoleDisclosure {
        disclosure(of: state.participantOrder.compactMap { state.participants[$0] })
    }

    private func disclosure(of people: [SessionState.Participant]) -> RoleDisclosure {
        var counts: [Transcript.RoleRef: Int] = [:]
        for person in people { counts[roleRef(of: person), default: 0] += 1 }
        return RoleDisclosure(
            counts: counts, minimumGroup: workshop.disclosureMinimumGroup,
            others: Transcript.RoleRef(id: RoleDisclosure.othersID, label: words.otherRoles))
    }

    // MARK: Agenda

    private func agenda() -> [Transcript.AgendaLine] {
        var plannedStart = workshop.agenda.first?.start.flatMap(minutesOfDay) ?? 9 * 60
        return workshop.agenda.map { slot in
            if let start = slot.start.flatMap(minutesOfDay) { plannedStart = start }
            let start = plannedStart
            plannedStart += slot.minutes
            let runs = state.agenda.runs.filter { $0.slot == slot.id }.map { run in
                Transcript.AgendaLine.Run(
                    start: clock.clock(run.startedAt), end: run.endedAt.map(clock.clock),
                    minutes: run.endedAt.map { Int($0.milliseconds(since: run.startedAt) / 60_000) },
                    extendedMinutes: run.extendedMinutes, startDelay: clock.minuteOfDay(run.startedAt) - start)
            }
            return Transcript.AgendaLine(
                slot: slot.id, title: text(slot.title), kind: slot.kind.rawValue,
                plannedStart: clockText(minuteOfDay: start), plannedEnd: clockText(minuteOfDay: start + slot.minutes),
                plannedMinutes: slot.minutes, runs: runs)
        }
    }

    // MARK: Boards

    /// The findings of each theme, in the order its boards come: a room's boards together (findings are written per
    /// room), each plenary board alone. What was written, else the three first texts of the theme's first round and
    /// its named groups; with the quotes featured from its boards.
    private func findings(_ boards: [Transcript.BoardSection]) -> [Transcript.ThemeFindings] {
        var themes: [(key: String, boards: [Transcript.BoardSection])] = []
        for board in boards {
            let key = board.room == plenaryRoom ? board.board : board.room
            if let index = themes.firstIndex(where: { $0.key == key }) { themes[index].boards.append(board) } else { themes.append((key, [board])) }
        }
        return themes.map { _, boards in
            let room = boards[0].room
            var texts: Set<String> = []
            // Two notes saying the same thing would read as a repetition in prose.
            let ranking = boards.lazy.compactMap(\.votes.first).first?.ranking ?? []
            let distinct = ranking.filter { $0.dots > 0 && texts.insert($0.text).inserted }
            let names = Set(boards.map(\.board))
            return Transcript.ThemeFindings(
                room: room, boards: boards.map(\.board), theme: boards[0].theme,
                text: room == plenaryRoom ? nil : state.findings[room].map(text), mostVoted: Array(distinct.prefix(3)),
                groups: boards.flatMap(\.clusters).compactMap { cluster in
                    cluster.name.map { Transcript.GroupSize(name: $0, notes: cluster.notes.count) }
                },
                quotes: state.featuredQuotes.compactMap { featured($0, on: names) })
        }
    }

    /// A featured note or comment, when it is on one of `boards`.
    private func featured(_ quote: QuoteSource, on boards: Set<String>) -> Transcript.FeaturedQuote? {
        switch quote {
        case .note(let id):
            guard let note = state.notes[id], boards.contains(note.board.description) else { return nil }
            return Transcript.FeaturedQuote(
                kind: "note", id: id, text: noteText(note), attribution: attribution(of: note.author, anonymous: note.anonymous))
        case .comment(let id):
            guard let comment = state.comments[id], let note = state.notes[comment.note], boards.contains(note.board.description)
            else { return nil }
            return Transcript.FeaturedQuote(kind: "comment", id: id, text: comment.text, attribution: attribution(of: comment.author))
        }
    }

    /// A note's text in the transcript's language: an organiser's note (a survey option), placed in the session in one
    /// of the workshop's languages, in the workshop's translation when it has one; what people wrote as they wrote it.
    private func noteText(_ note: SessionState.Note) -> String {
        guard note.author == nil,
              let item = workshop.prompts(of: note.board).first(where: { $0.id == note.prompt })?.items?
                .first(where: { item in workshop.languages.contains { item.text(in: $0) == note.text } })
        else { return note.text }
        return text(item)
    }

    private func boards() -> [Transcript.BoardSection] {
        workshop.boards.compactMap { board in
            let notes = state.noteOrder.compactMap { state.notes[$0] }.filter { $0.board == board }
            guard !notes.isEmpty else { return nil }
            let prompts = workshop.prompts(of: board).enumerated().map { offset, prompt in
                Transcript.PromptText(id: prompt.id, number: offset + 1, text: text(prompt.text))
            }
            let clusters = state.clusterOrder.compactMap { state.clusters[$0] }.filter { $0.board == board }
            let clustered = Set(clusters.flatMap(\.notes))
            let ungrouped = prompts.compactMap { prompt -> Transcript.PromptNotes? in
                let lines = notes.filter { $0.prompt == prompt.id && !clustered.contains($0.id) }.map(noteLine)
                return lines.isEmpty ? nil : Transcript.PromptNotes(prompt: prompt, notes: lines)
            }
            return Transcript.BoardSection(
                board: board.description, slot: board.slot, room: board.room, theme: theme(of: board),
                slotTitle: workshop.slot(board.slot).map { text($0.title) } ?? board.slot, prompts: prompts,
                clusters: clusters.map { cluster in
                    Transcript.ClusterSection(
                        id: cluster.id, name: cluster.name,
                        notes: cluster.notes.compactMap { state.notes[$0] }.map(noteLine))
                },
                ungrouped: ungrouped, votes: boardVotes(board),
                promoted: state.promoted.filter { $0.board == board }.map { item in
                    Transcript.PromotedLine(id: item.id, text: item.text, sourceNotes: sourceNotes(of: item.source))
                })
        }
    }

    /// A room's theme, or the slot's title for a plenary board.
    private func theme(of board: BoardID) -> String {
        if !board.isPlenary, let room = workshop.room(board.room) { return text(room.theme) }
        return workshop.slot(board.slot).map { text($0.title) } ?? board.description
    }

    private func noteLine(_ note: SessionState.Note) -> Transcript.NoteLine {
        let rounds = finishedRounds.filter { $0.scope == .boards && $0.boards.contains(note.board) }
        let comments = state.commentOrder.compactMap { state.comments[$0] }.filter { $0.note == note.id }
        return Transcript.NoteLine(
            id: note.id, prompt: note.prompt, text: noteText(note), attribution: attribution(of: note.author, anonymous: note.anonymous),
            anonymous: note.anonymous, prefilled: note.author == nil,
            dots: rounds.reduce(0) { $0 + $1.totals[note.id, default: 0] }, promoted: promotedNotes.contains(note.id),
            createdAt: note.createdAt.milliseconds,
            comments: comments.map { comment in
                Transcript.CommentLine(
                    id: comment.id, text: comment.text, attribution: attribution(of: comment.author),
                    createdAt: comment.createdAt.milliseconds)
            })
    }

    /// The notes behind an item on the plenary list: the note, or its group's notes.
    private func sourceNotes(of source: PromotedSource) -> [NoteID] {
        switch source {
        case .note(let id): return [id]
        case .cluster(let id): return state.clusters[id]?.notes ?? []
        }
    }

    private var promotedNotes: Set<NoteID> { Set(state.promoted.flatMap { sourceNotes(of: $0.source) }) }

    /// The board's notes ranked by each finished round that covered it, as if the round had covered only this board.
    private func boardVotes(_ board: BoardID) -> [Transcript.BoardVote] {
        finishedRounds.filter { $0.scope == .boards && $0.boards.contains(board) }.map { round in
            var alone = round
            alone.boards = [board]
            return Transcript.BoardVote(vote: round.id, ranking: state.results(of: alone).map { line in
                Transcript.RankLine(
                    rank: line.rank, item: line.item, text: itemText(line.item), dots: line.dots,
                    voters: voters(of: line.item, in: round))
            })
        }
    }

    // MARK: Quotes

    private func quotes() -> [Transcript.Quote] {
        state.commentOrder.compactMap { state.comments[$0] }.compactMap { comment in
            guard let note = state.notes[comment.note] else { return nil }
            return Transcript.Quote(
                comment: comment.id, text: comment.text, attribution: attribution(of: comment.author), note: note.id,
                noteText: noteText(note), theme: theme(of: note.board))
        }
    }

    // MARK: Recommendations

    private func recommendations() -> Transcript.RecommendationList {
        let items = state.rankedRecommendations.compactMap { line -> Transcript.RecommendationLine? in
            guard let recommendation = state.recommendations[line.item] else { return nil }
            let written = recommendation.text.key(in: language, fallbacks: workshop.languages)
            return Transcript.RecommendationLine(
                rank: line.rank, id: recommendation.id, text: text(recommendation.text),
                language: written.flatMap { $0.isEmpty ? nil : $0 } ?? workshop.primaryLanguage, dots: line.dots,
                theme: recommendation.room.flatMap(workshop.room).map { text($0.theme) },
                addressee: recommendation.addressee.flatMap(workshop.addressee).map(addresseeRef),
                reservations: state.reservations.filter { $0.recommendation == recommendation.id }.map {
                    Transcript.ReservationLine(id: $0.id, text: text($0.text))
                },
                sources: recommendation.sources.map(trace))
        }
        return Transcript.RecommendationList(
            rankedBy: state.finalRecommendationVote?.id, addressees: (workshop.addressees ?? []).map(addresseeRef), items: items)
    }

    private func addresseeRef(_ addressee: WorkshopDefinition.Role) -> Transcript.AddresseeRef {
        Transcript.AddresseeRef(id: addressee.id, label: text(addressee.label))
    }

    private func trace(_ source: RecommendationSource) -> Transcript.SourceTrace {
        switch source {
        case .note(let id):
            return Transcript.SourceTrace(kind: "note", id: id, text: state.notes[id].map(noteText), notes: noteRefs([id]))
        case .promoted(let id):
            let item = state.promoted.first { $0.id == id }
            return Transcript.SourceTrace(
                kind: "promoted", id: id, text: item?.text, notes: noteRefs(item.map { sourceNotes(of: $0.source) } ?? []))
        }
    }

    private func noteRefs(_ ids: [NoteID]) -> [Transcript.NoteRef] {
        ids.compactMap { state.notes[$0] }.map {
            Transcript.NoteRef(id: $0.id, text: noteText($0), board: $0.board.description, theme: theme(of: $0.board))
        }
    }

    // MARK: Votes

    /// Rounds whose dots are final, in the order they were opened.
    private var finishedRounds: [SessionState.VoteRound] {
        state.voteOrder.compactMap { state.votes[$0] }.filter { $0.status != .open }
    }

    private func votes() -> [Transcript.VoteSection] {
        finishedRounds.map { round in
            let voterIDs = round.dots.filter { $0.value.values.contains { $0 > 0 } }.keys
            let groups = disclosure(of: voterIDs.compactMap { state.participants[$0] })
            // A merged group still too small would be the total minus the other columns: no breakdown at all then.
            let roles = groups.breakdownShown
                ? (roleOrder + [groups.others]).compactMap { role -> Transcript.RoleVoters? in
                    let count = voterIDs.filter { shownRole(of: $0, in: groups) == role }.count
                    return count == 0 ? nil : Transcript.RoleVoters(role: role, voters: count)
                }
                : []
            let results = state.results(of: round)
            // A round over several rooms' notes or items says which room each came from.
            let rooms = results.map { room(of: $0.item) }
            let spansRooms = Set(rooms.compactMap { $0 }).count > 1
            let items = zip(results, rooms).map { line, room in
                Transcript.VoteItem(
                    rank: line.rank, item: line.item, text: itemText(line.item), dots: line.dots,
                    voters: voters(of: line.item, in: round), room: spansRooms ? room : nil,
                    byRole: roles.map { dots(on: line.item, in: round, from: $0.role, groups: groups) })
            }
            return Transcript.VoteSection(
                id: round.id, slot: round.slot, slotTitle: workshop.slot(round.slot).map { text($0.title) } ?? round.slot,
                scope: round.scope.rawValue, status: round.status.rawValue, dotsPerPerson: round.dotsPerPerson,
                voters: round.dots.values.filter { $0.values.contains { $0 > 0 } }.count, roles: roles, items: items,
                topByRole: topChoices(items, roles: roles), agreement: agreement(items, roles: roles),
                divergence: divergence(items, roles: roles))
        }
    }

    private func dots(
        on item: String, in round: SessionState.VoteRound, from role: Transcript.RoleRef, groups: RoleDisclosure
    ) -> Int {
        round.dots.reduce(0) { sum, entry in
            shownRole(of: entry.key, in: groups) == role ? sum + entry.value[item, default: 0] : sum
        }
    }

    private func shownRole(of participant: ParticipantID, in groups: RoleDisclosure) -> Transcript.RoleRef? {
        state.participants[participant].flatMap { groups.shown(roleRef(of: $0)) }
    }

    private func voters(of item: String, in round: SessionState.VoteRound) -> Int {
        round.dots.values.filter { $0[item, default: 0] > 0 }.count
    }

    /// For each role, the items it gave the most dots.
    private func topChoices(_ items: [Transcript.VoteItem], roles: [Transcript.RoleVoters]) -> [Transcript.RoleChoice] {
        roles.enumerated().compactMap { index, role in
            let best = items.map { $0.byRole[index] }.max() ?? 0
            guard best > 0 else { return nil }
            return Transcript.RoleChoice(
                role: role.role.id, items: items.filter { $0.byRole[index] == best }.map(\.item), dots: best)
        }
    }

    /// Items every voting role supported; only meaningful with two roles or more.
    private func agreement(_ items: [Transcript.VoteItem], roles: [Transcript.RoleVoters]) -> [String] {
        guard roles.count >= 2 else { return [] }
        return items.filter { $0.byRole.allSatisfy { $0 > 0 } }.map(\.item)
    }

    /// Items that are one role's first choice and get nothing from another role: at most the five
    /// most voted, so the section points at the sharpest splits rather than listing every item.
    private func divergence(_ items: [Transcript.VoteItem], roles: [Transcript.RoleVoters]) -> [Transcript.Divergence] {
        let top = topChoices(items, roles: roles)
        let splits = items.compactMap { item -> Transcript.Divergence? in
            let favoured = top.filter { $0.items.contains(item.item) }.map(\.role)
            let ignored = roles.enumerated().filter { item.byRole[$0.offset] == 0 }.map(\.element.role.id)
            guard !favoured.isEmpty, !ignored.isEmpty else { return nil }
            return Transcript.Divergence(item: item.item, favouredBy: favoured, ignoredBy: ignored)
        }
        return Array(splits.prefix(5))
    }

    /// The theme of the breakout room a voted note or plenary item came from; nil for a plenary board's or a recommendation.
    private func room(of item: String) -> String? {
        let board = state.notes[item]?.board ?? state.promoted.first { $0.id == item }?.board
        return board.flatMap { $0.isPlenary ? nil : theme(of: $0) }
    }

    /// The text of a voted item: a note, a plenary item or a recommendation.
    private func itemText(_ item: String) -> String {
        if let note = state.notes[item] { return noteText(note) }
        if let promoted = state.promoted.first(where: { $0.id == item }) { return promoted.text }
        return state.recommendations[item].map { text($0.text) } ?? item
    }

    private func text(_ localized: LocalizedText) -> String {
        localized.text(in: language, fallbacks: workshop.languages)
    }
}

extension Transcript {
    /// Languages whose headings a transcript can be written in.
    public static var languages: [String] { Vocabulary.languages }
}

/// The disclosure rule: a role of fewer than `minimumGroup` people is never shown alone but merged
/// into "other roles", and when the merged group is still that small it is not shown at all, since
/// naming it would single its people out.
struct RoleDisclosure {
    /// The id of the merged group, beside the workshop's role ids like `moderation` and `unspecified`.
    static let othersID = "others"

    let minimumGroup: Int
    let others: Transcript.RoleRef
    private let shownAlone: Set<Transcript.RoleRef>
    private let merged: Int

    init(counts: [Transcript.RoleRef: Int], minimumGroup: Int, others: Transcript.RoleRef) {
        self.minimumGroup = minimumGroup
        self.others = others
        shownAlone = Set(counts.filter { $0.value >= minimumGroup }.keys)
        merged = counts.filter { $0.value < minimumGroup }.values.reduce(0, +)
    }

    /// Whether a breakdown over these people may be shown: some role stands alone (else "other roles"
    /// would only repeat the total), and nobody is merged or enough of them are.
    var breakdownShown: Bool { !shownAlone.isEmpty && (merged == 0 || merged >= minimumGroup) }

    /// The role `role` is shown as: itself, "other roles", or nil when even the merged group is too small.
    func shown(_ role: Transcript.RoleRef) -> Transcript.RoleRef? {
        if shownAlone.contains(role) { return role }
        return merged >= minimumGroup ? others : nil
    }
}
