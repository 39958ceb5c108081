#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to `127.0.0.1` written by hand, for what no real client would do: HTTP
/// checks, hand-made websocket frames, a peer that sends and never reads.
public final class RawSocket {
    public let fd: Int32
    private var pending: [UInt8] = []

    /// - Parameter source: a loopback address to connect from (`127.0.0.2`…), as another machine would.
    public init(port: Int, receiveBuffer: Int? = nil, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                Glibc.close(fd)
                throw RawSocketError.failed("bind")
            }
        }
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

    /// Sends all of `bytes`; false once the peer has closed the connection.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Reads exactly `count` bytes, or nil on EOF/timeout.
    public func read(count: Int) -> [UInt8]? {
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
    public func read(until delimiter: [UInt8]) -> [UInt8]? {
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

    /// Sends an upgrade request, with `headers` (`Name: value`) among its own; returns the response
    /// status line and headers.
    public func webSocketHandshake(
        path: String = "/ws", subprotocol: String? = "atelier.v1", headers: [String] = []
    ) -> String? {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        request += headers.map { $0 + "\r\n" }.joined()
        request += "\r\n"
        write(request)
        return read(until: Array("\r\n\r\n".utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Sends one masked frame (clients must mask).
    @discardableResult
    public func sendFrame(opcode: UInt8, fin: Bool, payload: [UInt8]) -> Bool {
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
        return write(frame)
    }

    /// Sends one masked text frame; false once the server has closed the connection.
    @discardableResult
    public func sendText(_ text: String) -> Bool {
        sendFrame(opcode: 0x1, fin: true, payload: Array(text.utf8))
    }

    /// Reads one (unmasked, server) frame.
    public func readFrame() -> (opcode: UInt8, fin: Bool, payload: [UInt8])? {
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
    public func readUntilClose() -> UInt16? {
        while let frame = readFrame() {
            if frame.opcode == 0x8 {
                return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
            }
        }
        return nil
    }
}

public enum RawSocketError: Error { case failed(String) }

public struct RawHTTPResponse {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// One HTTP/1.1 request on a fresh connection.
public func httpRequest(
    port: Int, method: String = "GET", path: String, headers: [String] = []
) throws -> RawHTTPResponse {
    let socket = try RawSocket(port: port)
    let extra = headers.map { $0 + "\r\n" }.joined()
    socket.write("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)Connection: close\r\n\r\n")
    guard let response = try socket.readResponse(method: method) else { throw RawSocketError.failed("no response") }
    return response
}

extension RawSocket {
    /// Reads one HTTP response (head, then a body of its Content-Length); nil once the connection has ended.
    public func readResponse(method: String = "GET") throws -> RawHTTPResponse? {
        guard let head = read(until: Array("\r\n\r\n".utf8)) else { return nil }
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
            body = read(count: length) ?? []
        }
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

/// This process's resident memory in KiB (`VmRSS` of /proc/self/status).
public func residentKilobytes() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(cString: line)
        if text.hasPrefix("VmRSS:") {
            // "VmRSS:\t  123456 kB": the figure sits between tabs and spaces.
            return Int(text.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
        }
    }
    return 0
}
