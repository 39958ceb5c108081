/// Identifier of a session, chosen by the server when it creates one.
public typealias SessionID = String
/// Identifier of a participant within a session (`p1`, `p2`…).
public typealias ParticipantID = String
/// Identifier of a room as written in the workshop file.
public typealias RoomID = String
/// Identifier of an agenda slot as written in the workshop file.
public typealias SlotID = String
/// Identifier of a prompt (board column) as written in the workshop file.
public typealias PromptID = String
/// Identifier of a sticky note within a session (`n1`…).
public typealias NoteID = String
/// Identifier of a comment within a session (`c1`…).
public typealias CommentID = String
/// Identifier of a group of notes within a session (`g1`…).
public typealias ClusterID = String
/// Identifier of a vote round within a session (`v1`…).
public typealias VoteID = String
/// Identifier of an item promoted to the plenary (`i1`…).
public typealias PromotedID = String
/// Identifier of a recommendation (`r1`…).
public typealias RecommendationID = String
/// Identifier of a reservation on a recommendation (`rv1`…).
public typealias ReservationID = String
/// Identifier of an announcement (`a1`…).
public typealias AnnouncementID = String

/// The room identifier of the plenary board; workshop files may not use it for a room.
public let plenaryRoom: RoomID = "plenary"

/// A board: the notes of one room (or the plenary) during one agenda slot.
///
/// Written as `"slot/room"` on the wire and in the log; ids never contain `/`.
public struct BoardID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The agenda slot the board belongs to.
    public var slot: SlotID
    /// The room, or `plenary`.
    public var room: RoomID

    /// The board of `room` during `slot`.
    public init(slot: SlotID, room: RoomID) { self.slot = slot; self.room = room }

    /// Parses `"slot/room"`; nil when the text has no single `/` separating two non-empty parts.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(slot: String(parts[0]), room: String(parts[1]))
    }

    /// Whether this is a plenary board rather than a room's.
    public var isPlenary: Bool { room == plenaryRoom }

    public var description: String { "\(slot)/\(room)" }

    public static func < (lhs: BoardID, rhs: BoardID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let board = BoardID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a board is written \"slot/room\", found \"\(text)\"")
        }
        self = board
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Who issued a command: a participant, a connection that has not joined yet, or the server itself.
public enum Actor: Hashable, Sendable {
    /// A joined participant or moderator.
    case participant(ParticipantID)
    /// A connection that has not joined (only `join`, `joinAsModerator` and `rejoin` are open to it).
    case guest
    /// The server acting on its own, e.g. when a timer runs out.
    case system

    /// The participant behind the actor, if any.
    public var participantID: ParticipantID? {
        if case .participant(let id) = self { return id }
        return nil
    }
}
