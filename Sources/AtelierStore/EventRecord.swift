/// One event of a session's log, kept opaque (type name and JSON text) so the store
/// does not depend on the engine's event types.
public struct EventRecord: Sendable, Hashable {
    /// Session the event belongs to.
    public var sessionID: String
    /// Position in the session's log: 1 for the first event, then contiguous.
    public var sequence: Int64
    /// Instant the event happened, in milliseconds since the Unix epoch.
    public var at: Int64
    /// Participant who caused the event, or nil when the system did.
    public var actor: String?
    /// Event type name, as the engine encodes it.
    public var type: String
    /// Event payload as JSON text; the database refuses text that is not valid JSON.
    public var payload: String

    /// Builds a record from its stored fields.
    public init(sessionID: String, sequence: Int64, at: Int64, actor: String?, type: String, payload: String) {
        self.sessionID = sessionID
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.type = type
        self.payload = payload
    }
}
