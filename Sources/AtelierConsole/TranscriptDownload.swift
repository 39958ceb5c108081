import AtelierClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fetches a session's transcript from the server it is running on (`GET /export`, authenticated
/// with the moderator key as a bearer token) and saves it to a file.
///
/// A small HTTP/1.1 client over a plain socket, enough for the server's `Content-Length` answers;
/// `wss://` servers are behind TLS, which it does not speak (use `atelier export` on the server).
public struct TranscriptDownload: Sendable {
    /// The formats the server renders.
    public static let formats = ["md", "html", "csv", "json"]

    /// The server's websocket or http address.
    public var url: String
    /// The session's join code.
    public var code: String
    /// The moderator key.
    public var key: String

    /// A download from the server at `url`.
    public init(url: String, code: String, key: String) {
        self.url = url; self.code = code; self.key = key
    }

    /// What was saved.
    public struct Saved: Sendable, Hashable {
        public var path: String
        public var bytes: Int
    }

    /// Downloads `format` and writes it to `path`, or to the file name the server suggests.
    public func save(format: String, to path: String?, timeout: Double = 10) throws(ConsoleError) -> Saved {
        let websocket = SessionConnection.websocketURL(url)
        guard websocket.hasPrefix("ws://") else {
            throw ConsoleError("The console downloads transcripts over plain http only; run atelier export on the server.")
        }
        let authority = websocket.dropFirst(5).prefix { $0 != "/" && $0 != "?" }
        let (host, port) = Self.split(authority: String(authority))
        let answer = try get(host: host, port: port, path: "/export?code=\(code)&format=\(format)", timeout: timeout)
        guard answer.status == 200 else {
            let sentence = String(decoding: answer.body, as: UTF8.self).trimmingSpaces().replacingNewlines()
            throw ConsoleError("The server refused the transcript (HTTP \(answer.status)): \(sentence)")
        }
        let suggested = answer.headers["content-disposition"].flatMap(Self.fileName) ?? "transcript-\(code).\(format)"
        let target = path ?? suggested
        guard let file = fopen(target, "wb") else { throw ConsoleError("Cannot write \(target): \(String(cString: strerror(errno))).") }
        defer { fclose(file) }
        let written = answer.body.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == answer.body.count else { throw ConsoleError("Could not write all of \(target).") }
        return Saved(path: target, bytes: written)
    }

    // MARK: HTTP

    private struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    private func get(host: String, port: Int, path: String, timeout: Double) throws(ConsoleError) -> Answer {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw ConsoleError("Cannot find the server \(host).")
        }
        defer { freeaddrinfo(list) }
        var connected: Int32 = -1
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry, connected < 0 {
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if fd >= 0 {
                var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { connected = fd } else { close(fd) }
            }
            entry = address.pointee.ai_next
        }
        guard connected >= 0 else { throw ConsoleError("Cannot connect to \(host):\(port).") }
        defer { close(connected) }
        var request = Array(("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nAuthorization: Bearer \(key)\r\n"
                             + "Connection: close\r\n\r\n").utf8)
        guard send(connected, &request, request.count, 0) == request.count else { throw ConsoleError("Cannot send the request.") }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var expected: Int?
        var headerEnd: Int?
        while true {
            let count = recv(connected, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw ConsoleError("The server did not answer in time.") }
            if count == 0 { break }
            response.append(contentsOf: buffer[0..<count])
            if headerEnd == nil, let end = Self.headerEnd(response) {
                headerEnd = end
                let head = String(decoding: response[..<end], as: UTF8.self)
                expected = Self.headers(head)["content-length"].flatMap { Int($0) }
            }
            if let headerEnd, let expected, response.count - headerEnd - 4 >= expected { break }
            if response.count > 64 << 20 { throw ConsoleError("The transcript is too large.") }
        }
        guard let end = headerEnd ?? Self.headerEnd(response) else { throw ConsoleError("The server's answer is not HTTP.") }
        let head = String(decoding: response[..<end], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ConsoleError("The server's answer is not HTTP.") }
        var body = Array(response[(end + 4)...])
        if let expected, body.count > expected { body = Array(body.prefix(expected)) }
        return Answer(status: status, headers: Self.headers(head), body: body)
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func headers(_ head: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingSpaces()
        }
        return result
    }

    /// The file name in `attachment; filename="x.md"`, without any directory part.
    static func fileName(_ disposition: String) -> String? {
        guard let range = disposition.range(of: "filename=") else { return nil }
        var name = String(disposition[range.upperBound...])
        name.removeAll { $0 == "\"" || $0 == ";" }
        name = String(name.split(separator: "/").last ?? "")
        return name.isEmpty || name.hasPrefix(".") ? nil : name
    }

    static func split(authority: String) -> (String, Int) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 80 : 80)
        }
        if let colon = authority.lastIndex(of: ":") {
            return (String(authority[..<colon]), Int(authority[authority.index(after: colon)...]) ?? 80)
        }
        return (authority, 80)
    }
}

extension String {
    fileprivate func replacingNewlines() -> String { split(whereSeparator: \.isNewline).joined(separator: " ") }
}
