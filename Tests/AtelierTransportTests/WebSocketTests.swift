import AtelierLWS
import AtelierTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized)
struct WebSocketTests {
    @Test func connectAndEcho() throws {
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }

        var options = WebSocketClient.Options(host: "127.0.0.1", port: server.port, path: "/ws?room=r1&name=ana%20b")
        options.origin = "http://atelier.test"
        let client = try WebSocketClient(options: options, loop: loop)
        client.connect()
        #expect(client.waitForOpen(timeout: 15))
        #expect(client.send("hello"))
        #expect(client.receive(timeout: 15) == "hello")
        #expect(client.send("héllo ✓"))
        #expect(client.receive(timeout: 15) == "héllo ✓")
        #expect(client.send(""))
        #expect(client.receive(timeout: 15) == "")

        let info = try #require(delegate.records.withLock { $0.opened.first })
        #expect(info.path == "/ws")
        #expect(info.origin == "http://atelier.test")
        #expect(info.peerAddress == "127.0.0.1")
        #expect(info.queryValue("room") == "r1")
        #expect(info.queryValue("name") == "ana b")
        #expect(delegate.records.withLock { $0.receivedOnServiceThread })
        #expect(delegate.records.withLock { $0.turns } > 0)

        client.close()
        #expect(client.waitForClose(timeout: 15) == .closed(code: 1000, reason: ""))
        #expect(eventually { delegate.closedCount == 1 })
        #expect(delegate.closeCode(of: info.id) == .some(1000))
        #expect(eventually { server.statistics.connectionsOpen == 0 })
    }

    @Test func urlParsing() throws {
        let a = try WebSocketClient.Options(url: "ws://127.0.0.1:9000/ws?x=1")
        #expect(a.host == "127.0.0.1" && a.port == 9000 && a.path == "/ws?x=1" && !a.useTLS)
        let b = try WebSocketClient.Options(url: "wss://example.test/ws")
        #expect(b.port == 443 && b.useTLS)
        let c = try WebSocketClient.Options(url: "ws://[::1]:81")
        #expect(c.host == "::1" && c.port == 81 && c.path == "/")
        #expect(throws: ClientError.self) { try WebSocketClient.Options(url: "http://x/ws") }
    }

    @Test func broadcastArrivesOnceAtEachClient() throws {
        let delegate = TestDelegate()
        delegate.onMessage = { server, _, text in
            if text.hasPrefix("all:") { server.broadcast(OutboundFrame(text: String(text.dropFirst(4)))) }
        }
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }

        let clients = try openClients(8, to: server, delegate: delegate, loop: loop)

        clients[3].send("all:first")
        clients[5].send("all:second")
        for client in clients {
            // Each message exactly once, nothing in between, per-sender order kept.
            let got = [client.receive(timeout: 15), client.receive(timeout: 15)]
            #expect(Set(got.compactMap { $0 }) == ["first", "second"])
        }
        clients[0].send("all:end")
        for client in clients { #expect(client.receive(timeout: 15) == "end") }
        // The server counts a frame just after handing it to the socket, so a client may read it first.
        #expect(eventually { server.statistics.framesSent == clients.count * 3 })
    }

    @Test func groupableFramesWaitingTogetherGoOutAsOneGroupInOrder() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let client = try openClients(1, to: server, delegate: delegate, loop: loop)[0]

        // Queued in one service turn: the consecutive groupable frames are joined, the plain one
        // is not, and order is kept.
        server.post {
            let event = { (seq: Int) in OutboundFrame(bytes: Array(#"{"seq":\#(seq)}"#.utf8), groupable: true) }
            for frame in [event(1), event(2), event(3), OutboundFrame(text: #"{"ack":9}"#), event(4)] {
                server.broadcast(frame)
            }
        }
        #expect(client.receive(timeout: 15) == #"[{"seq":1},{"seq":2},{"seq":3}]"#)
        #expect(client.receive(timeout: 15) == #"{"ack":9}"#)
        #expect(client.receive(timeout: 15) == #"{"seq":4}"#)
        #expect(eventually { server.statistics.framesSent == 3 })
    }

    @Test func aServerGivenNoGroupingSendsWaitingFramesOneByOne() throws {
        let delegate = TestDelegate()
        // The transport's own default: the envelope of a group is the protocol's, which it does not know.
        let server = try startServer(delegate: delegate) { $0 = ServerConfiguration(host: "127.0.0.1", port: 0) }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let client = try openClients(1, to: server, delegate: delegate, loop: loop)[0]

        server.post {
            for seq in 1...3 { server.broadcast(OutboundFrame(bytes: Array(#"{"seq":\#(seq)}"#.utf8), groupable: true)) }
        }
        for seq in 1...3 { #expect(client.receive(timeout: 15) == #"{"seq":\#(seq)}"#) }
        #expect(eventually { server.statistics.framesSent == 3 })
    }

    @Test func framesQueuedAtTheEndOfATurnArriveCompleteAndInOrderWhenTheSocketBacksUp() throws {
        let delegate = TestDelegate()
        // The end-of-turn work (as the session hub's commit) queues 1.2 MB at once to a reader
        // with a 4 KiB receive buffer: the first writes go straight out, then the socket refuses
        // part of one and the rest must wait for POLLOUT behind it.
        let burst = Mutex(false)
        let pad = String(repeating: "p", count: 4000)
        delegate.onMessage = { _, _, text in if text == "burst" { burst.withLock { $0 = true } } }
        delegate.onTurnEnd = { server in
            guard burst.withLock({ $0 }) else { return }
            burst.withLock { $0 = false }
            for seq in 0..<300 {
                let event = #"{"seq":\#(seq),"pad":"\#(pad)"}"#
                server.broadcast(seq % 50 == 49 ? OutboundFrame(text: event) : OutboundFrame(bytes: Array(event.utf8), groupable: true))
            }
        }
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let reader = try RawSocket(port: server.port, receiveBuffer: 4096)
        #expect(reader.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        #expect(eventually { delegate.openedCount == 1 })
        reader.sendFrame(opcode: 0x1, fin: true, payload: Array("burst".utf8))

        var seqs: [Int] = []
        var messages = 0
        while seqs.count < 300, let frame = reader.readFrame() {
            #expect(frame.opcode == 0x1 && frame.fin)
            messages += 1
            let text = String(decoding: frame.payload, as: UTF8.self)
            for match in text.matches(of: /"seq":(\d+)/) { seqs.append(Int(match.1)!) }
        }
        #expect(seqs == Array(0..<300))
        #expect(messages < 300)  // what waited went out grouped
        #expect(server.statistics.slowConsumerDrops == 0)
        #expect(delegate.closedCount == 0)
    }

    @Test func aFanOutToManyIsWrittenInSlicesWithALoopTurnBetween() throws {
        // Two connections written per turn: a fan-out to ten leaves the loop free to read after
        // each slice, rather than keeping what arrives meanwhile waiting for all ten.
        let delegate = TestDelegate()
        let go = Mutex(false)
        let sentAtTurnEnds = Mutex<[Int]?>(nil)
        delegate.onMessage = { _, _, text in if text == "go" { go.withLock { $0 = true } } }
        delegate.onTurnEnd = { server in
            if go.withLock({ $0 }) {
                go.withLock { $0 = false }
                server.broadcast(OutboundFrame(text: "fan-out"))
                sentAtTurnEnds.withLock { $0 = [] }
            } else {
                let sent = server.statistics.framesSent
                sentAtTurnEnds.withLock { if $0 != nil && sent < 10 { $0!.append(sent) } }
            }
        }
        let server = try startServer(delegate: delegate) { $0.writesPerTurn = 2 }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let clients = try openClients(10, to: server, delegate: delegate, loop: loop)

        clients[0].send("go")
        for client in clients { #expect(client.receive(timeout: 15) == "fan-out") }
        #expect(sentAtTurnEnds.withLock { $0 } == [2, 4, 6, 8])
    }

    @Test func eventsQueuedDuringASlicedFanOutJoinTheQueuesItHasNotReachedYet() throws {
        // One connection written per turn. The first event reaches one connection, then the next
        // turn queues a second: that connection gets it alone, the two not reached yet get both
        // in one message.
        let delegate = TestDelegate()
        let step = Mutex(0)
        delegate.onMessage = { _, _, text in if text == "go" { step.withLock { $0 = 1 } } }
        delegate.onTurnEnd = { server in
            let seq = step.withLock { current in
                defer { if current == 1 || current == 2 { current += 1 } }
                return current
            }
            guard seq == 1 || seq == 2 else { return }
            server.broadcast(OutboundFrame(bytes: Array(#"{"seq":\#(seq)}"#.utf8), groupable: true))
        }
        let server = try startServer(delegate: delegate) { $0.writesPerTurn = 1 }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let clients = try openClients(3, to: server, delegate: delegate, loop: loop)

        clients[0].send("go")
        var received: [[String]] = []
        for client in clients {
            var messages: [String] = []
            while messages.joined().matches(of: /seq/).count < 2, let message = client.receive(timeout: 15) {
                messages.append(message)
            }
            received.append(messages)
        }
        let grouped = [#"[{"seq":1},{"seq":2}]"#]
        #expect(received.count { $0 == [#"{"seq":1}"#, #"{"seq":2}"#] } == 1)
        #expect(received.count { $0 == grouped } == 2)
    }

    @Test func connectionsClosedWhileASlicedFanOutWaitsToReachThemLeaveTheOthersServed() throws {
        let delegate = TestDelegate()
        let go = Mutex(false)
        delegate.onMessage = { server, _, text in
            if text == "go" { go.withLock { $0 = true } }
            if text == "again" { server.broadcast(OutboundFrame(text: "again")) }
        }
        delegate.onTurnEnd = { server in
            guard go.withLock({ $0 }) else { return }
            go.withLock { $0 = false }
            server.broadcast(OutboundFrame(text: "fan-out"))
            // Closed after the fan-out queued to them, while it still waits to reach them.
            for info in delegate.records.withLock({ $0.opened }).prefix(3) { server.close(info.id) }
        }
        let server = try startServer(delegate: delegate) { $0.writesPerTurn = 1 }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let clients = try openClients(6, to: server, delegate: delegate, loop: loop)
        let closedIDs = delegate.records.withLock { $0.opened.prefix(3).map(\.id) }

        clients[5].send("go")
        for client in clients { #expect(client.receive(timeout: 15) == "fan-out") }
        #expect(eventually { delegate.closedCount == 3 })
        for id in closedIDs { #expect(delegate.closeCode(of: id) == .some(1000)) }
        #expect(eventually { clients.count { $0.currentState.isFinal } == 3 })
        let open = clients.filter { !$0.currentState.isFinal }
        open[0].send("again")
        for client in open { #expect(client.receive(timeout: 15) == "again") }
    }

    @Test func largeAndFragmentedMessagesUpToTheLimit() throws {
        let limit = 256 * 1024
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate) { $0.maxMessageBytes = limit }
        defer { stopServer(server) }
        // Small fragments on the client side: a big message crosses as many frames.
        let loop = try ClientLoop(configuration: .init(outboundFragmentBytes: 3000))
        defer { loop.shutdown() }

        let pair = try openClients(2, to: server, delegate: delegate, loop: loop)
        let (client, bystander) = (pair[0], pair[1])

        let pattern = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        func text(_ count: Int) -> String {
            String(decoding: (0..<count).map { pattern[$0 % pattern.count] }, as: UTF8.self)
        }
        for size in [1023, 1024, 1025, 40_000, 100_000, limit] {
            let message = text(size)
            #expect(client.send(message))
            let echoed = client.receive(timeout: 15)
            #expect(echoed?.utf8.count == size)
            #expect(echoed == message)
        }

        // A websocket message fragmented by hand (TEXT, CONT, CONT+FIN).
        let raw = try RawSocket(port: server.port)
        #expect(raw.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        raw.sendFrame(opcode: 0x1, fin: false, payload: Array("frag".utf8))
        raw.sendFrame(opcode: 0x0, fin: false, payload: Array("ment".utf8))
        raw.sendFrame(opcode: 0x0, fin: true, payload: Array("ed".utf8))
        let frame = raw.readFrame()
        #expect(frame?.opcode == 0x1 && frame?.fin == true)
        #expect(frame.map { String(decoding: $0.payload, as: UTF8.self) } == "fragmented")

        // One byte past the limit: 1009, and the server keeps serving others.
        #expect(client.send(text(limit + 1)))
        #expect(client.waitForClose(timeout: 15) == .closed(code: 1009, reason: "message too big"))
        #expect(server.statistics.oversizedMessageCloses == 1)
        #expect(bystander.send("still here"))
        #expect(bystander.receive(timeout: 15) == "still here")
    }

    @Test func binaryFramesAreRefusedWith1003() throws {
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let raw = try RawSocket(port: server.port)
        #expect(raw.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        raw.sendFrame(opcode: 0x2, fin: true, payload: [1, 2, 3])
        #expect(raw.readUntilClose() == 1003)
        #expect(delegate.records.withLock { $0.received.isEmpty })
    }

    @Test func invalidUTF8IsRefusedWith1007() throws {
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let raw = try RawSocket(port: server.port)
        #expect(raw.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        raw.sendFrame(opcode: 0x1, fin: true, payload: [0x61, 0xff, 0xfe, 0x62])
        #expect(raw.readUntilClose() == 1007)
        #expect(delegate.records.withLock { $0.received.isEmpty })
    }

    @Test func upgradesOnlyOnThePathAndSubprotocol() throws {
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }

        let wrongPath = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/elsewhere", loop: loop)
        wrongPath.connect()
        #expect(!wrongPath.waitForOpen(timeout: 15))

        var options = WebSocketClient.Options(host: "127.0.0.1", port: server.port)
        options.subprotocol = "other.v9"
        let wrongProtocol = try WebSocketClient(options: options, loop: loop)
        wrongProtocol.connect()
        #expect(!wrongProtocol.waitForOpen(timeout: 15))

        let raw = try RawSocket(port: server.port)
        let response = raw.webSocketHandshake(subprotocol: nil)
        #expect(response?.hasPrefix("HTTP/1.1 101") != true)

        #expect(delegate.openedCount == 0)
    }

    @Test func connectionRefusedIsReportedAsFailure() throws {
        // Find a free port, then make sure nothing listens on it.
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate)
        let port = server.port
        stopServer(server)
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(port)/ws")  // private loop
        client.connect()
        #expect(!client.waitForOpen(timeout: 15))
        let state = client.waitForClose(timeout: 15)
        if case .failed = state {} else { Issue.record("expected failure, got \(String(describing: state))") }
        #expect(!client.send("nobody"))
    }

    @Test func slowReaderIsDroppedWhileOthersKeepReceiving() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate) {
            $0.outboundQueueLimit = OutboundQueueLimit(maxFrames: 64, maxBytes: 4 << 20)
        }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }

        let fastLog = MessageLog()
        let fast = try WebSocketClient(
            url: "ws://127.0.0.1:\(server.port)/ws", loop: loop, onMessage: { fastLog.append($0) })
        fast.connect()
        #expect(fast.waitForOpen(timeout: 15))

        // A reader that completes the handshake and then never reads.
        let slow = try RawSocket(port: server.port, receiveBuffer: 4096)
        #expect(slow.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        #expect(eventually { delegate.openedCount == 2 })

        let payload = String(repeating: "x", count: 16 * 1024)
        let batch = 8
        var sent = 0
        // Lock-step with the fast reader so only the stalled one falls behind.
        while server.statistics.slowConsumerDrops == 0 && sent < 4000 {
            server.post {
                for _ in 0..<batch { server.broadcast(OutboundFrame(text: payload)) }
            }
            sent += batch
            let target = sent
            #expect(eventually { fastLog.count >= target })
        }
        #expect(server.statistics.slowConsumerDrops == 1)
        #expect(fastLog.count == sent)
        #expect(fastLog.messages.withLock { $0.allSatisfy { $0.utf8.count == payload.utf8.count } })

        // The fast reader still gets new messages.
        server.post { server.broadcast(OutboundFrame(text: "after")) }
        #expect(eventually { fastLog.messages.withLock { $0.last == "after" } })

        // Once the stalled reader reads again it finds the policy close after what was in flight.
        #expect(slow.readUntilClose() == 1008)
        #expect(eventually { delegate.closedCount == 1 })
        #expect(fast.currentState == .open)
    }

    @Test func pausedClientReaderIsDroppedToo() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate) {
            $0.outboundQueueLimit = OutboundQueueLimit(maxFrames: 16, maxBytes: 1 << 20)
        }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let client = try openClients(1, to: server, delegate: delegate, loop: loop)[0]
        client.pauseReading()
        #expect(client.send("paused"))  // round trip so the pause is in effect
        #expect(eventually { delegate.records.withLock { $0.received.count } == 1 })

        let payload = String(repeating: "y", count: 32 * 1024)
        for _ in 0..<400 where server.statistics.slowConsumerDrops == 0 {
            server.post { for _ in 0..<8 { server.broadcast(OutboundFrame(text: payload)) } }
            usleep(1000)
        }
        #expect(eventually { server.statistics.slowConsumerDrops == 1 })
        client.resumeReading()
        var last: WebSocketClient.State?
        #expect(eventually {
            while client.receive(timeout: 0.01) != nil {}
            last = client.currentState
            return last?.isFinal == true
        })
        #expect(last == .closed(code: 1008, reason: "too slow: outbound queue overflow"))
    }

    @Test func timersAndPostRunOnTheServiceThread() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }

        final class Flags: Sendable {
            let fired = Mutex<[String]>([])
            let threadOK = Atomic<Bool>(true)
        }
        let flags = Flags()
        #expect(!server.isOnServiceThread)
        server.post {
            if !server.isOnServiceThread { flags.threadOK.store(false, ordering: .relaxed) }
            flags.fired.withLock { $0.append("post") }
            let cancelled = server.schedule(afterMilliseconds: 30) { flags.fired.withLock { $0.append("cancelled") } }
            server.schedule(afterMilliseconds: 1) {
                if !server.isOnServiceThread { flags.threadOK.store(false, ordering: .relaxed) }
                flags.fired.withLock { $0.append("short") }
            }
            server.schedule(afterMilliseconds: 80) { flags.fired.withLock { $0.append("long") } }
            server.cancel(cancelled)
        }
        #expect(eventually { flags.fired.withLock { $0.contains("long") } })
        #expect(flags.fired.withLock { $0 } == ["post", "short", "long"])
        let threadOK = flags.threadOK.load(ordering: .relaxed)
        #expect(threadOK)

        // Many posts from several threads all run, on the service thread.
        let count = Atomic<Int>(0)
        let threads = 4, each = 250
        let done = Atomic<Int>(0)
        for _ in 0..<threads {
            Thread.detach {
                for _ in 0..<each {
                    server.post {
                        if !server.isOnServiceThread { flags.threadOK.store(false, ordering: .relaxed) }
                        count.wrappingAdd(1, ordering: .relaxed)
                    }
                }
                done.wrappingAdd(1, ordering: .relaxed)
            }
        }
        #expect(eventually { count.load(ordering: .relaxed) == threads * each })
        let stillOK = flags.threadOK.load(ordering: .relaxed)
        #expect(stillOK)
    }

    @Test func gracefulStopClosesClientsAndReturns() throws {
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate)
        let port = server.port
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let clients = try openClients(4, to: server, delegate: delegate, loop: loop)

        server.stop()
        server.wait()
        for client in clients {
            #expect(client.waitForClose(timeout: 15) == .closed(code: 1001, reason: "server stopping"))
        }
        #expect(delegate.closedCount == clients.count)
        #expect(server.statistics.connectionsOpen == 0)

        // Nothing listens any more; post after stop is ignored; stop is idempotent.
        #expect(throws: RawSocketError.self) { _ = try RawSocket(port: port) }
        server.post { Issue.record("ran after stop") }
        server.stop()
        server.wait()
        #expect(throws: TransportError.alreadyStarted) { try server.start() }
    }

    @Test func clientLoopShutdownClosesItsConnections() throws {
        let delegate = TestDelegate(echo: true)
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        let states = Mutex<[WebSocketClient.State]>([])
        let clients = try (0..<3).map { _ in
            try WebSocketClient(
                url: "ws://127.0.0.1:\(server.port)/ws", loop: loop,
                onStateChange: { state in states.withLock { $0.append(state) } })
        }
        for client in clients { client.connect() }
        for client in clients { #expect(client.waitForOpen(timeout: 15)) }
        loop.shutdown()
        for client in clients {
            #expect(client.currentState == .closed(code: 1001, reason: "client shutting down"))
        }
        #expect(eventually { delegate.records.withLock { r in r.closed.allSatisfy { $0.1 == 1001 } && r.closed.count == 3 } })
        #expect(states.withLock { $0.filter { $0 == .open }.count } == 3)
        let late = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws", loop: loop)
        late.connect()
        if case .failed = late.currentState {} else { Issue.record("connect on a stopped loop should fail") }
    }

    @Test func portInUseFailsToStart() throws {
        let first = try startServer(delegate: TestDelegate())
        defer { stopServer(first) }
        let delegate = TestDelegate()
        let second = WebSocketServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: first.port), delegate: delegate,
            logger: testLogger)
        #expect(throws: TransportError.self) { try second.start() }
    }
}

/// A minimal detached thread for tests.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        pthread_create(&thread, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box)
        pthread_detach(thread)
    }
}

