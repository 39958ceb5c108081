import AtelierClient
import AtelierServer
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Directory of the static-file fixtures.
let fixtureWebRoot: String = {
    var path = #filePath
    while let last = path.last, last != "/" { path.removeLast() }
    return path + "Fixtures/web"
}()

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
    /// Messages to echo at the end of the turn (group-commit style).
    private var echoAtTurnEnd: [(ConnectionID, String)] = []
    var echo = false

    init(echo: Bool = false) { self.echo = echo }

    func server(_ server: WebSocketServer, didOpen connection: ConnectionInfo) {
        records.withLock { $0.opened.append(connection) }
    }

    func server(_ server: WebSocketServer, didReceive message: UnsafeRawBufferPointer, from connection: ConnectionID) {
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

    var openedCount: Int { records.withLock { $0.opened.count } }
    var closedCount: Int { records.withLock { $0.closed.count } }
    func closeCode(of id: ConnectionID) -> UInt16?? {
        records.withLock { r in r.closed.first { $0.0 == id }.map { $0.1 } }
    }
}

func startServer(
    delegate: TestDelegate, _ configure: (inout ServerConfiguration) -> Void = { _ in }
) throws -> WebSocketServer {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, webRoot: fixtureWebRoot)
    configure(&configuration)
    let server = WebSocketServer(configuration: configuration, delegate: delegate, logger: testLogger)
    try server.start()
    return server
}

func stopServer(_ server: WebSocketServer) {
    server.stop()
    server.wait()
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

// MARK: - Raw sockets (HTTP checks and hand-made websocket frames)

final class RawSocket {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket") }
        if let receiveBuffer {
            var size = Int32(receiveBuffer)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw RawSocketError.failed("connect")
        }
    }

    deinit { Glibc.close(fd) }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    /// Reads exactly `count` bytes, or nil on EOF/timeout.
    func read(count: Int) -> [UInt8]? {
        while pending.count < count {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            pending.append(contentsOf: buffer[0..<n])
        }
        let result = Array(pending[0..<count])
        pending.removeFirst(count)
        return result
    }

    /// Reads up to and including `delimiter`.
    func read(until delimiter: [UInt8]) -> [UInt8]? {
        while true {
            if let range = find(delimiter) {
                let result = Array(pending[0..<range])
                pending.removeFirst(range)
                return result
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            pending.append(contentsOf: buffer[0..<n])
        }
    }

    private func find(_ delimiter: [UInt8]) -> Int? {
        guard pending.count >= delimiter.count else { return nil }
        for i in 0...(pending.count - delimiter.count) where pending[i..<(i + delimiter.count)].elementsEqual(delimiter) {
            return i + delimiter.count
        }
        return nil
    }

    // MARK: Websocket by hand

    /// Sends an upgrade request; returns the response status line and headers.
    func webSocketHandshake(path: String = "/ws", subprotocol: String? = "atelier.v1") -> String? {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        request += "\r\n"
        write(request)
        return read(until: Array("\r\n\r\n".utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Sends one masked frame (clients must mask).
    func sendFrame(opcode: UInt8, fin: Bool, payload: [UInt8]) {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count < 65536 {
            frame.append(0x80 | 126)
            frame.append(UInt8(payload.count >> 8))
            frame.append(UInt8(payload.count & 0xff))
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xff)) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame.append(contentsOf: mask)
        for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i & 3]) }
        write(frame)
    }

    /// Reads one (unmasked, server) frame.
    func readFrame() -> (opcode: UInt8, fin: Bool, payload: [UInt8])? {
        guard let header = read(count: 2) else { return nil }
        var length = Int(header[1] & 0x7f)
        if length == 126 {
            guard let ext = read(count: 2) else { return nil }
            length = Int(ext[0]) << 8 | Int(ext[1])
        } else if length == 127 {
            guard let ext = read(count: 8) else { return nil }
            length = ext.reduce(0) { $0 << 8 | Int($1) }
        }
        guard let payload = read(count: length) else { return nil }
        return (header[0] & 0x0f, header[0] & 0x80 != 0, payload)
    }

    /// Reads frames until a close frame; returns its code (nil if the socket ended first).
    func readUntilClose() -> UInt16? {
        while let frame = readFrame() {
            if frame.opcode == 0x8 {
                return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
            }
        }
        return nil
    }
}

enum RawSocketError: Error { case failed(String) }

struct RawHTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// One HTTP/1.1 request on a fresh connection.
func httpRequest(
    port: Int, method: String = "GET", path: String, headers: [String] = []
) throws -> RawHTTPResponse {
    let socket = try RawSocket(port: port)
    let extra = headers.map { $0 + "\r\n" }.joined()
    socket.write("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)Connection: close\r\n\r\n")
    guard let head = socket.read(until: Array("\r\n\r\n".utf8)) else { throw RawSocketError.failed("no response") }
    let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n")
    guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
        let status = Int(statusLine.split(separator: " ")[1])
    else { throw RawSocketError.failed("bad status line") }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: " ")
    }
    var body: [UInt8] = []
    if method != "HEAD", status != 304, let length = headers["content-length"].flatMap({ Int($0) }), length > 0 {
        body = socket.read(count: length) ?? []
    }
    return RawHTTPResponse(status: status, headers: headers, body: body)
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
