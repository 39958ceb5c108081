extension LoadDriver {
    /// What became of people joining at once.
    struct JoinStorm {
        var welcomed = 0
        var synced = 0
        var lost = 0
        var refused: [String: Int] = [:]
        var seconds = 0.0
    }

    /// A plenary opening: `count` connections open, then every one sends its join before any
    /// answer is read, as a hall scanning the QR code. Returns once each has been welcomed and
    /// has caught up (`synced`), refused, or lost.
    func joinAtOnce(_ count: Int, role: String = "participant", timeoutSeconds: Double = 300) throws -> JoinStorm {
        let first = sockets.count
        try connect(count)
        let started = monotonicNanoseconds()
        for socket in sockets[first...] {
            send(socket, #"{"join":{"code":"\#(code)","name":"Storm \#(socket.index)","role":"\#(role)","language":"en"}}"#)
        }
        let people = sockets[first...]
        let refusedBefore = refusedByCode.values.reduce(0, +)
        try wait("every join answered and caught up", timeoutSeconds: timeoutSeconds) {
            people.count { $0.synced || $0.stage == .closed } + refusedByCode.values.reduce(0, +) - refusedBefore >= count
        }
        var storm = JoinStorm(seconds: Double(monotonicNanoseconds() - started) / 1e9)
        storm.welcomed = people.count { $0.participant != nil }
        storm.synced = people.count { $0.synced && $0.stage != .closed }
        storm.lost = people.count { $0.stage == .closed }
        storm.refused = refusedByCode
        return storm
    }
}
