import AtelierLWS
import AtelierTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Long answers paced by the reader, and what a stop does with answers already decided.
@Suite(.serialized)
struct PacingTests {
    /// A 3 MB answer goes out 32 KB at a time, each part queued once the previous one is written:
    /// the client gets it all, in order, and the queue never holds more than one part.
    @Test func aLongAnswerGoesOutAPartEachTimeThePreviousIsWritten() throws {
        let delegate = TestDelegate()
        let parts = 100
        let sent = Mutex(0)
        let deepest = Mutex(0)
        func next(_ server: WebSocketServer, _ id: ConnectionID) {
            let index = sent.withLock { count -> Int in count += 1; return count }
            guard index <= parts else { return }
            server.send(OutboundFrame(text: "part \(index) " + String(repeating: "x", count: 32_000)), to: id)
            let queued = server.queuedFrameCount(id) ?? 0
            deepest.withLock { $0 = max($0, queued) }
            server.notifyWhenDrained(id)
        }
        delegate.onMessage = { server, id, _ in next(server, id) }
        delegate.onDrained = { server, id in next(server, id) }
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let client = try #require(try openClients(1, to: server, delegate: delegate, loop: loop).first)

        #expect(client.send("everything, please"))
        for index in 1...parts {
            let text = try #require(client.receive(timeout: 15))
            #expect(text.hasPrefix("part \(index) "))
        }
        #expect(deepest.withLock { $0 } == 1)
        #expect(server.statistics.slowConsumerDrops == 0)
    }

    /// A client that stops reading in the middle of a long answer is dropped as a slow consumer,
    /// though its queue never passes the outbound limit.
    @Test func aReaderThatLeavesAPartUnreadIsDroppedAsASlowConsumer() throws {
        let delegate = TestDelegate()
        let part = OutboundFrame(text: String(repeating: "y", count: 32_000))
        delegate.onMessage = { server, id, _ in
            server.send(part, to: id)
            server.notifyWhenDrained(id)
        }
        delegate.onDrained = { server, id in
            server.send(part, to: id)
            server.notifyWhenDrained(id)
        }
        let server = try startServer(delegate: delegate) { $0.stalledReaderMilliseconds = 300 }
        defer { stopServer(server) }

        let reader = try RawSocket(port: server.port, receiveBuffer: 4096)
        #expect(reader.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        reader.sendText("everything, please")
        #expect(eventually { server.statistics.slowConsumerDrops == 1 })
        #expect(eventually { server.statistics.connectionsOpen == 0 })
    }

    /// What the turn in which a stop arrives decided is answered before the close frame: the
    /// hub acknowledges a turn's commands at its end, and a stop must not cut those acks.
    @Test func whatTheTurnOfAStopAnswersIsSentBeforeItsCloseFrame() throws {
        let delegate = TestDelegate(echo: true)
        delegate.onMessage = { server, _, _ in server.stop() }
        let server = try startServer(delegate: delegate)
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let client = try #require(try openClients(1, to: server, delegate: delegate, loop: loop).first)

        #expect(client.send("last words"))
        #expect(client.receive(timeout: 15) == "last words")
        #expect(client.waitForClose(timeout: 15) == .closed(code: 1001, reason: "server stopping"))
        server.wait()
    }

    /// Broadcasts 32 KB frames a few at a time until the first connection's queue is seen holding
    /// more than `frames` (what the socket took is not in it); returns how many were sent.
    static func fillPastTheLimit(_ server: WebSocketServer, _ delegate: TestDelegate, frames: Int) throws -> Int {
        let id = try #require(delegate.records.withLock { $0.opened.first?.id })
        let payload = OutboundFrame(text: String(repeating: "z", count: 32 * 1024))
        func queued() -> Int {
            let count = Mutex<Int?>(nil)
            server.post { count.withLock { $0 = server.queuedFrameCount(id) ?? 0 } }
            _ = eventually { count.withLock { $0 } != nil }
            return count.withLock { $0 } ?? 0
        }
        var sent = 0
        var seen = queued()
        while sent < 4_000 && seen <= frames {
            server.post { for _ in 0..<4 { server.broadcast(payload) } }
            sent += 4
            seen = queued()
        }
        // The socket may take more meanwhile: what counts is that the queue was seen past the limit.
        #expect(seen > frames)
        return sent
    }

    /// A reader that stops a moment while its queue passes the outbound limit (a phone on venue
    /// wifi as a hall joins) keeps its place if it reads again within the grace, and gets it all.
    @Test func aReaderPastTheLimitForAMomentIsKeptAndGetsEverything() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate) {
            $0.outboundQueueLimit = OutboundQueueLimit(maxFrames: 16, maxBytes: 1 << 20, graceMilliseconds: 5_000)
        }
        defer { stopServer(server) }
        let loop = try ClientLoop()
        defer { loop.shutdown() }
        let client = try openClients(1, to: server, delegate: delegate, loop: loop)[0]
        client.pauseReading()
        #expect(client.send("paused"))
        #expect(eventually { delegate.records.withLock { $0.received.count } == 1 })

        let sent = try Self.fillPastTheLimit(server, delegate, frames: 16)
        client.resumeReading()
        var received = 0
        #expect(eventually {
            while client.receive(timeout: 0.01) != nil { received += 1 }
            return received == sent
        })
        #expect(server.statistics.slowConsumerDrops == 0)
        #expect(client.currentState == .open)
    }

    /// Past the limit for longer than the grace, a reader that has stopped is dropped though its
    /// queue is under the hard limit.
    @Test func aReaderPastTheLimitLongerThanTheGraceIsDropped() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate) {
            $0.outboundQueueLimit = OutboundQueueLimit(
                maxFrames: 16, maxBytes: 64 << 20, graceMilliseconds: 300, hardMaxFrames: 100_000, hardMaxBytes: 1 << 40)
        }
        defer { stopServer(server) }
        let stalled = try RawSocket(port: server.port, receiveBuffer: 4096)
        #expect(stalled.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        #expect(eventually { delegate.openedCount == 1 })

        // Frames keep coming; once the socket's buffers are full, the queue stays past 16.
        let payload = OutboundFrame(text: String(repeating: "z", count: 32 * 1024))
        var sent = 0
        while server.statistics.slowConsumerDrops == 0 && sent < 20_000 {
            server.post { for _ in 0..<4 { server.broadcast(payload) } }
            sent += 4
            usleep(5_000)
        }
        #expect(server.statistics.slowConsumerDrops == 1)
        #expect(eventually { server.statistics.connectionsOpen == 0 })
    }
}
