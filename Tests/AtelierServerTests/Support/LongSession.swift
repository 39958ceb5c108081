import AtelierCore
import AtelierServer
import AtelierStore
import Foundation

/// A database holding one session of the test workshop with a long log, written through the
/// engine's own rules (as if people had typed it) without a server, so a test can serve it at once.
///
/// Anne (`p2`, token `anneToken`) wrote `plenaryNotes` notes in the opening plenary; then the
/// breakout opened with Anne in mobilite, where she wrote `roomNotes` more; Bob (`p3`, token
/// `bobToken`) is in logement. The rooms are still open.
struct LongSession {
    let databasePath: String
    let moderatorKey: String
    let anneToken = "anne-token-for-a-long-session"
    let bobToken = "bob-token-for-a-long-session"
    /// The highest sequence number in the log.
    let lastSequence: Int64

    init(plenaryNotes: Int, roomNotes: Int = 0, noteLength: Int = 200) throws {
        databasePath = NSTemporaryDirectory() + "atelier-long-\(UUID().uuidString).db"
        let store = try EventStore(path: databasePath)
        defer { try? store.close() }
        // Now, so no slot of the served session is over yet and no timer adds an event.
        var now = SessionHub.wallClock()
        let created = try SessionFactory.create(workshop: testWorkshop, in: store, at: now)
        moderatorKey = created.moderatorKey
        var state = created.state
        var context = DecisionContext(now: now, random: SplitMix64(seed: 7))
        var records: [EventRecord] = []
        var sequence = Int64(created.events.count)

        func run(_ command: Command, by actor: Actor) throws {
            now = now.adding(milliseconds: 1)
            context.now = now
            let events = try SessionEngine.decide(command, by: actor, in: state, context: &context)
            for event in events {
                state.apply(event)
                sequence += 1
                let author: ParticipantID? = if case .participant(let id) = actor { id } else { nil }
                records.append(try EventRecord(event: event, session: created.record.id, sequence: sequence, at: now, actor: author))
            }
            if records.count >= 2_000 {
                try store.append(records)
                records = []
            }
        }

        try run(.joinAsModerator(name: "Claire", language: "fr", credential: Secrets.credential(forToken: "claire")), by: .guest)
        try run(.join(name: "Anne", role: "elu", organisation: nil, language: "fr", credential: Secrets.credential(forToken: anneToken)), by: .guest)
        try run(.join(name: "Bob", role: "citoyen", organisation: nil, language: "fr", credential: Secrets.credential(forToken: bobToken)), by: .guest)
        let moderator = Actor.participant("p1")
        try run(.start, by: moderator)
        let filler = String(repeating: "x", count: max(noteLength - 12, 0))
        for index in 0..<plenaryNotes {
            try run(.addNote(board: nil, prompt: "attentes", text: "plenary \(index) \(filler)", colour: nil, anonymous: nil), by: .participant("p2"))
        }
        try run(.nextSlot, by: moderator)
        try run(.openRooms(mode: nil), by: moderator)
        try run(.assign(participant: "p2", room: "mobilite"), by: moderator)
        try run(.assign(participant: "p3", room: "logement"), by: moderator)
        for index in 0..<roomNotes {
            try run(.addNote(board: nil, prompt: "pistes", text: "room \(index) \(filler)", colour: nil, anonymous: nil), by: .participant("p2"))
        }
        if !records.isEmpty { try store.append(records) }
        lastSequence = sequence
    }
}
