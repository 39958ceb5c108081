import AtelierClient
import AtelierServer
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
}
