/// A deterministic run of a whole workshop: people join, write, comment, group, vote, promote
/// and recommend, slot by slot, through the real rules.
///
/// Used to demonstrate the engine, to produce the sample transcript, and by tests that need a
/// long realistic log. The same workshop, size and seed always give the same events.
public struct ScriptedSession {
    /// The workshop being run.
    public let workshop: WorkshopDefinition
    /// How many participants join (besides one moderator).
    public let participants: Int
    /// When the session is created; slots then run for their planned minutes.
    public let start: Timestamp

    /// A run of `workshop` with `participants` people, starting at `start`.
    public init(workshop: WorkshopDefinition, participants: Int = 12, start: Timestamp) {
        self.workshop = workshop
        self.participants = max(1, participants)
        self.start = start
    }

    /// One step of the script: who does what, and when.
    public struct Step: Sendable {
        public var actor: Actor
        public var command: Command
        public var at: Timestamp
    }

    /// Runs the script, handing each accepted batch of events to `record` as it is decided.
    ///
    /// Returns the final state. A refusal means the script and the rules disagree, which is a bug:
    /// it is thrown with the step that caused it.
    public func run(
        id: SessionID, joinCode: String, seed: UInt64 = 1, record: ([Event]) throws -> Void
    ) throws -> SessionState {
        let created = try SessionEngine.create(id: id, joinCode: joinCode, workshop: workshop, at: start)
        try record(created)
        guard var state = SessionState(replaying: created) else { preconditionFailure("create starts with sessionCreated") }
        var context = DecisionContext(now: start, random: SplitMix64(seed: seed))
        var script = ScriptWriter(workshop: workshop, participants: participants, now: start)
        while let step = script.next(after: state) {
            context.now = step.at
            let events: [Event]
            do {
                events = try SessionEngine.decide(step.command, by: step.actor, in: state, context: &context)
            } catch {
                throw ScriptError(step: step, refusal: error)
            }
            try record(events)
            for event in events { state.apply(event) }
        }
        return state
    }
}

/// A script step the rules refused.
public struct ScriptError: Error, CustomStringConvertible {
    /// The refused step.
    public var step: ScriptedSession.Step
    /// Why it was refused.
    public var refusal: Refusal
    public var description: String { "scripted \(step.command) refused: \(refusal)" }
}
