import Foundation
import GRDB

/// Append-only event log and session registry in one SQLite file in WAL mode (or in memory, `inMemory()`).
///
/// One thread owns the store (the server's service thread) and calls it synchronously; writes
/// return only after COMMIT so the server may acknowledge clients right away. It is `Sendable`
/// so that thread can receive it, but every call blocks, so keep calls off async code.
public final class EventStore: Sendable {
    /// Path of the database file, as given when opening.
    public let path: String
    /// How hard each commit waits for the disk.
    public let durability: Durability
    /// The single, serial connection: a batch's sequence checks and its writes never interleave with another write.
    let queue: DatabaseQueue

    /// Opens the database at `path`, creating it and its parent folders if needed, and migrates the schema.
    ///
    /// `busyTimeout` is how long a write waits for a lock held elsewhere (an organiser's sqlite3 shell) before failing.
    public convenience init(path: String, durability: Durability = .normal, busyTimeout: TimeInterval = 5) throws(StoreError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.open, "cannot create folder \(folder.path): \(error.localizedDescription)")
        }

        var configuration = Self.configuration(busyTimeout: busyTimeout)
        configuration.prepareDatabase { db in
            // Set here rather than through GRDB's journal mode option, which forces synchronous=NORMAL afterwards.
            let journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard journalMode == "wal" else {
                throw StoreError(.open, "cannot switch \(db.description) to WAL mode (got \(journalMode ?? "nothing"))")
            }
            try db.execute(sql: durability.synchronousPragma)
        }
        let queue = try StoreError.check(.open) { try DatabaseQueue(path: path, configuration: configuration) }
        try self.init(queue: queue, path: path, durability: durability)
    }

    /// A store in memory alone, with the same schema, gone when closed: for a server that must open a
    /// store and keeps its sessions nowhere (a relay). Its `path` is SQLite's name for it, `:memory:`.
    public static func inMemory() throws(StoreError) -> EventStore {
        let queue = try StoreError.check(.open) { try DatabaseQueue(configuration: configuration(busyTimeout: 0)) }
        return try EventStore(queue: queue, path: ":memory:", durability: .normal)
    }

    private init(queue: DatabaseQueue, path: String, durability: Durability) throws(StoreError) {
        try StoreError.check(.migration) { try Self.migrate(queue) }
        self.path = path
        self.durability = durability
        self.queue = queue
    }

    private static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var configuration = Configuration()
        configuration.label = "atelier.store"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        return configuration
    }

    /// Sets how long a write waits for a lock held elsewhere from now on; a live server keeps it
    /// short, so its one thread is never held by an organiser's open transaction.
    public func waitForLocks(upTo milliseconds: Int) throws(StoreError) {
        try StoreError.check(.io) { try queue.inDatabase { db in try db.execute(sql: "PRAGMA busy_timeout = \(max(milliseconds, 0))") } }
    }

    /// Closes the connection now rather than at deinit, so shutdown can report a failure to close.
    ///
    /// Closing the last connection checkpoints the WAL into the database file; later calls fail with `.closed`.
    public func close() throws(StoreError) {
        try StoreError.check { try queue.close() }
    }
}
