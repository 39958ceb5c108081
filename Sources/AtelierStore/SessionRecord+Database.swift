import GRDB

extension SessionRecord {
    /// Columns of `sessions` in the order `init(row:)` and `databaseArguments` use.
    static let columns = "id, join_code, workshop_id, title, created_at, moderator_key_hash, moderator_key_salt"

    /// Decodes a row selected with `columns`, throwing rather than trapping on a value of the wrong type.
    init(row: Row) throws {
        self.init(
            id: try row.decode(atIndex: 0),
            joinCode: try row.decode(atIndex: 1),
            workshopID: try row.decode(atIndex: 2),
            title: try row.decode(atIndex: 3),
            createdAt: try row.decode(atIndex: 4),
            moderatorKeyHash: try row.decode(atIndex: 5),
            moderatorKeySalt: try row.decode(atIndex: 6))
    }

    /// Values to bind for an insert listing `columns`.
    var databaseArguments: StatementArguments {
        [id, joinCode, workshopID, title, createdAt, moderatorKeyHash, moderatorKeySalt]
    }
}
