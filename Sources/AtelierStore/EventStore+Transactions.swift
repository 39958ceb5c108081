import GRDB

extension EventStore {
    /// Runs `body` in one IMMEDIATE transaction and returns only after COMMIT, so a returned write is stored.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try transaction(.immediate, body)
    }

    /// Runs `body` in one DEFERRED transaction, so everything it reads comes from a single snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try transaction(.deferred, body)
    }

    /// The one path to the connection: refuses a closed store before touching SQLite, because GRDB's
    /// `read` dereferences a closed connection (a crash) instead of throwing.
    private func transaction<T>(_ kind: Database.TransactionKind, _ body: (Database) throws -> T) throws(StoreError)
        -> T
    {
        try StoreError.check {
            try queue.writeWithoutTransaction { db in
                guard db.sqliteConnection != nil else {
                    throw StoreError(.closed, "the store at \(path) is closed")
                }
                var value: T?
                try db.inTransaction(kind) {
                    value = try body(db)
                    return .commit
                }
                // inTransaction returns only after committing, which happens only once body has returned.
                return value!
            }
        }
    }
}
