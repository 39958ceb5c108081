import GRDB

extension StoreError {
    /// Runs `body` and turns whatever it throws into a `StoreError`, so the store's API has
    /// exactly one error type at its boundary with SQLite.
    ///
    /// `context` names the operation: opening and migrating keep it as the code whatever
    /// SQLite said; other operations classify SQLite's result code and fall back to it.
    static func check<T>(_ context: Code = .sqlite, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(wrapping: error, context: context)
        } catch {
            throw StoreError(context, String(describing: error))
        }
    }

    /// Wraps a GRDB error, keeping SQLite's extended result code and message.
    init(wrapping error: DatabaseError, context: Code) {
        let code: Code
        switch context {
        case .open, .migration:
            code = context
        default:
            code = Self.classify(error) ?? context
        }
        self.init(
            code,
            error.message ?? "SQLite error \(error.extendedResultCode.rawValue)",
            sqliteCode: error.extendedResultCode.rawValue)
    }

    /// Maps SQLite result codes to the codes a caller can act on; nil keeps the context's code.
    private static func classify(_ error: DatabaseError) -> Code? {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy
        case .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PROTOCOL:
            return .io
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt
        case .SQLITE_CONSTRAINT:
            let isPayloadCheck = error.extendedResultCode == .SQLITE_CONSTRAINT_CHECK
                && (error.message ?? "").contains(EventStore.payloadCheckName)
            return isPayloadCheck ? .invalidPayload : .constraint
        default:
            return nil
        }
    }
}
