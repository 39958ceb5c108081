import AtelierClient
import AtelierCore
import AtelierProtocol
import AtelierWire
import Testing

/// The shipped English demo workshop, read from the repository.
let demoWorkshop: WorkshopDefinition = {
    var path = #filePath
    for _ in 0..<4 { while let last = path.last, last != "/" { path.removeLast() }; path.removeLast() }
    return try! WorkshopFile.load(path: path + "/Workshops/demo-en.json")
}()

/// A session run through the real rules, recorded as the frames a moderator's connection receives.
///
/// Frames are written exactly as docs/PROTOCOL.md gives them (`{"seq":…,"at":…,"event":{…}}`);
/// hidden-round dots of others get `item: ""`, as the server sends them to moderators.
struct Recording {
    private(set) var state: SessionState
    private(set) var frames: [String] = []
    private(set) var events: [Event] = []
    private(set) var now = Timestamp(milliseconds: 1_763_712_000_000)
    private var random = SplitMix64(seed: 7)
    let moderator: ParticipantID

    init(workshop: WorkshopDefinition = demoWorkshop) throws {
        let created = try SessionEngine.create(id: "s1", joinCode: "K7M2QX", workshop: workshop, at: now)
        state = SessionState(created: created[0])!
        moderator = "p1"
        record(created)
        try run(.joinAsModerator(name: "Mod", language: "en", credential: "hash-mod"), by: .guest)
    }

    /// Decides `command` and records its events.
    @discardableResult
    mutating func run(_ command: Command, by actor: Actor? = nil) throws -> [Event] {
        var context = DecisionContext(now: now, random: random)
        let events = try SessionEngine.decide(command, by: actor ?? .participant(moderator), in: state, context: &context)
        random = context.random
        record(events)
        return events
    }

    /// Joins a participant; returns their id.
    @discardableResult
    mutating func join(_ name: String, role: String = "resident", organisation: String? = nil) throws -> ParticipantID {
        let events = try run(.join(name: name, role: role, organisation: organisation, language: "en",
                                   credential: "hash-\(name)"), by: .guest)
        guard case let .participantJoined(id, _, _, _, _, _, _, _) = events[0] else { throw Unexpected() }
        return id
    }

    mutating func wait(seconds: Int64) { now = now.adding(seconds: seconds) }

    private mutating func record(_ new: [Event]) {
        for event in new {
            if case .sessionCreated = event {} else { state.apply(event) }
            events.append(event)
            frames.append(Self.frame(seq: Int64(events.count), at: now, event: event, hideItem: true))
        }
    }

    /// One event frame; a hidden round's dots lose their item, as moderators receive them.
    static func frame(seq: Int64, at: Timestamp, event: Event, hideItem: Bool = false) -> String {
        var sent = event
        if hideItem, case let .dotPlaced(vote, _, participant) = event { sent = .dotPlaced(vote: vote, item: "", participant: participant) }
        let body = try! WireEncoder().encodeJSON(sent)
        return #"{"seq":\#(seq),"at":\#(at.milliseconds),"event":\#(body)}"#
    }

    struct Unexpected: Error {}
}

/// A welcome ack as the server writes it.
func welcomeFrame(id: Int64 = 1, reset: Bool = true, token: String? = "9f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e", now: Int64 = 1_763_712_000_500) -> String {
    let tokenPart = token.map { #","token":"\#($0)""# } ?? ""
    return #"{"ack":\#(id),"now":\#(now),"welcome":{"session":"s1","code":"K7M2QX","participant":"p1","moderator":true\#(tokenPart),"reset":\#(reset)}}"#
}

/// A mirror fed a welcome, every frame of `recording`, and `synced`.
func mirror(of recording: Recording) throws -> SessionMirror {
    var mirror = SessionMirror()
    mirror.receive(try ServerMessage.parse(welcomeFrame()), localNow: 1_763_712_000_000)
    for frame in recording.frames { mirror.receive(try ServerMessage.parse(frame), localNow: 1_763_712_000_000) }
    mirror.receive(try ServerMessage.parse(#"{"synced":\#(recording.frames.count),"now":1763712000900}"#), localNow: 1_763_712_000_000)
    return mirror
}
