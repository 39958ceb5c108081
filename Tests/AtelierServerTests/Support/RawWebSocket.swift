import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A websocket client written by hand on a plain TCP socket, for peers no real client would
/// be: one that sends and never reads. Frames are masked text frames (RFC 6455 §5.2).
final class RawWebSocket {
    private let fd: Int32

    /// Connects to `127.0.0.1:port` with a small receive buffer and upgrades; after the 101,
    /// nothing the server sends is read.
    init(port: Int, path: String = "/ws", receiveBuffer: Int32 = 4096) throws {
        fd = try connectedSocket(port: port, receiveBuffer: receiveBuffer)
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: atelier.v1\r\n\r\n"
        guard send(Array(request.utf8)) else { throw RawError.system("send", errno) }
        // Read the 101 (and nothing after it) before sending frames, as a client must.
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw RawError.system("recv", errno) }
            head.append(byte)
        }
        guard head.starts(with: Array("HTTP/1.1 101".utf8)) else { throw RawError.refused(String(decoding: head, as: UTF8.self)) }
    }

    enum RawError: Error { case system(String, Int32), refused(String) }

    /// Sends one masked text frame; false once the server has closed the connection.
    @discardableResult
    func sendText(_ text: String) -> Bool {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return send(frame)
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    deinit { Glibc.close(fd) }
}

/// A TCP socket connected to `127.0.0.1:port`, with `receiveBuffer` bytes of receive buffer
/// when given (set before connecting, so the window is small from the start).
private func connectedSocket(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RawWebSocket.RawError.system("socket", errno) }
    if var size = receiveBuffer {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        let error = errno
        Glibc.close(fd)
        throw RawWebSocket.RawError.system("connect", error)
    }
    return fd
}

/// This process's resident memory in KiB (`VmRSS` of /proc/self/status).
func residentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
}

/// `GET path` on `127.0.0.1:port` over HTTP/1.1 with `Connection: close`; the whole response.
func httpGet(port: Int, path: String) throws -> String {
    let fd = try connectedSocket(port: port)
    defer { Glibc.close(fd) }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        response += buffer[..<count]
        // Without a close from the server, stop once the announced body is in.
        let text = String(decoding: response, as: UTF8.self)
        if let head = text.range(of: "\r\n\r\n"),
           let length = text[..<head.lowerBound].lowercased().split(separator: "\r\n")
               .first(where: { $0.hasPrefix("content-length:") })
               .flatMap({ Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }),
           response.count - text[..<head.upperBound].utf8.count >= length {
            break
        }
    }
    return String(decoding: response, as: UTF8.self)
}

extension Array where Element: Equatable {
    /// Whether the array's last elements are `suffix`.
    func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
