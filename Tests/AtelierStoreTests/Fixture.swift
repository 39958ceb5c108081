import AtelierStore

/// Sample records, so tests spell out only what their rule is about.
enum Fixture {
    /// A session whose join code derives from its identifier unless given.
    static func session(_ id: String, joinCode: String? = nil, createdAt: Int64 = 1_000) -> SessionRecord {
        SessionRecord(
            id: id, joinCode: joinCode ?? "JOIN-\(id)", workshopID: "retro", title: "Session \(id)",
            createdAt: createdAt, moderatorKeyHash: "hash-\(id)", moderatorKeySalt: "salt-\(id)")
    }

    /// One event with a small valid JSON payload naming its sequence.
    static func event(_ sessionID: String, _ sequence: Int64, payload: String? = nil) -> EventRecord {
        EventRecord(
            sessionID: sessionID, sequence: sequence, at: 1_000 + sequence,
            actor: sequence.isMultiple(of: 2) ? "participant-\(sequence)" : nil,
            type: "test.event", payload: payload ?? "{\"n\":\(sequence)}")
    }

    /// Contiguous events of one session.
    static func events(_ sessionID: String, _ sequences: ClosedRange<Int64>) -> [EventRecord] {
        sequences.map { event(sessionID, $0) }
    }
}
