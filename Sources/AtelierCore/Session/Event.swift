/// Something that happened in a session. The log of events is the truth: state is their replay.
///
/// Events are facts and are never refused when applied. Each carries what replay needs
/// (ids, texts, times, random outcomes), so replaying never consults a clock or a generator.
/// Stored and sent as a one-key object, e.g. `{"noteAdded": {"id": "n3", …}}`.
public enum Event: Hashable, Sendable, Codable {
    // MARK: Lifecycle
    /// The session exists, with its own copy of the workshop.
    indirect case sessionCreated(id: SessionID, joinCode: String, workshop: WorkshopDefinition, at: Timestamp)
    /// The moderator started the session.
    case sessionStarted(at: Timestamp)
    /// The countdown froze with `remaining` milliseconds left on the slot (nil when no slot runs).
    case sessionPaused(at: Timestamp, remaining: Int64?)
    /// The countdown restarted; the slot now ends at `endsAt`.
    case sessionResumed(at: Timestamp, endsAt: Timestamp?)
    /// The session ended.
    case sessionEnded(at: Timestamp)

    // MARK: Participants
    /// Someone joined; `credential` is the hash of their reconnect token, never the token.
    case participantJoined(
        id: ParticipantID, name: String, role: String?, organisation: String?, language: String,
        isModerator: Bool, credential: String, at: Timestamp)
    /// A participant left for good.
    case participantLeft(id: ParticipantID, at: Timestamp)
    /// A participant who had left came back with their token.
    case participantRejoined(id: ParticipantID, at: Timestamp)
    /// A participant switched language.
    case languageChanged(participant: ParticipantID, language: String)
    /// A participant became facilitator of a room, or stopped being one (`room` nil).
    case facilitatorAppointed(participant: ParticipantID, room: RoomID?)

    // MARK: Agenda
    /// A slot began and is planned to end at `endsAt`.
    case slotStarted(slot: SlotID, at: Timestamp, endsAt: Timestamp)
    /// The current slot finished (the agenda moved on or the session ended).
    case slotEnded(slot: SlotID, at: Timestamp)
    /// The current slot got `minutes` more (from now, if it had overrun) and now ends at `endsAt`.
    case slotExtended(slot: SlotID, minutes: Int, endsAt: Timestamp)
    /// The current slot's time ran out; `advance` when the agenda moves on by itself.
    case slotTimeUp(slot: SlotID, at: Timestamp, behaviour: WorkshopDefinition.TimeUpBehaviour)

    // MARK: Rooms
    /// The breakout rooms of `slot` opened.
    case roomsOpened(slot: SlotID, rooms: [RoomID], mode: WorkshopDefinition.AssignmentMode, at: Timestamp)
    /// A participant was placed in a room (by themselves, the moderator, or at random).
    case participantAssigned(participant: ParticipantID, room: RoomID)
    /// Rooms will close at `closesAt`; participants see a countdown.
    case roomsClosing(slot: SlotID, closesAt: Timestamp)
    /// Everyone is back in plenary.
    case roomsClosed(slot: SlotID, at: Timestamp)

    // MARK: Boards
    /// A note was written; `author` is nil for notes the organiser placed in the workshop file.
    case noteAdded(
        id: NoteID, board: BoardID, prompt: PromptID, author: ParticipantID?, text: String,
        colour: NoteColour, anonymous: Bool, at: Timestamp)
    /// A note's text or colour changed.
    case noteEdited(id: NoteID, text: String, colour: NoteColour, at: Timestamp)
    /// A note was removed, with its dots in open rounds.
    case noteDeleted(id: NoteID, by: ParticipantID, at: Timestamp)
    /// A comment was written on a note.
    case commentAdded(id: CommentID, note: NoteID, author: ParticipantID, text: String, at: Timestamp)
    /// A comment was removed.
    case commentDeleted(id: CommentID, by: ParticipantID, at: Timestamp)
    /// A new, empty group of notes exists on a board.
    case clusterCreated(id: ClusterID, board: BoardID, name: String?)
    /// Notes moved into a group.
    case notesGrouped(cluster: ClusterID, notes: [NoteID])
    /// Notes left their groups.
    case notesUngrouped(notes: [NoteID])
    /// A group got a name.
    case clusterNamed(id: ClusterID, name: String)
    /// A group was emptied and no longer exists.
    case clusterDissolved(id: ClusterID)

    // MARK: Votes
    /// A vote round opened on `boards` (for the `boards` scope) with these rules.
    case voteOpened(
        id: VoteID, scope: VoteScope, slot: SlotID, boards: [BoardID], dotsPerPerson: Int,
        maxDotsPerItem: Int, hidden: Bool, at: Timestamp)
    /// A participant placed one dot.
    case dotPlaced(vote: VoteID, item: String, participant: ParticipantID)
    /// A participant took back one dot.
    case dotRemoved(vote: VoteID, item: String, participant: ParticipantID)
    /// The round stopped accepting dots.
    case voteClosed(id: VoteID, at: Timestamp)
    /// The round's totals are public.
    case voteRevealed(id: VoteID, at: Timestamp)

    // MARK: Synthesis
    /// A note or group reached the plenary as `text`.
    case itemPromoted(id: PromotedID, source: PromotedSource, board: BoardID, text: String, at: Timestamp)
    /// An item left the plenary, with its dots in open rounds.
    case itemDemoted(id: PromotedID)
    /// A recommendation was drafted.
    case recommendationDrafted(
        id: RecommendationID, text: LocalizedText, sources: [RecommendationSource], room: RoomID?,
        by: ParticipantID, at: Timestamp)
    /// A recommendation changed.
    case recommendationEdited(id: RecommendationID, text: LocalizedText, sources: [RecommendationSource], room: RoomID?)
    /// A recommendation was dropped, with its dots in open rounds.
    case recommendationWithdrawn(id: RecommendationID)
    /// The moderators' order of the recommendations.
    case recommendationsOrdered(order: [RecommendationID])

    // MARK: Curation
    /// A theme's findings were written, or cleared (`text` nil).
    case findingsWritten(room: RoomID, text: LocalizedText?, by: ParticipantID, at: Timestamp)
    /// A note or comment is quoted in the synthesis.
    case quoteFeatured(quote: QuoteSource, by: ParticipantID)
    /// A note or comment is no longer quoted.
    case quoteUnfeatured(quote: QuoteSource)
    /// A recommendation's theme and addressee.
    case recommendationClassified(id: RecommendationID, theme: RoomID?, addressee: String?)
    /// A reservation was recorded on a recommendation.
    case reservationAdded(
        id: ReservationID, recommendation: RecommendationID, text: LocalizedText, by: ParticipantID, at: Timestamp)
    /// A reservation was dropped.
    case reservationWithdrawn(id: ReservationID)
    /// The synthesis's introduction or conclusion was written, or cleared (`text` nil).
    case synthesisTextWritten(part: SynthesisPart, text: LocalizedText?, by: ParticipantID, at: Timestamp)

    // MARK: Announcements
    /// A message for everyone, or for one room.
    case announced(id: AnnouncementID, text: LocalizedText, room: RoomID?, by: ParticipantID, at: Timestamp)
}
