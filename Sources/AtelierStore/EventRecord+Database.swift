import GRDB

extension EventRecord {
    /// Columns of `events` in the order `init(row:)` and `databaseArguments` use.
    static let columns = "session_id, seq, at, actor, type, payload"

    /// Decodes a row selected with `columns`, throwing rather than trapping on a value of the wrong type.
    init(row: Row) throws {
        self.init(
            sessionID: try row.decode(atIndex: 0),
            sequence: try row.decode(atIndex: 1),
            at: try row.decode(atIndex: 2),
            actor: try row.decode(atIndex: 3),
            type: try row.decode(atIndex: 4),
            payload: try row.decode(atIndex: 5))
    }

    /// Values to bind for an insert listing `columns`.
    var databaseArguments: StatementArguments {
        [sessionID, sequence, at, actor, type, payload]
    }
}
