/// The rules of a session: turns a command into events, or refuses it.
///
/// Pure: no I/O, no clock, no global state. `decide` never changes the state; the caller
/// appends the events to the log, then folds them in with `SessionState.apply(_:)`.
public enum SessionEngine {
    /// The events that create a session for `workshop`, including the notes its prompts pre-fill.
    ///
    /// Refused with `workshop.invalid` when the workshop breaks a rule of `WorkshopDefinition.validate()`.
    public static func create(
        id: SessionID, joinCode: String, workshop: WorkshopDefinition, at now: Timestamp
    ) throws(Refusal) -> [Event] {
        let issues = workshop.validate()
        if let first = issues.first {
            throw Refusal(.workshopInvalid, "The workshop is not valid: \(first)")
        }
        var events: [Event] = [.sessionCreated(id: id, joinCode: joinCode, workshop: workshop, at: now)]
        var number = 0
        for board in workshop.boards {
            for prompt in workshop.prompts(of: board) {
                for item in prompt.items ?? [] {
                    number += 1
                    events.append(.noteAdded(
                        id: "n\(number)", board: board, prompt: prompt.id, author: nil,
                        text: item.text(in: workshop.primaryLanguage), colour: .yellow, anonymous: false, at: now))
                }
            }
        }
        return events
    }

    /// Decides what `command` from `actor` does to `state`: the events to record, or a refusal.
    public static func decide(
        _ command: Command, by actor: Actor, in state: SessionState, context: inout DecisionContext
    ) throws(Refusal) -> [Event] {
        var decision = Decision(state: state, actor: actor, now: context.now, random: context.random)
        defer { context.random = decision.random }
        return try decision.decide(command)
    }
}

/// One decision in progress: the state, who asks, and the injected time and randomness.
struct Decision {
    let state: SessionState
    let actor: Actor
    let now: Timestamp
    var random: SplitMix64

    mutating func decide(_ command: Command) throws(Refusal) -> [Event] {
        // Organisers curate the synthesis after the session too, and a moderator holding the key may
        // first arrive then to do it; everything else stops at the end.
        if state.status == .ended && !command.isCuration && !command.isModeratorEntry {
            throw Refusal(.sessionEnded, "The session has ended.")
        }
        switch command {
        case let .join(name, role, organisation, language, credential):
            return try join(name: name, role: role, organisation: organisation, language: language, credential: credential)
        case let .joinAsModerator(name, language, credential):
            return try joinAsModerator(name: name, language: language, credential: credential)
        case let .rejoin(credential):
            return try rejoin(credential: credential)
        case .leave:
            return try leave()
        case let .setLanguage(language):
            return try setLanguage(language)
        case let .appointFacilitator(participant, room):
            return try appointFacilitator(participant, room: room)
        case .start:
            return try start()
        case .pause:
            return try pause()
        case .resume:
            return try resume()
        case .end:
            return try end()
        case .nextSlot:
            return try nextSlot()
        case .previousSlot:
            return try previousSlot()
        case let .goToSlot(slot):
            return try goToSlot(slot)
        case let .extendSlot(minutes):
            return try extendSlot(minutes: minutes)
        case .expireSlot:
            return try expireSlot()
        case let .openRooms(mode):
            return try openRooms(mode: mode)
        case let .chooseRoom(room):
            return try chooseRoom(room)
        case let .assign(participant, room):
            return try assign(participant, to: room)
        case let .closeRooms(afterSeconds):
            return try closeRooms(afterSeconds: afterSeconds)
        case let .addNote(board, prompt, text, colour, anonymous):
            return try addNote(board: board, prompt: prompt, text: text, colour: colour, anonymous: anonymous)
        case let .editNote(note, text, colour):
            return try editNote(note, text: text, colour: colour)
        case let .deleteNote(note):
            return try deleteNote(note)
        case let .addComment(note, text):
            return try addComment(on: note, text: text)
        case let .deleteComment(comment):
            return try deleteComment(comment)
        case let .groupNotes(notes, cluster, name):
            return try groupNotes(notes, into: cluster, name: name)
        case let .ungroupNotes(notes):
            return try ungroupNotes(notes)
        case let .nameCluster(cluster, name):
            return try nameCluster(cluster, name: name)
        case let .openVote(scope, dotsPerPerson, maxDotsPerItem, hidden):
            return try openVote(on: scope, dotsPerPerson: dotsPerPerson, maxDotsPerItem: maxDotsPerItem, hidden: hidden)
        case let .placeDot(vote, item):
            return try placeDot(in: vote, on: item)
        case let .removeDot(vote, item):
            return try removeDot(in: vote, from: item)
        case let .closeVote(vote):
            return try closeVote(vote)
        case let .revealVote(vote):
            return try revealVote(vote)
        case let .promote(source, text):
            return try promote(source, text: text)
        case let .demote(item):
            return try demote(item)
        case let .draftRecommendation(text, sources, room):
            return try draftRecommendation(text: text, sources: sources, room: room)
        case let .editRecommendation(recommendation, text, sources, room):
            return try editRecommendation(recommendation, text: text, sources: sources, room: room)
        case let .withdrawRecommendation(recommendation):
            return try withdrawRecommendation(recommendation)
        case let .orderRecommendations(order):
            return try orderRecommendations(order)
        case let .writeFindings(room, text):
            return try writeFindings(room: room, text: text)
        case let .featureQuote(quote):
            return try featureQuote(quote)
        case let .unfeatureQuote(quote):
            return try unfeatureQuote(quote)
        case let .classifyRecommendation(recommendation, theme, addressee):
            return try classifyRecommendation(recommendation, theme: theme, addressee: addressee)
        case let .addReservation(recommendation, text):
            return try addReservation(on: recommendation, text: text)
        case let .withdrawReservation(reservation):
            return try withdrawReservation(reservation)
        case let .writeSynthesisText(part, text):
            return try writeSynthesisText(part, text: text)
        case let .announce(text, room):
            return try announce(text: text, room: room)
        }
    }

