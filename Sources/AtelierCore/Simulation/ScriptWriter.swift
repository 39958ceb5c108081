/// Writes the next steps of a scripted session from the state so far.
///
/// Everyone joins, the moderator starts, then each slot goes through the stages its kind calls
/// for; each stage is planned only once the previous one has been applied, so it can use what
/// happened (room assignments, notes written, votes revealed). The agenda moves on at each
/// slot's planned end. A curated script then has the moderator write the synthesis, as organisers do
/// after the session.
struct ScriptWriter {
    let workshop: WorkshopDefinition
    let participants: Int
    let curate: Bool
    var now: Timestamp
    /// Steps planned and not yet taken.
    private var queue: [ScriptedSession.Step] = []
    /// The slot being scripted and how many of its stages are planned.
    private var slot: (index: Int, stage: Int)?
    private var finished = false
    private var curated = false

    init(workshop: WorkshopDefinition, participants: Int, curate: Bool = false, now: Timestamp) {
        self.workshop = workshop
        self.participants = participants
        self.curate = curate
        self.now = now
    }

    private static let moderatorCredential = "script-moderator"

    /// What a slot's kind does, stage by stage.
    private enum Stage {
        case openRooms, write(notesEach: Int), comment, voteOnBoards, promote, recommend, voteOnRecommendations, pause
    }

    mutating func next(after state: SessionState) -> ScriptedSession.Step? {
        if queue.isEmpty { plan(after: state) }
        return queue.isEmpty ? nil : queue.removeFirst()
    }

    // MARK: Planning

    private mutating func plan(after state: SessionState) {
        if finished {
            if curate && !curated { planCuration(in: state) }
            return
        }
        if state.participants.isEmpty { return planJoins() }
        if state.status == .created { return enqueue(moderator(state), .start, after: 60) }
        guard let index = state.agenda.current else { return }
        if slot?.index != index { slot = (index, 0) }
        if let round = state.voteOrder.compactMap({ state.votes[$0] }).first(where: { $0.status != .revealed }) {
            return planVoting(round, in: state)
        }
        let stages = self.stages(of: workshop.agenda[index])
        while queue.isEmpty, let current = slot, current.stage < stages.count {
            slot = (index, current.stage + 1)
            plan(stages[current.stage], in: state, slot: workshop.agenda[index])
        }
        if queue.isEmpty { planMovingOn(in: state, index: index) }
    }

    private func stages(of slot: WorkshopDefinition.AgendaSlot) -> [Stage] {
        let hasBoard = slot.prompts != nil
        switch slot.kind {
        case .breakout: return [.openRooms, .write(notesEach: 2), .comment, .voteOnBoards, .promote]
        case .plenary: return hasBoard ? [.write(notesEach: 1), .comment] : []
        case .vote: return hasBoard ? [.voteOnBoards] : [.recommend, .voteOnRecommendations]
        case .synthesis: return [.recommend, .voteOnRecommendations]
        case .break: return [.pause]
        }
    }

