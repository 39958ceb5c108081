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
    /// Whether the moderator writes the synthesis after the end: introduction, findings, quotes, addressees,
    /// a reservation and the conclusion.
    public let curate: Bool

    /// A run of `workshop` with `participants` people, starting at `start`, curated when `curate` says.
    public init(workshop: WorkshopDefinition, participants: Int = 12, start: Timestamp, curate: Bool = false) {
        self.workshop = workshop
        self.participants = max(1, participants)
        self.start = start
        self.curate = curate
    }

    /// One step of the script: who does what, and when.
    public struct Step: Sendable {
        public var actor: Actor
        public var command: Command
        public var at: Timestamp
    }

    /// Runs the script on a freshly created session, handing each step and the events it caused to
    /// `record` as soon as it is decided, and returns the final state.
    ///
    /// A refusal means the script and the rules disagree, which is a bug: it is thrown as a
    /// `ScriptError` naming the step.
    public func run(
        from created: SessionState, seed: UInt64 = 1, record: (Step, [Event]) throws -> Void
    ) throws -> SessionState {
        var state = created
        var context = DecisionContext(now: start, random: SplitMix64(seed: seed))
        var script = ScriptWriter(workshop: workshop, participants: participants, curate: curate, now: start)
        while let step = script.next(after: state) {
            context.now = step.at
            let events: [Event]
            do {
                events = try SessionEngine.decide(step.command, by: step.actor, in: state, context: &context)
            } catch {
                throw ScriptError(step: step, refusal: error)
            }
            try record(step, events)
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
