import AtelierCore

/// How many messages may be sent: a burst, then a steady rate.
public struct RateLimit: Sendable, Equatable {
    /// Messages accepted at once after a quiet time.
    public var burst: Int
    /// Messages per second accepted in the long run.
    public var perSecond: Int

    public init(burst: Int = 40, perSecond: Int = 20) {
        self.burst = burst
        self.perSecond = perSecond
    }

    /// A connection's own budget before it enters a session: a page's preview, join and pings
    /// with a few retries, and no more, since opening another connection costs nothing.
    public static let guest = RateLimit(burst: 10, perSecond: 1)
}

/// Whose bucket a message draws from once its connection has entered a session: the
/// participant's, shared by all their connections and kept across reconnects.
struct RateHolder: Hashable {
    let session: SessionID
    /// Nil for the session's moderators, who share one bucket: the moderator key makes a new
    /// moderator at every `moderate`, so a bucket per moderator would let the key multiply it.
    let participant: ParticipantID?
}

/// A token bucket over a millisecond clock.
struct TokenBucket {
    let limit: RateLimit
    private var tokens: Double
    private var last: Timestamp

    init(_ limit: RateLimit, now: Timestamp) {
        self.limit = limit
        tokens = Double(limit.burst)
        last = now
    }

    /// Takes one token if there is one.
    mutating func take(at now: Timestamp) -> Bool {
        let elapsed = Double(max(now.milliseconds(since: last), 0)) / 1000
        tokens = min(Double(limit.burst), tokens + elapsed * Double(limit.perSecond))
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
