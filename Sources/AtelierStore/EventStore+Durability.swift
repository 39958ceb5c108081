extension EventStore {
    /// How hard a commit waits for the disk: the trade between append latency and surviving power loss.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// `synchronous=NORMAL`: commits survive a killed process; a power loss may drop the latest ones.
        case normal
        /// `synchronous=FULL`: every commit is synced to disk before returning, surviving power loss too.
        case full

        /// The statement that applies this durability to a connection.
        var synchronousPragma: String {
            switch self {
            case .normal: "PRAGMA synchronous = NORMAL"
            case .full: "PRAGMA synchronous = FULL"
            }
        }
    }
}