    // MARK: Guards shared by every feature

    /// The joined, active participant behind the actor.
    func requireParticipant() throws(Refusal) -> SessionState.Participant {
        guard let id = actor.participantID, let person = state.participants[id], person.isActive else {
            throw Refusal(.authNotJoined, "Join the session first.")
        }
        return person
    }

    /// The moderator behind the actor; `action` completes "Only moderators can …".
    func requireModerator(to action: String) throws(Refusal) -> SessionState.Participant {
        let person = try requireParticipant()
        guard person.isModerator else { throw Refusal(.authModeratorOnly, "Only moderators can \(action).") }
        return person
    }

    /// Refuses unless the session has started (running or paused).
    func requireStarted() throws(Refusal) {
        if state.status == .created { throw Refusal(.sessionNotStarted, "The session has not started yet.") }
    }

    /// An active participant other than a moderator, by id.
    func requireAttendee(_ id: ParticipantID) throws(Refusal) -> SessionState.Participant {
        guard let person = state.participants[id], person.isActive else {
            throw Refusal(.participantUnknown, "There is no participant \"\(id)\" in this session.")
        }
        if person.isModerator {
            throw Refusal(.participantIsModerator, "\(person.name) is a moderator: moderators see every room and are not placed in one.")
        }
        return person
    }

    /// A room of the workshop, by id.
    func requireRoom(_ id: RoomID) throws(Refusal) -> WorkshopDefinition.Room {
        guard let room = state.workshop.room(id) else {
            throw Refusal(.roomsUnknownRoom, "There is no room \"\(id)\" in this workshop.")
        }
        return room
    }

    /// A note the actor can read; notes in rooms they cannot see are reported as unknown.
    func requireReadableNote(_ id: NoteID, by person: SessionState.Participant) throws(Refusal) -> SessionState.Note {
        guard let note = state.notes[id], state.canRead(note.board, as: person.id) else {
            throw Refusal(.noteUnknown, "There is no note \"\(id)\".")
        }
        return note
    }
}
