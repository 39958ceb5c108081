/// One workshop session as stored: written once at creation, so the server can rebuild
/// its registry and authenticate moderators after a restart.
public struct SessionRecord: Sendable, Hashable {
    /// Stable session identifier, the key every event of the session refers to.
    public var id: String
    /// Short code participants type to join; unique across all stored sessions.
    public var joinCode: String
    /// Identifier of the workshop definition the session runs.
    public var workshopID: String
    /// Title shown to participants and organisers.
    public var title: String
    /// Creation instant in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Hash of the moderator key; the key itself is never stored.
    public var moderatorKeyHash: String
    /// Salt used when hashing the moderator key.
    public var moderatorKeySalt: String

    /// Builds a record from its stored fields.
    public init(
        id: String,
        joinCode: String,
        workshopID: String,
        title: String,
        createdAt: Int64,
        moderatorKeyHash: String,
        moderatorKeySalt: String
    ) {
        self.id = id
        self.joinCode = joinCode
        self.workshopID = workshopID
        self.title = title
        self.createdAt = createdAt
        self.moderatorKeyHash = moderatorKeyHash
        self.moderatorKeySalt = moderatorKeySalt
    }
}
