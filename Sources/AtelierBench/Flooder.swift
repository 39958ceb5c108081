/// One participant who writes as fast as the server lets it: on each connection it comes back
/// with its token (`rejoin` after the last `seq` it received, as a client should, so the
/// catch-up stays short), sends a batch of notes at once, and as soon as they are all answered
/// drops the connection and opens the next. The well-behaved writers beside it measure what
/// that costs them.
final class Flooder {
    private(set) var socket: LeanSocket
    let token: String
    /// Notes sent at once on each connection: more than a burst, so each connection would
    /// empty a bucket of its own.
    let batch: Int
    private(set) var reconnects = 0
    private(set) var notesSent = 0
    /// Notes accepted on the connections before this one.
    private var acceptedBefore = 0
    private var rejoinSent = false
    private var notesSentHere = 0

    init(socket: LeanSocket, token: String, batch: Int) {
        self.socket = socket
        self.token = token
        self.batch = batch
    }

    /// Notes accepted so far.
    var accepted: Int { acceptedBefore + socket.accepted }

    /// Moves on as far as the connection's answers allow; called on every turn of the load loop.
    func step(_ driver: LoadDriver) throws {
        switch socket.stage {
        case .connecting:
            return
        case .open where !rejoinSent:
            driver.send(socket, #"{"rejoin":{"code":"\#(driver.code)","token":"\#(token)","after":\#(socket.lastSeq)}}"#)
            rejoinSent = true
        case .open:
            if socket.answers > 0 { throw BenchError("the server refused the flooder's rejoin: \(driver.refusedByCode)") }
        case .joined where notesSentHere == 0:
            for _ in 0..<batch { driver.send(socket, #"{"command":{"addNote":{"prompt":"ideas","text":"flood"}}}"#) }
            notesSentHere = batch
            notesSent += batch
        case .joined:
            // The rejoin's answer and every note's.
            if socket.answers > batch { try next(driver) }
        case .closed:
            try next(driver)
        }
    }

    private func next(_ driver: LoadDriver) throws {
        acceptedBefore += socket.accepted
        let lastSeq = socket.lastSeq
        socket = try driver.reconnect(socket)
        socket.lastSeq = lastSeq
        reconnects += 1
        rejoinSent = false
        notesSentHere = 0
    }
}
