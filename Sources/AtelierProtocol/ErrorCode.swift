import AtelierCore
import AtelierWire

/// The codes of the protocol's own errors, besides the rules' refusals (`Refusal.Code`) and the
/// wire's (`WireError.Code`): the server's, and those a client gives itself. The raw values are
/// part of the protocol; docs/PROTOCOL.md says when each is given.
public enum ErrorCode: String, Hashable, Sendable, CaseIterable {
    /// Not an object with an `id` and exactly one known key.
    case protocolBadMessage = "protocol.badMessage"
    /// `join`, `moderate` or `rejoin` on a connection already in a session.
    case protocolAlreadyJoined = "protocol.alreadyJoined"
    /// A `command` or `transcript` before entering a session.
    case protocolNotJoined = "protocol.notJoined"
    /// An engine command a client may not send (`join`, `joinAsModerator`, `rejoin`, `expireSlot`).
    case protocolReservedCommand = "protocol.reservedCommand"
    /// No session has the join code.
    case sessionUnknownCode = "session.unknownCode"
    /// A wrong moderator key.
    case authBadKey = "auth.badKey"
    /// Too many wrong keys from one address on `/export`: answered 429 over HTTP and counted, never
    /// sent in an error message.
    case authTooManyKeys = "auth.tooManyKeys"
    /// A transcript asked in a format the server does not render.
    case transcriptUnknownFormat = "transcript.unknownFormat"
    /// A message past the sender's rate budget, not processed.
    case rateLimited = "rate.limited"
    /// The database refused the write; nothing changed.
    case serverStoreFailed = "server.storeFailed"
    /// Behind a relay, the server running the session did not answer in time.
    case serverUnavailable = "server.unavailable"
    /// Given by a client itself: the connection dropped before the answer came.
    case connectionLost = "connection.lost"
    /// Given by a client itself: a transcript's ack came without all its parts.
    case transcriptIncomplete = "transcript.incomplete"
}

extension ServerMessage.ServerError {
    /// The code of an error message: one of the protocol's, of the rules' or of the wire's, so a
    /// client matches any of them the same way (`error.code == .refusal(.voteBudgetExhausted)`).
    /// A code read from a newer server that none of the lists knows is kept as it came.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String

        /// The code as written in a message.
        public init(rawValue: String) { self.rawValue = rawValue }

        public static func `protocol`(_ code: ErrorCode) -> Code { Code(rawValue: code.rawValue) }
        public static func refusal(_ code: Refusal.Code) -> Code { Code(rawValue: code.rawValue) }
        public static func wire(_ code: WireError.Code) -> Code { Code(rawValue: code.rawValue) }

        public var description: String { rawValue }
    }
}