@Suite(.serialized)
struct LifecycleTests {
    @Test func runBlocksTheCallingThreadUntilStopped() throws {
        let delegate = TestDelegate(echo: true)
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        let server = WebSocketServer(configuration: configuration, delegate: delegate, logger: testLogger)
        let returned = Atomic<Bool>(false)
        Thread.detach {
            do { try server.run() } catch { Issue.record("run failed: \(error)") }
            returned.store(true, ordering: .releasing)
        }
        #expect(eventually { server.port != 0 })
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws")
        client.connect()
        #expect(client.waitForOpen(timeout: 15))
        client.send("ping")
        #expect(client.receive(timeout: 15) == "ping")
        let stillRunning = !returned.load(ordering: .acquiring)
        #expect(stillRunning)
        server.stop()
        server.wait()
        #expect(eventually { returned.load(ordering: .acquiring) })
        #expect(client.waitForClose(timeout: 15) == .closed(code: 1001, reason: "server stopping"))
    }

    @Test func stopReturnsEvenIfAPeerNeverAnswersTheClose() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate) { $0.stopGracePeriodMilliseconds = 300 }
        let mute = try RawSocket(port: server.port, receiveBuffer: 4096)
        #expect(mute.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        #expect(eventually { delegate.openedCount == 1 })
        server.stop()
        server.wait()  // bounded by the grace period, whatever the peer does
        #expect(delegate.closedCount == 1)
        #expect(mute.readUntilClose() == 1001)  // the close frame did go out
    }

    @Test func closingBeforeTheConnectionOpens() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }

        let never = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws", loop: loop)
        never.close()  // before connect: final at once
        #expect(never.currentState == .closed(code: 1000, reason: ""))
        never.connect()
        #expect(never.currentState == .closed(code: 1000, reason: ""))

        let early = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws", loop: loop)
        early.connect()
        early.close()  // races the handshake: either way it ends
        #expect(early.waitForClose(timeout: 15) != nil)

        let queued = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws", loop: loop)
        #expect(queued.send("sent before connect"))
        queued.connect()
        #expect(eventually { delegate.records.withLock { $0.received.contains { $0.1 == "sent before connect" } } })
    }
}
