import AtelierCore
import AtelierWire

extension EventRecord {
    /// The log row for `event`: its case name as `type`, its fields as the JSON `payload`.
    public init(
        event: Event, session: SessionID, sequence: Int64, at: Timestamp, actor: ParticipantID?
    ) throws(StoreError) {
        let encoded: JSONValue
        do { encoded = try WireEncoder().encode(event) } catch {
            throw StoreError(.invalidPayload, "event could not be encoded: \(error)")
        }
        guard case .object(let object) = encoded, object.count == 1, let entry = object.entries.first else {
            throw StoreError(.invalidPayload, "an event must encode as an object with one key")
        }
        self.init(
            sessionID: session, sequence: sequence, at: at.milliseconds, actor: actor, type: entry.key,
            payload: entry.value.serialized())
    }

    /// The event this row records.
    public func event() throws(StoreError) -> Event {
        do {
            let payload = try JSONValue.parse(payload, limits: .file)
            return try WireDecoder().decode(Event.self, from: .object(JSONObject([(key: type, value: payload)])))
        } catch {
            throw StoreError(.corrupt, "event \(sequence) of session \(sessionID) cannot be read: \(error)")
        }
    }
}

extension EventStore {
    /// The session's state rebuilt by replaying its whole log.
    public func replay(session id: SessionID) throws(StoreError) -> SessionState {
        let events = try events(of: id).map { record throws(StoreError) in try record.event() }
        guard let state = SessionState(replaying: events) else {
            throw StoreError(.unknownSession, "session \(id) has no log starting with its creation")
        }
        return state
    }
}
