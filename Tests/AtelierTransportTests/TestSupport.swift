@testable import AtelierLWS
import AtelierTestSupport
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Directory of the fixtures, with a trailing slash.
let fixtureDirectory: String = {
    var path = #filePath
    while let last = path.last, last != "/" { path.removeLast() }
    return path + "Fixtures/"
}()

/// Directory of the static-file fixtures.
let fixtureWebRoot = fixtureDirectory + "web"

let testLogger: Logger = {
    var logger = Logger(label: "atelier.transport.tests")
    logger.logLevel = .notice
    return logger
}()

/// Polls `condition` until it holds or `timeout` seconds pass. Only a guard
/// against hanging: tests never assert on how long things take.
func eventually(timeout: Double = 15, _ condition: () -> Bool) -> Bool {
    let deadline = now() + timeout
    while now() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// A delegate whose behaviour is given by closures; it records what happens.
/// Its callbacks run on the service thread; tests read the records through the lock.
final class TestDelegate: WebSocketServerDelegate, @unchecked Sendable {
    struct Records {
        var opened: [ConnectionInfo] = []
        var received: [(ConnectionID, String)] = []
        var closed: [(ConnectionID, UInt16?)] = []
        var turns = 0
        var receivedOnServiceThread = true
    }

    let records = Mutex(Records())
    /// Called on the service thread for each message.
    var onMessage: ((WebSocketServer, ConnectionID, String) -> Void)?
    var onHTTP: ((HTTPRequest) -> HTTPResponse?)?
    /// Called on the service thread at the end of every turn, as the session hub commits.
    var onTurnEnd: ((WebSocketServer) -> Void)?
    /// Called on the service thread when a connection that asked is drained.
    var onDrained: ((WebSocketServer, ConnectionID) -> Void)?
    /// Messages to echo at the end of the turn (group-commit style).
    private var echoAtTurnEnd: [(ConnectionID, String)] = []
    var echo = false

    init(echo: Bool = false) { self.echo = echo }

    func server(_ server: WebSocketServer, didOpen connection: ConnectionInfo) {
        records.withLock { $0.opened.append(connection) }
    }

    func server(_ server: WebSocketServer, didReceive message: [UInt8], from connection: ConnectionID) {
        let text = String(decoding: message, as: UTF8.self)
        let onThread = server.isOnServiceThread
        records.withLock {
            $0.received.append((connection, text))
            if !onThread { $0.receivedOnServiceThread = false }
        }
        if echo { echoAtTurnEnd.append((connection, text)) }
        onMessage?(server, connection, text)
    }

    func server(_ server: WebSocketServer, didClose connection: ConnectionID, code: UInt16?) {
        records.withLock { $0.closed.append((connection, code)) }
    }

    func serviceTurnEnded(_ server: WebSocketServer) {
        records.withLock { $0.turns += 1 }
        onTurnEnd?(server)
        guard !echoAtTurnEnd.isEmpty else { return }
        for (id, text) in echoAtTurnEnd { server.send(OutboundFrame(text: text), to: id) }
        echoAtTurnEnd.removeAll()
    }

    func server(_ server: WebSocketServer, respondTo request: HTTPRequest) -> HTTPResponse? {
        onHTTP?(request)
    }

    func server(_ server: WebSocketServer, drained connection: ConnectionID) {
        onDrained?(server, connection)
    }

    var openedCount: Int { records.withLock { $0.opened.count } }
    var closedCount: Int { records.withLock { $0.closed.count } }
    func closeCode(of id: ConnectionID) -> UInt16?? {
        records.withLock { r in r.closed.first { $0.0 == id }.map { $0.1 } }
    }
}

/// The envelope the tests' servers put around groupable frames waiting together: any protocol's
/// will do, the transport knows none.
let testGrouping = FrameGrouping(prefix: "[", separator: ",", suffix: "]")

func startServer(
    delegate: TestDelegate, _ configure: (inout ServerConfiguration) -> Void = { _ in }
) throws -> WebSocketServer {
    var configuration = ServerConfiguration(
        host: "127.0.0.1", port: 0, webRoot: fixtureWebRoot, grouping: testGrouping)
    configure(&configuration)
    let server = WebSocketServer(configuration: configuration, delegate: delegate, logger: testLogger)
    try server.start()
    return server
}

func stopServer(_ server: WebSocketServer) {
    server.stop()
    server.wait()
}

/// `count` clients of `server` on `loop`, each open and known to `delegate`.
func openClients(_ count: Int, to server: WebSocketServer, delegate: TestDelegate, loop: ClientLoop) throws -> [WebSocketClient] {
    let before = delegate.openedCount
    let clients = try (0..<count).map { _ in try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws", loop: loop) }
    for client in clients { client.connect() }
    for client in clients { #expect(client.waitForOpen(timeout: 15)) }
    #expect(eventually { delegate.openedCount == before + count })
    return clients
}

/// A collection of received messages (thread safe), for `onMessage` handlers.
final class MessageLog: Sendable {
    let messages = Mutex<[String]>([])
    var count: Int { messages.withLock { $0.count } }
    func append(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        messages.withLock { $0.append(text) }
    }
}

extension WebSocketServer {
    /// Frames waiting on a connection (service thread), nil if unknown.
    func queuedFrameCount(_ id: ConnectionID) -> Int? {
        connections[id]?.queue.count
    }
}
