/// What a decision may consult besides the state: the time and a random generator.
///
/// Injected so that tests choose both; whatever a decision draws from them ends up in its events.
public struct DecisionContext: Sendable {
    /// The server's clock at the moment the command is decided.
    public var now: Timestamp
    /// Source of randomness for balanced random room assignment.
    public var random: SplitMix64

    /// A context at `now` drawing from `random`.
    public init(now: Timestamp, random: SplitMix64 = SplitMix64(seed: 0)) {
        self.now = now
        self.random = random
    }
}
