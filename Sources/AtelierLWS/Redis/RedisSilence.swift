/// When a connection to Redis has gone silent: it has commands outstanding and the oldest has had no
/// reply for longer than `boundMilliseconds`, plus the time that command may block (`XREAD … BLOCK`)
/// when it is a blocking one. Redis answers a connection's commands in order, so only the oldest
/// outstanding one is due; its wait starts when it was sent or when the one before it was answered,
/// whichever came later: a long pipeline answered steadily is never silent.
struct RedisSilence {
    let boundMilliseconds: Int64
    private var sent = 0
    private var answered = 0
    /// The blocking commands outstanding, oldest first: their place in the order sent and how long each may block.
    private var blocking: [(index: Int, milliseconds: Int64)] = []
    /// When the oldest outstanding command began to be due.
    private var since: Int64 = 0

    init(boundMilliseconds: Int64) {
        self.boundMilliseconds = boundMilliseconds
    }

    mutating func sent(at now: Int64, blockingFor milliseconds: Int64 = 0) {
        if sent == answered { since = now }
        if milliseconds > 0 { blocking.append((sent, milliseconds)) }
        sent += 1
    }

    mutating func answered(at now: Int64) {
        guard answered < sent else { return }
        if blocking.first?.index == answered { blocking.removeFirst() }
        answered += 1
        since = now
    }

    func isSilent(at now: Int64) -> Bool {
        guard answered < sent else { return false }
        let block = blocking.first.flatMap { $0.index == answered ? $0.milliseconds : nil } ?? 0
        return now - since > boundMilliseconds + block
    }
}