    private mutating func plan(_ stage: Stage, in state: SessionState, slot: WorkshopDefinition.AgendaSlot) {
        let mod = moderator(state)
        let people = attendees(state)
        switch stage {
        case .openRooms:
            enqueue(mod, .openRooms(mode: nil), after: 60)
            if workshop.assignment == .self {
                let rooms = workshop.rooms(of: slot)
                for (number, person) in people.enumerated() {
                    enqueue(.participant(person), .chooseRoom(room: rooms[number % rooms.count]), after: 5)
                }
            }
            enqueue(mod, .announce(text: LocalizedText(ScriptCast.welcome), room: nil), after: 5)
        case .write(let notesEach):
            for round in 0..<notesEach {
                for (number, person) in people.enumerated() {
                    guard let board = state.currentBoard(of: person) else { continue }
                    let prompts = workshop.prompts(of: board)
                    guard !prompts.isEmpty else { continue }
                    let seed = number * 7 + round * 3
                    enqueue(.participant(person), .addNote(
                        board: nil, prompt: prompts[(number + round) % prompts.count].id, text: ScriptCast.note(seed),
                        colour: NoteColour.allCases[seed % NoteColour.allCases.count], anonymous: seed % 5 == 0),
                        after: 25)
                }
            }
        case .comment:
            for (number, person) in people.enumerated() {
                let readable = state.noteOrder.compactMap { state.notes[$0] }.filter {
                    $0.author != nil && $0.author != person && state.isOpen($0.board) && state.canRead($0.board, as: person)
                }
                guard !readable.isEmpty, number % 2 == 0 else { continue }
                let note = readable[number % readable.count]
                enqueue(.participant(person), .addComment(note: note.id, text: ScriptCast.comment(number)), after: 15)
            }
        case .voteOnBoards:
            if !state.openBoards.isEmpty {
                enqueue(mod, .openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil), after: 60)
            }
        case .promote:
            planPromotions(in: state)
        case .recommend:
            for (number, item) in state.promoted.enumerated() where !state.recommendations.values.contains(where: {
                $0.sources.contains(.promoted(item.id))
            }) {
                enqueue(mod, .draftRecommendation(
                    text: LocalizedText(ScriptCast.recommendation(for: item.text, number: number)),
                    sources: [.promoted(item.id)], room: item.board.isPlenary ? nil : item.board.room), after: 90)
            }
        case .voteOnRecommendations:
            if !state.recommendationOrder.isEmpty {
                enqueue(mod, .openVote(on: .recommendations, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: true), after: 30)
            }
        case .pause:
            enqueue(mod, .announce(text: LocalizedText(ScriptCast.pause), room: nil), after: 10)
        }
    }

    private mutating func planJoins() {
        enqueue(.guest, .joinAsModerator(
            name: "Modération", language: workshop.primaryLanguage, credential: Self.moderatorCredential), after: 0)
        for number in 0..<participants {
            let person = ScriptCast.person(number)
            enqueue(.guest, .join(
                name: person.name, role: workshop.roles[number % workshop.roles.count].id,
                organisation: person.organisation, language: workshop.languages[number % workshop.languages.count],
                credential: "script-\(number + 1)"), after: 20)
        }
    }

    /// Every attendee spends their dots, then the moderator reveals the totals.
    private mutating func planVoting(_ round: SessionState.VoteRound, in state: SessionState) {
        if round.status == .open, round.dots.isEmpty {
            for (number, person) in attendees(state).enumerated() {
                let items = state.items(of: round, for: person)
                guard !items.isEmpty else { continue }
                var placed: [String: Int] = [:]
                for dot in 0..<round.dotsPerPerson {
                    let item = items[(number * 5 + dot * 3) % items.count]
                    guard placed[item, default: 0] < round.maxDotsPerItem else { continue }
                    placed[item, default: 0] += 1
                    enqueue(.participant(person), .placeDot(vote: round.id, item: item), after: 3)
                }
            }
        }
        enqueue(moderator(state), .revealVote(vote: round.id), after: 30)
    }

    /// The moderator promotes the two best notes of each room and groups the next two.
    private mutating func planPromotions(in state: SessionState) {
        guard let breakout = state.breakout,
              let round = state.voteOrder.compactMap({ state.votes[$0] }).last(where: { $0.slot == breakout.slot })
        else { return }
        let mod = moderator(state)
        let ranked = state.results(of: round)
        for room in breakout.rooms {
            let board = BoardID(slot: breakout.slot, room: room)
            let lines = ranked.filter { state.notes[$0.item]?.board == board }
            for line in lines.prefix(2) {
                enqueue(mod, .promote(source: .note(line.item), text: nil), after: 20)
            }
            let members = lines.dropFirst(2).prefix(2).map(\.item)
            if members.count == 2 {
                enqueue(mod, .groupNotes(notes: members, cluster: nil, name: ScriptCast.clusterName), after: 20)
            }
        }
    }

    /// After the end, the moderator writes the synthesis: an introduction, each room's findings from its most voted
    /// notes, a note and a comment quoted per room, each recommendation's addressee, a reservation, a conclusion.
    private mutating func planCuration(in state: SessionState) {
        curated = true
        let mod = moderator(state)
        enqueue(mod, .writeSynthesisText(part: .introduction, text: LocalizedText(ScriptCast.introduction)), after: 600)
        let rounds = state.voteOrder.compactMap { state.votes[$0] }.filter { $0.scope == .boards && $0.status == .revealed }
        let ranked = rounds.flatMap { state.results(of: $0) }.compactMap { state.notes[$0.item] }
        for room in workshop.rooms.map(\.id) {
            let notes = ranked.filter { $0.board.room == room }
            guard !notes.isEmpty else { continue }
            enqueue(mod, .writeFindings(room: room, text: LocalizedText(ScriptCast.findings(from: notes.prefix(3).map(\.text)))), after: 300)
            if let note = notes.first(where: { $0.author != nil && !$0.anonymous }) {
                enqueue(mod, .featureQuote(quote: .note(note.id)), after: 30)
            }
            let onRoom = Set(state.notes.values.filter { $0.board.room == room }.map(\.id))
            if let comment = state.commentOrder.compactMap({ state.comments[$0] }).first(where: { onRoom.contains($0.note) }) {
                enqueue(mod, .featureQuote(quote: .comment(comment.id)), after: 30)
            }
        }
        let addressees = workshop.addressees ?? []
        for (number, id) in state.recommendationOrder.enumerated() where !addressees.isEmpty {
            enqueue(mod, .classifyRecommendation(
                recommendation: id, theme: state.recommendations[id]?.room, addressee: addressees[number % addressees.count].id),
                after: 20)
        }
        if let first = state.recommendationOrder.first {
            enqueue(mod, .addReservation(recommendation: first, text: LocalizedText(ScriptCast.reservation)), after: 60)
        }
        enqueue(mod, .writeSynthesisText(part: .conclusion, text: LocalizedText(ScriptCast.conclusion)), after: 300)
    }

    /// Once a slot's stages are done: bring rooms back, wait for the planned end, move on.
    private mutating func planMovingOn(in state: SessionState, index: Int) {
        let mod = moderator(state)
        if state.breakout != nil { return enqueue(mod, .closeRooms(afterSeconds: nil), after: 30) }
        if let run = state.agenda.runs.last {
            let plannedEnd = run.startedAt.adding(seconds: Int64(workshop.agenda[index].minutes + run.extendedMinutes) * 60)
            if plannedEnd > now { now = plannedEnd }
        }
        if index + 1 < workshop.agenda.count {
            enqueue(mod, .nextSlot, after: 0)
        } else {
            finished = true
            enqueue(mod, .end, after: 0)
        }
    }

    // MARK: Helpers

    private func moderator(_ state: SessionState) -> Actor {
        state.participant(withCredential: Self.moderatorCredential).map { .participant($0.id) } ?? .guest
    }

    private func attendees(_ state: SessionState) -> [ParticipantID] {
        state.activeParticipants.filter { !$0.isModerator }.map(\.id)
    }

    private mutating func enqueue(_ actor: Actor, _ command: Command, after seconds: Int64) {
        now = now.adding(seconds: seconds)
        queue.append(ScriptedSession.Step(actor: actor, command: command, at: now))
    }
}
