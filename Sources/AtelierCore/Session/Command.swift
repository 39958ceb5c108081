/// Something a person (or the server's clock) asks the session to do.
///
/// Commands are requests: `SessionEngine.decide` either refuses one with a `Refusal`
/// or turns it into events. On the wire each is an object with one key, the case name,
/// holding the labelled arguments: `{"addNote": {"prompt": "pilotes", "text": "…"}}`.
public enum Command: Hashable, Sendable, Codable {
    // MARK: Participants
    /// Join as a participant; `credential` is the server-side hash of the reconnect token.
    case join(name: String, role: String, organisation: String?, language: String, credential: String)
    /// Join as a moderator; the server only sends this after checking the moderator key.
    case joinAsModerator(name: String, language: String, credential: String)
    /// Come back as the participant holding `credential` (the hash of the reconnect token).
    case rejoin(credential: String)
    /// Leave the session for good.
    case leave
    /// Switch the language the participant reads the workshop in.
    case setLanguage(language: String)
    /// Make a participant facilitator of a room, or revoke it with `room` nil. Moderators only.
    case appointFacilitator(participant: ParticipantID, room: RoomID?)

    // MARK: Lifecycle and agenda (moderators)
    /// Start the session on the first agenda slot.
    case start
    /// Freeze the slot's countdown.
    case pause
    /// Restart the countdown where it was frozen.
    case resume
    /// End the session; afterwards only the synthesis may still be curated.
    case end
    /// Move to the next agenda slot.
    case nextSlot
    /// Move back to the previous agenda slot.
    case previousSlot
    /// Jump to the agenda slot with this id.
    case goToSlot(slot: SlotID)
    /// Give the current slot more time.
    case extendSlot(minutes: Int)
    /// Sent by the server's timer when the current slot's time is up.
    case expireSlot

    // MARK: Breakout rooms
    /// Open the current breakout slot's rooms; `mode` defaults to the workshop's.
    case openRooms(mode: WorkshopDefinition.AssignmentMode?)
    /// Pick a room, when rooms are open by self-selection.
    case chooseRoom(room: RoomID)
    /// Place or move a participant into a room. Moderators only.
    case assign(participant: ParticipantID, room: RoomID)
    /// Bring everyone back to plenary, now or after a warning of `afterSeconds`.
    case closeRooms(afterSeconds: Int?)

    // MARK: Boards
    /// Write a note in a column of a board; `board` defaults to the writer's current board.
    case addNote(board: BoardID?, prompt: PromptID, text: String, colour: NoteColour?, anonymous: Bool?)
    /// Change the text or colour of one's own note.
    case editNote(note: NoteID, text: String?, colour: NoteColour?)
    /// Remove one's own note (moderators may remove any).
    case deleteNote(note: NoteID)
    /// Comment on a note.
    case addComment(note: NoteID, text: String)
    /// Remove one's own comment (moderators may remove any).
    case deleteComment(comment: CommentID)
    /// Put notes of one board into a group, a new one unless `cluster` is given. Facilitators and moderators.
    case groupNotes(notes: [NoteID], cluster: ClusterID?, name: String?)
    /// Take notes out of their groups. Facilitators and moderators.
    case ungroupNotes(notes: [NoteID])
    /// Name or rename a group. Facilitators and moderators.
    case nameCluster(cluster: ClusterID, name: String)

    // MARK: Dot voting
    /// Open a vote round; settings default to the slot's or the workshop's. Moderators only.
    case openVote(on: VoteScope, dotsPerPerson: Int?, maxDotsPerItem: Int?, hidden: Bool?)
    /// Place one dot on an item of an open round.
    case placeDot(vote: VoteID, item: String)
    /// Take back one dot from an item of an open round.
    case removeDot(vote: VoteID, item: String)
    /// Stop accepting dots. Moderators only.
    case closeVote(vote: VoteID)
    /// Show the totals (closing the round first if needed). Moderators only.
    case revealVote(vote: VoteID)

