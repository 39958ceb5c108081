@testable import AtelierCore
import Testing

/// A session under test: its log, its state, a clock the test moves and a seeded generator.
///
/// `when` decides a command and applies its events as the server would; `refused` checks a
/// command is turned down without touching anything.
struct Scenario {
    private(set) var state: SessionState
    private(set) var log: [Event]
    private(set) var now: Timestamp
    var random: SplitMix64

    /// A fresh session of `workshop`, created at `Fixture.createdAt`.
    init(_ workshop: WorkshopDefinition = Fixture.workshop, seed: UInt64 = 1) throws {
        now = Fixture.createdAt
        log = try SessionEngine.create(id: "s1", joinCode: "ABCD", workshop: workshop, at: now)
        state = try #require(SessionState(replaying: log))
        random = SplitMix64(seed: seed)
    }

    /// Records events as having happened.
    mutating func given(_ events: [Event]) {
        for event in events { state.apply(event) }
        log += events
    }

    /// Decides `command` now and applies what it produced; returns those events.
    @discardableResult
    mutating func when(_ command: Command, by actor: Actor) throws(Refusal) -> [Event] {
        var context = DecisionContext(now: now, random: random)
        let events = try SessionEngine.decide(command, by: actor, in: state, context: &context)
        random = context.random
        given(events)
        return events
    }

    /// The refusal of `command`; records an issue and throws if the command was accepted.
    func refused(
        _ command: Command, by actor: Actor, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Refusal {
        let before = state
        var context = DecisionContext(now: now, random: random)
        let events: [Event]
        do throws(Refusal) {
            events = try SessionEngine.decide(command, by: actor, in: state, context: &context)
        } catch {
            #expect(state == before, sourceLocation: sourceLocation)
            return error
        }
        Issue.record("Expected \(command) to be refused, got \(events)", sourceLocation: sourceLocation)
        throw Accepted()
    }

    /// The code of the refusal of `command`.
    func refusalCode(
        _ command: Command, by actor: Actor, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Refusal.Code {
        try refused(command, by: actor, sourceLocation: sourceLocation).code
    }

    /// Moves the clock on.
    mutating func wait(minutes: Int64 = 0, seconds: Int64 = 0) {
        now = now.adding(seconds: minutes * 60 + seconds)
    }

    private struct Accepted: Error {}
}

extension Scenario {
    /// Joins a participant and returns their id; the credential derives from the name.
    @discardableResult
    mutating func join(_ name: String, role: String = "citoyen", language: String = "fr") throws -> ParticipantID {
        let events = try when(
            .join(name: name, role: role, organisation: nil, language: language, credential: "token-\(name)"),
            by: .guest)
        guard case let .participantJoined(id, _, _, _, _, _, _, _) = events.first else {
            throw Unexpected(events: events)
        }
        return id
    }

    /// Joins a moderator and returns their id.
    @discardableResult
    mutating func joinModerator(_ name: String) throws -> ParticipantID {
        let events = try when(.joinAsModerator(name: name, language: "fr", credential: "token-\(name)"), by: .guest)
        guard case let .participantJoined(id, _, _, _, _, _, _, _) = events.first else {
            throw Unexpected(events: events)
        }
        return id
    }

    /// The moderator and four participants of `Cast` joined, the session not started.
    static func withCast(_ workshop: WorkshopDefinition = Fixture.workshop, seed: UInt64 = 1) throws -> Scenario {
        var scenario = try Scenario(workshop, seed: seed)
        try #require(try scenario.joinModerator("Mod") == Cast.moderator)
        try #require(try scenario.join("Ana", role: "elu") == Cast.ana)
        try #require(try scenario.join("Bob") == Cast.bob)
        try #require(try scenario.join("Chloé", role: "agent") == Cast.chloe)
        try #require(try scenario.join("David") == Cast.david)
        return scenario
    }

    /// The cast, with the session started on `accueil`.
    static func running(_ workshop: WorkshopDefinition = Fixture.workshop) throws -> Scenario {
        var scenario = try withCast(workshop)
        try scenario.when(.start, by: .moderator)
        return scenario
    }

    /// The cast, with the session at `slot`.
    static func at(_ slot: SlotID, in workshop: WorkshopDefinition = Fixture.workshop) throws -> Scenario {
        var scenario = try running(workshop)
        try scenario.when(.goToSlot(slot: slot), by: .moderator)
        return scenario
    }

    /// The cast in the `ateliers` breakout: Ana and Bob in `mobilite`, Chloé and David in `logement`.
    static func inBreakout(_ workshop: WorkshopDefinition = Fixture.workshop) throws -> Scenario {
        var scenario = try at("ateliers", in: workshop)
        try scenario.when(.openRooms(mode: .moderator), by: .moderator)
        try scenario.when(.assign(participant: Cast.ana, room: "mobilite"), by: .moderator)
        try scenario.when(.assign(participant: Cast.bob, room: "mobilite"), by: .moderator)
        try scenario.when(.assign(participant: Cast.chloe, room: "logement"), by: .moderator)
        try scenario.when(.assign(participant: Cast.david, room: "logement"), by: .moderator)
        return scenario
    }

    /// `inBreakout`, with Ana facilitating `mobilite` and three notes: Ana's n4 and Bob's n5 in `mobilite`,
    /// Chloé's n6 in `logement`.
    static func breakoutWithNotes() throws -> Scenario {
        var session = try inBreakout()
        try session.when(.appointFacilitator(participant: Cast.ana, room: "mobilite"), by: .moderator)
        try #require(try session.note("Bus trop rares", prompt: "constats", by: .ana) == "n4")
        try #require(try session.note("Pistes cyclables", prompt: "pistes", by: .bob) == "n5")
        try #require(try session.note("Loyers trop chers", prompt: "besoins", by: .chloe) == "n6")
        return session
    }

    /// Adds a note as `actor` and returns its id.
    @discardableResult
    mutating func note(
        _ text: String, on board: BoardID? = nil, prompt: PromptID, by actor: Actor
    ) throws -> NoteID {
        let events = try when(.note(text, prompt: prompt, on: board), by: actor)
        guard case let .noteAdded(id, _, _, _, _, _, _, _) = events.first else { throw Unexpected(events: events) }
        return id
    }

    /// Places one dot per item listed, as `actor`.
    mutating func dots(_ items: [String], in vote: VoteID, by actor: Actor) throws {
        for item in items { try when(.placeDot(vote: vote, item: item), by: actor) }
    }
}

/// A command produced events of an unexpected shape.
struct Unexpected: Error, CustomStringConvertible {
    var events: [Event]
    var description: String { "unexpected events \(events)" }
}
