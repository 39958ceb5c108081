import AtelierCore
import AtelierLWS
import AtelierStore

/// Creates sessions: fresh identifiers and secrets, the creation events, one durable write.
///
/// The only place a session comes into being, for the live server and the scripted runs alike.
public enum SessionFactory {
    /// A session just created and stored.
    public struct Created: Sendable {
        /// Its row in the session registry.
        public var record: SessionRecord
        /// The moderator key in clear; only its salted hash is stored, so this is the one chance to show it.
        public var moderatorKey: String
        /// The creation events, as stored.
        public var events: [Event]
        /// The state those events give.
        public var state: SessionState
    }

    /// Creates and stores a session of `workshop` at `now`.
    ///
    /// `joinCode` and `id` fix what is otherwise drawn at random, for reproducible sample sessions;
    /// a fixed code already in use fails with `store.joinCodeTaken`.
    public static func create(
        workshop: WorkshopDefinition, in store: EventStore, at now: Timestamp, joinCode: String? = nil,
        id fixedID: SessionID? = nil
    ) throws -> Created {
        var code = joinCode ?? Secrets.joinCode()
        while joinCode == nil, try store.isJoinCodeTaken(code) { code = Secrets.joinCode() }
        let id = fixedID ?? Secrets.sessionID()
        let events = try SessionEngine.create(id: id, joinCode: code, workshop: workshop, at: now)
        let key = Secrets.moderatorKey()
        let salt = Secrets.salt()
        let record = SessionRecord(
            id: id, joinCode: code, workshopID: workshop.id,
            title: workshop.title.text(in: workshop.primaryLanguage), createdAt: now.milliseconds,
            moderatorKeyHash: Secrets.keyHash(key, salt: salt), moderatorKeySalt: salt)
        let records = try events.enumerated().map { offset, event in
            try EventRecord(event: event, session: id, sequence: Int64(offset + 1), at: now, actor: nil)
        }
        try store.createSession(record, firstEvents: records)
        guard let state = SessionState(replaying: events) else { preconditionFailure("create starts with sessionCreated") }
        return Created(record: record, moderatorKey: key, events: events, state: state)
    }
}