    // MARK: Plenary synthesis
    /// Bring a note or a named group to the plenary. Moderators, or the room's facilitators.
    case promote(source: PromotedSource, text: String?)
    /// Take an item back from the plenary.
    case demote(item: PromotedID)
    /// Write a recommendation linked to the notes and plenary items it comes from, once or per
    /// workshop language. Moderators only.
    case draftRecommendation(text: LocalizedText, sources: [RecommendationSource], room: RoomID?)
    /// Change a recommendation; absent fields stay as they are. Moderators only.
    case editRecommendation(recommendation: RecommendationID, text: LocalizedText?, sources: [RecommendationSource]?, room: RoomID?)
    /// Drop a recommendation. Moderators only.
    case withdrawRecommendation(recommendation: RecommendationID)
    /// Set the moderators' order of the recommendations (all of them, each once). Moderators only.
    case orderRecommendations(order: [RecommendationID])

    // MARK: Curating the synthesis (accepted after the end too)
    /// Write the findings of a theme (a room), Markdown allowed, once or per workshop language;
    /// `text` nil clears them. Moderators, or the room's facilitators.
    case writeFindings(room: RoomID, text: LocalizedText?)
    /// Quote a note or a comment in the synthesis. Moderators, or the facilitators of its room.
    case featureQuote(quote: QuoteSource)
    /// Stop quoting a note or a comment. Moderators, or the facilitators of its room.
    case unfeatureQuote(quote: QuoteSource)
    /// Give a recommendation its theme (a room) and addressee (from the workshop's addressees);
    /// nil leaves it without. Moderators only.
    case classifyRecommendation(recommendation: RecommendationID, theme: RoomID?, addressee: String?)
    /// Record a reservation or minority view on a recommendation. Moderators, or the facilitators
    /// of the recommendation's theme.
    case addReservation(recommendation: RecommendationID, text: LocalizedText)
    /// Drop a reservation. Moderators, or the facilitators of the recommendation's theme.
    case withdrawReservation(reservation: ReservationID)
    /// Write the synthesis's introduction or conclusion; `text` nil clears it. Moderators only.
    case writeSynthesisText(part: SynthesisPart, text: LocalizedText?)

    // MARK: Announcements
    /// Show a message to everyone, or to one room, once or per workshop language. Moderators only.
    case announce(text: LocalizedText, room: RoomID?)
}

/// The colour of a sticky note.
public enum NoteColour: String, Hashable, Sendable, Codable, CaseIterable {
    case yellow, pink, blue, green, orange, purple
}

/// What a vote round is about.
public enum VoteScope: String, Hashable, Sendable, Codable, CaseIterable {
    /// The notes of the boards open in the current slot (every room's during a breakout).
    case boards
    /// The items promoted to the plenary.
    case promoted
    /// The recommendations.
    case recommendations
}

/// What an item promoted to the plenary comes from; written `{"note": "n4"}` or `{"cluster": "g1"}`.
public enum PromotedSource: Hashable, Sendable {
    /// A single note.
    case note(NoteID)
    /// A named group of notes.
    case cluster(ClusterID)
}

/// A note or a comment quoted in the synthesis; written `{"note": "n4"}` or `{"comment": "c2"}`.
public enum QuoteSource: Hashable, Sendable {
    /// A note.
    case note(NoteID)
    /// A comment on a note.
    case comment(CommentID)
}

extension QuoteSource {
    /// The note's or comment's id.
    public var id: String {
        switch self {
        case .note(let id), .comment(let id): return id
        }
    }
}

/// The synthesis's own prose around its findings and recommendations.
public enum SynthesisPart: String, Hashable, Sendable, Codable, CaseIterable {
    case introduction, conclusion
}

/// What a recommendation is based on; written `{"note": "n4"}` or `{"promoted": "i2"}`.
public enum RecommendationSource: Hashable, Sendable {
    /// A note from a room or plenary board.
    case note(NoteID)
    /// An item promoted to the plenary.
    case promoted(PromotedID)
}
