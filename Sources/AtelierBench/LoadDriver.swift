#if canImport(Glibc)
import Glibc
#endif
import CBenchSystem

/// Simulated participants and a moderator on lean websocket connections, all served by one
/// epoll loop on the calling thread. Senders put their monotonic send time in the note text;
/// receivers, in the same process, take the difference on arrival.
///
/// Confined to the thread that created it.
public final class LoadDriver {
    /// Where connections go, connection `i` to `ports[i % ports.count]` (the relays, in turn).
    let ports: [Int]
    let code: String
    let moderatorKey: String
    /// What the server sends: atelier's messages, or the C baseline room's frames (`baselineRoom`).
    let speaks: Speaker

    /// Which server the receivers read. The C baseline room (`lwsroom.c`, BENCHMARKS.md) takes no
    /// message and sends frames whose first 8 bytes are the post time on the monotonic clock (this
    /// machine's, in host order), so the same receiver measures it and atelier alike.
    public enum Speaker: Sendable {
        case atelier, baselineRoom

        var path: String { self == .atelier ? "/ws" : "/" }
        var subprotocol: String { self == .atelier ? "atelier.v1" : "ws" }
    }
    private let epoll: Int32
    private(set) var sockets: [LeanSocket] = []
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)
    private var control = [UInt8](repeating: 0, count: 64)

    /// Counters of the current measuring window (reset by `startWindow`).
    struct Window {
        var started: Int64 = 0
        var accepted = 0
        var delivered = 0
        var latencies: [Int64] = []
        /// The same deliveries from the post to their arrival in the member's socket (`ReceiveTime`).
        var arrivals: [Int64] = []
        /// Deliveries the kernel gave no arrival stamp for (their arrival is then their read).
        var unstamped = 0
        /// Each delivery against the first delivery of the same note (the fan-out alone).
        var fanOut: [Int64] = []
        /// When each note (by its sending time) first reached a receiver.
        var firstDelivery: [Int64: Int64] = [:]
        /// Each note's post to its first delivery (one sample per note).
        var intake: [Int64] = []
        /// Each timed message's post to its ack or error, at its sender.
        var acks: [Int64] = []

        /// A delivery of what was posted at `posted`, timed at its read and at its arrival.
        mutating func timed(postedAt posted: Int64, received time: ReceiveTime) {
            latencies.append(time.read - posted)
            arrivals.append(time.arrival - posted)
            if !time.stamped { unstamped += 1 }
        }
    }
    private(set) var window = Window()
    private var measuring = false
    /// Counters over the whole run.
    private(set) var refusedByCode: [String: Int] = [:]
    private(set) var connectionsLost = 0
    /// `seq` of every acknowledged command (the last event it caused).
    private(set) var ackedSequences: [Int64] = []
    /// Timed messages (the load's notes) acknowledged, and deliveries of such notes, over the whole run.
    private(set) var timedAcked = 0
    private(set) var noteDeliveries = 0
    /// Acks and errors received, to wait on.
    private var answers = 0
    /// Whether receivers remember the latest note they saw (for placing dots on it).
    var tracksNotes = false
    /// Frames received over the whole run, to see when the server has gone quiet.
    private(set) var framesReceived = 0
    /// The participant reconnecting in a loop, when one runs (`startFlooder`).
    var flooder: Flooder?

    public init(ports: [Int], code: String, moderatorKey: String, speaks: Speaker = .atelier) {
        self.ports = ports
        self.code = code
        self.moderatorKey = moderatorKey
        self.speaks = speaks
        epoll = epoll_create1(0)
    }

    deinit { close(epoll) }

    var moderator: LeanSocket { sockets[0] }
    /// Everyone who joined but the flooder.
    var participants: [LeanSocket] { sockets.dropFirst().filter { $0.index != flooder?.socket.index } }
    var openConnections: Int { sockets.count { $0.stage == .open || $0.stage == .joined } }

    // MARK: Connecting

    /// Opens `count` more websocket connections and waits until they are upgraded.
    func connect(_ count: Int, timeoutSeconds: Double = 60) throws {
        let first = sockets.count
        for index in first..<(first + count) {
            sockets.append(try open(index))
            if index % 64 == 63 { pump(milliseconds: 0) }
        }
        try wait("upgrades", timeoutSeconds: timeoutSeconds) { sockets[first...].allSatisfy { $0.stage != .connecting } }
        let refused = sockets[first...].count { $0.stage == .closed }
        if refused > 0 { throw BenchError("\(refused) of \(count) connections were refused by the server") }
    }

    /// A new connection for slot `index`, read by the epoll loop.
    private func open(_ index: Int) throws -> LeanSocket {
        guard let socket = LeanSocket.connect(port: ports[index % ports.count], path: speaks.path, subprotocol: speaks.subprotocol, index: index) else {
            throw BenchError("connection \(index) to the server failed: \(String(cString: strerror(errno)))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(index)
        epoll_ctl(epoll, EPOLL_CTL_ADD, socket.fd, &event)
        return socket
    }

    /// Ends the connection in `socket`'s slot (not counted as lost) and opens a new one there.
    func reconnect(_ socket: LeanSocket) throws -> LeanSocket {
        if socket.stage != .closed { epoll_ctl(epoll, EPOLL_CTL_DEL, socket.fd, nil) }
        socket.shutDown()
        let fresh = try open(socket.index)
        sockets[socket.index] = fresh
        return fresh
    }

    /// The moderator enters, starts the session, and runs `setup` commands (one at a time).
    func enterAsModerator(setup: [String]) throws {
        try connect(1)
        send(moderator, #"{"moderate":{"code":"\#(code)","key":"\#(moderatorKey)","name":"Moderator"}}"#)
        try wait("the moderator's welcome") { moderator.stage == .joined }
        for command in ["{\"start\":{}}"] + setup {
            let before = answers
            let refusedBefore = refusedByCode.values.reduce(0, +)
            send(moderator, "{\"command\":\(command)}")
            try wait("the answer to \(command)") { answers > before }
            if refusedByCode.values.reduce(0, +) > refusedBefore {
                throw BenchError("the server refused the moderator's \(command): \(refusedByCode)")
            }
        }
    }

    /// Participants join in batches (each join reaches everyone already in), then run `after`.
    func join(_ count: Int, batch: Int = 100, progress: (Int) -> Void, after: (LeanSocket) -> String? = { _ in nil }) throws {
        var joined = 0
        while joined < count {
            let size = min(batch, count - joined)
            let first = sockets.count
            try connect(size)
            for socket in sockets[first...] {
                send(socket, #"{"join":{"code":"\#(code)","name":"Bench \#(socket.index)","role":"participant","language":"en"}}"#)
            }
            try wait("joins") { sockets[first...].allSatisfy { $0.stage == .joined } }
            let before = answers
            var sent = 0
            for socket in sockets[first...] {
                if let command = after(socket) {
                    send(socket, "{\"command\":\(command)}")
                    sent += 1
                }
            }
            try wait("answers after joining") { answers >= before + sent }
            // Each join reaches everyone already in: let it arrive before the next batch, as
            // people trickle in, rather than fill every queue at once.
            try drain(quiet: 0.2)
            joined += size
            progress(joined)
        }
    }

    /// One more participant joins and from now on floods (see `Flooder`); `step` drives it.
    func startFlooder(batch: Int) throws {
        try connect(1)
        let socket = sockets[sockets.count - 1]
        send(socket, #"{"join":{"code":"\#(code)","name":"Flooder","role":"participant","language":"en"}}"#)
        try wait("the flooder's welcome") { socket.stage == .joined }
        guard let token = socket.token else { throw BenchError("the flooder's welcome has no token") }
        flooder = Flooder(socket: socket, token: token, batch: batch)
    }

    // MARK: Running

    /// Sends one message with the socket's next id; with `timed`, its ack time is measured.
    func send(_ socket: LeanSocket, _ body: String, timed: Bool = false) {
        let id = socket.nextID
        socket.nextID += 1
        if timed { socket.sentAt[id] = monotonicNanoseconds() }
        // Insert the id as the first key: {"id":N,<body without its opening brace>
        let message = "{\"id\":\(id)," + body.dropFirst()
        if !socket.sendText(message) { lose(socket) }
    }

    /// Starts a measuring window: counters and latencies from now on.
    func startWindow() {
        window = Window(started: monotonicNanoseconds())
        measuring = true
    }

    /// Ends the window and returns it.
    func endWindow() -> Window {
        measuring = false
        return window
    }

    /// Serves the sockets for up to `milliseconds` (0: only what is ready).
    func pump(milliseconds: Int32) {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        let ready = epoll_wait(epoll, &events, 256, milliseconds)
        guard ready > 0 else { return }
        for event in events[0..<Int(ready)] {
            readAll(sockets[Int(event.data.u64)])
        }
    }

    /// Pumps until `done` or the timeout.
    func wait(_ what: String, timeoutSeconds: Double = 60, until done: () -> Bool) throws {
        let deadline = monotonicNanoseconds() + Int64(timeoutSeconds * 1e9)
        while !done() {
            if monotonicNanoseconds() > deadline { throw BenchError("timed out waiting for \(what)") }
            pump(milliseconds: 10)
        }
    }

    /// Pumps until no frame has arrived for `quiet` seconds: what joining sent has been delivered.
    func drain(quiet: Double = 1, timeoutSeconds: Double = 120) throws {
        let deadline = monotonicNanoseconds() + Int64(timeoutSeconds * 1e9)
        var lastCount = framesReceived
        var lastChange = monotonicNanoseconds()
        while monotonicNanoseconds() - lastChange < Int64(quiet * 1e9) {
            if monotonicNanoseconds() > deadline { throw BenchError("the server kept sending for \(timeoutSeconds) s after the joins") }
            pump(milliseconds: 20)
            if framesReceived != lastCount {
                lastCount = framesReceived
                lastChange = monotonicNanoseconds()
            }
        }
    }

    // MARK: Receiving

    /// Reads what the socket holds. One read a readiness unless it filled the buffer: epoll is
    /// level-triggered, so what is left is reported again, and a second read that finds nothing
    /// would cost a system call per delivery.
    private func readAll(_ socket: LeanSocket) {
        while socket.stage != .closed {
            let (count, arrival) = scratch.withUnsafeMutableBytes { buffer in
                control.withUnsafeMutableBytes { socket.receive(into: buffer, control: $0) }
            }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                lose(socket)
                return
            }
            if count < 0 { return }
            let now = monotonicNanoseconds()
            let time = ReceiveTime(read: now, arrival: arrival ?? now, stamped: arrival != nil)
            if socket.pending.isEmpty {
                let used = scratch.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[0..<count]), socket, time) }
                if used < count { socket.pending.append(contentsOf: scratch[used..<count]) }
            } else {
                socket.pending.append(contentsOf: scratch[0..<count])
                let used = socket.pending.withUnsafeBytes { consume($0, socket, time) }
                socket.pending.removeFirst(used)
            }
            if count < scratch.count { return }
        }
    }

    /// Handles the handshake answer and every whole frame; returns the bytes used.
    private func consume(_ bytes: UnsafeRawBufferPointer, _ socket: LeanSocket, _ time: ReceiveTime) -> Int {
        var offset = 0
        if socket.stage == .connecting {
            guard let end = FrameScanner.find("\r\n\r\n", in: bytes) else { return 0 }
            guard FrameScanner.find(" 101 ", in: UnsafeRawBufferPointer(rebasing: bytes[0..<end])) != nil else {
                lose(socket)
                return bytes.count
            }
            socket.stage = .open
            offset = end + 4
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let used = FrameScanner.frames(in: rest) { opcode, payload in
            switch opcode {
            case 1: message(payload, socket, time)
            case 8: lose(socket)
            default: break
            }
        }
        return offset + used
    }

    private func message(_ payload: UnsafeRawBufferPointer, _ socket: LeanSocket, _ time: ReceiveTime) {
        let now = time.read
        framesReceived += 1
        if speaks == .baselineRoom { return baselinePost(payload, time) }
        switch FrameScanner.kind(of: payload) {
        case .event:
            event(payload, socket, time)
        case .events:
            // A connection that fell behind gets its waiting events in one group: each starts `{"seq":`.
            var start = FrameScanner.find(#"{"seq":"#, in: payload)
            while let from = start {
                let next = FrameScanner.find(#"{"seq":"#, in: payload, from: from + 1)
                event(UnsafeRawBufferPointer(rebasing: payload[from..<(next ?? payload.count)]), socket, time)
                start = next
            }
        case .ack:
            if answered(payload, socket, now, key: #"{"ack":"#) { timedAcked += 1 }
            if FrameScanner.find(#""welcome""#, in: payload) != nil {
                socket.stage = .joined
                socket.participant = FrameScanner.string(after: #""participant":""#, in: payload)
                socket.token = FrameScanner.string(after: #""token":""#, in: payload)
            } else {
                if measuring { window.accepted += 1 }
                socket.accepted += 1
                if let seq = FrameScanner.integer(after: #""seq":"#, in: payload) { ackedSequences.append(seq) }
            }
        case .error:
            answered(payload, socket, now, key: #"{"error":"#)
            let code = FrameScanner.string(after: #""code":""#, in: payload) ?? "?"
            refusedByCode[code, default: 0] += 1
        case .synced:
            socket.synced = true
        case .other:
            break
        }
    }

    /// Counts an ack or error and, for a timed message, its post-to-answer time; true when it
    /// answered a timed message.
    @discardableResult
    private func answered(_ payload: UnsafeRawBufferPointer, _ socket: LeanSocket, _ now: Int64, key: StaticString) -> Bool {
        answers += 1
        socket.answers += 1
        guard !socket.sentAt.isEmpty, let id = FrameScanner.integer(after: key, in: payload),
              let sent = socket.sentAt.removeValue(forKey: id) else { return false }
        if measuring { window.acks.append(now - sent) }
        return true
    }

    private func event(_ payload: UnsafeRawBufferPointer, _ socket: LeanSocket, _ time: ReceiveTime) {
        let now = time.read
        if measuring { window.delivered += 1 }
        // An event message starts with its `seq`: {"seq":N,
        if let seq = FrameScanner.digits(in: payload, at: 7) { socket.lastSeq = max(socket.lastSeq, seq) }
        if let at = FrameScanner.find(#""text":"bench "#, in: payload) {
            noteDeliveries += 1
            if let sent = FrameScanner.digits(in: payload, at: at + 14), measuring, sent >= window.started {
                window.timed(postedAt: sent, received: time)
                let first = window.firstDelivery[sent, default: now]
                if first == now {
                    window.firstDelivery[sent] = now
                    window.intake.append(now - sent)
                }
                window.fanOut.append(now - first)
            }
        }
        if tracksNotes, let at = FrameScanner.find(#"{"noteAdded":{"#, in: payload) {
            socket.lastNote = FrameScanner.string(after: #""id":""#, in: UnsafeRawBufferPointer(rebasing: payload[at...]))
        }
    }

    /// A frame of the C baseline room: its post time, then filler.
    private func baselinePost(_ payload: UnsafeRawBufferPointer, _ time: ReceiveTime) {
        guard payload.count >= 8, measuring else { return }
        let posted = payload.loadUnaligned(as: Int64.self)
        guard posted >= window.started else { return }
        window.delivered += 1
        window.timed(postedAt: posted, received: time)
    }

    private func lose(_ socket: LeanSocket) {
        guard socket.stage != .closed else { return }
        if socket.stage != .connecting { connectionsLost += 1 }
        epoll_ctl(epoll, EPOLL_CTL_DEL, socket.fd, nil)
        socket.shutDown()
    }
}
