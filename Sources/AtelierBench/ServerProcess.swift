import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `atelier serve` started for the bench on a temporary database, so its CPU time and
/// resident memory are the server's alone.
public final class ServerProcess {
    public let process: Process
    public let port: Int
    public let code: String
    public let moderatorKey: String
    public let database: String

    /// Starts `binary serve` on 127.0.0.1 with a free port and waits for its banner.
    public init(binary: String, workshop: String, database: String, extraArguments: [String] = [], log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--host", "127.0.0.1", "--port", "0", "--db", database, "--workshop", workshop,
            "--new-session", "--log-level", "warning", "--web", "/nonexistent-web-root",
        ] + extraArguments
        let output = Pipe()
        process.standardOutput = output
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        var text = ""
        let reader = output.fileHandleForReading
        while !text.contains("Stop with Ctrl-C.") {
            let chunk = reader.availableData
            guard !chunk.isEmpty else {
                throw BenchError("atelier serve exited before its banner; see \(log)")
            }
            text += String(decoding: chunk, as: UTF8.self)
        }
        func capture(_ pattern: String) -> String? {
            guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
            return String(text[range])
        }
        guard let portText = capture(#"127\.0\.0\.1:[0-9]+"#)?.split(separator: ":").last, let port = Int(portText),
              let codeText = capture(#"code=[A-Z0-9]+"#), let keyText = capture(#"Moderator key: [A-Z0-9-]+"#)
        else { throw BenchError("could not read the server's banner:\n\(text)") }
        self.process = process
        self.port = port
        self.code = String(codeText.dropFirst("code=".count))
        self.moderatorKey = String(keyText.dropFirst("Moderator key: ".count))
        self.database = database
    }

    public var pid: Int32 { process.processIdentifier }

    /// User + system CPU seconds the server has used so far (/proc/PID/stat).
    public func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory now and at its peak, in KiB (/proc/PID/status VmRSS and VmHWM).
    public func residentKiB() -> (now: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }

    /// The server's `/metrics` samples by name (labels kept in the name).
    public func metrics() -> [String: Double] {
        guard let text = HTTPGet.fetch(port: port, path: "/metrics") else { return [:] }
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }

    /// Stops the server with SIGTERM (its last events are stored before it exits) and waits.
    public func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        process.waitUntilExit()
    }
}

/// A tiny blocking HTTP/1.0 GET on loopback, for `/metrics`.
enum HTTPGet {
    static func fetch(port: Int, path: String) -> String? {
        guard let socket = LeanSocket.connectRaw(port: port) else { return nil }
        defer { close(socket) }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ write(socket, $0.baseAddress, $0.count) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let body = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[body.upperBound...])
    }
}

/// A failure of the bench itself (not a measurement).
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
