/// The single error type the store throws: a stable code to branch on and a message for logs,
/// plus SQLite's own result code when SQLite reported the failure.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; raw values are stable so logs and clients can rely on them.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The database file or its folder could not be opened, created or configured.
        case open = "store.open"
        /// The schema could not be brought up to date, or was written by a newer version.
        case migration = "store.migration"
        /// An appended sequence skips past the one that should come next.
        case sequenceGap = "store.sequenceGap"
        /// An appended sequence is already stored or repeated within the batch.
        case duplicateSequence = "store.duplicateSequence"
        /// A session with the same identifier is already stored.
        case duplicateSession = "store.duplicateSession"
        /// Another stored session already uses the join code.
        case joinCodeTaken = "store.joinCodeTaken"
        /// Events were appended to a session that is not stored.
        case unknownSession = "store.unknownSession"
        /// A batch mixes records that cannot go together, such as first events of another session.
        case invalidBatch = "store.invalidBatch"
        /// An event payload is not valid JSON.
        case invalidPayload = "store.invalidPayload"
        /// Another database constraint refused the write, such as the append-only triggers.
        case constraint = "store.constraint"
        /// Another connection kept the database locked longer than the busy timeout.
        case busy = "store.busy"
        /// The operating system failed to read or write the file, or the disk is full.
        case io = "store.io"
        /// The file is damaged, not a database, or holds values that do not fit the schema.
        case corrupt = "store.corrupt"
        /// The store was used after `close()`.
        case closed = "store.closed"
        /// A running server holds the session (its lease is live): writing beside it would break its log.
        case sessionServed = "store.sessionServed"
        /// Any other SQLite failure.
        case sqlite = "store.sqlite"
    }

    /// Stable classification of the failure.
    public var code: Code
    /// Human-readable explanation, meant for logs rather than end users.
    public var message: String
    /// SQLite extended result code when SQLite reported the failure; nil for the store's own checks.
    public var sqliteCode: Int32?

    /// Builds an error from its parts.
    public init(_ code: Code, _ message: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
    }

    /// Code, message and SQLite code on one line, for logs.
    public var description: String {
        let suffix = sqliteCode.map { " (SQLite code \($0))" } ?? ""
        return "\(code.rawValue): \(message)\(suffix)"
    }
}
