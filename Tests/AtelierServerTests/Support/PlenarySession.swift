import Testing

/// A moderator who started the session, and participants joined in the opening plenary in the
/// order named (`p2`, `p3`…).
struct PlenarySession {
    let server: LiveServer
    let moderator: Peer
    let people: [Peer]

    init(joining names: [String], clock: TestClock = TestClock()) throws {
        server = try LiveServer(clock: clock)
        moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        var people: [Peer] = []
        for name in names {
            let peer = try Peer(server)
            try peer.join(server, name: name)
            people.append(peer)
        }
        self.people = people
    }
}
