import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `atelier serve` started for the bench on a temporary database, so its CPU time and
/// resident memory are the server's alone.
public final class ServerProcess: ServingProcess {
    public let process: Process
    public let port: Int
    public let code: String
    public let moderatorKey: String
    public let database: String

    /// Starts `binary serve` on 127.0.0.1 with a free port and waits for its banner.
    public init(binary: String, workshop: String, database: String, extraArguments: [String] = [], log: String) throws {
        let (process, text) = try Self.launch(binary, [
            "serve", "--host", "127.0.0.1", "--port", "0", "--db", database, "--workshop", workshop,
            "--new-session", "--log-level", "warning", "--web", "/nonexistent-web-root",
        ] + extraArguments, log: log)
        func capture(_ pattern: String) -> String? {
            guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
            return String(text[range])
        }
        guard let port = Self.port(in: text),
              let codeText = capture(#"code=[A-Z0-9]+"#), let keyText = capture(#"Moderator key: [A-Z0-9-]+"#)
        else { throw BenchError("could not read the server's banner:\n\(text)") }
        self.process = process
        self.port = port
        self.code = String(codeText.dropFirst("code=".count))
        self.moderatorKey = String(keyText.dropFirst("Moderator key: ".count))
        self.database = database
    }

    /// Runs `binary arguments`, its standard error to `log`, and returns once its standard output
    /// has printed a banner ending in "Stop with Ctrl-C.", with that banner.
    static func launch(_ binary: String, _ arguments: [String], log: String) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: log, contents: nil)
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
        return (process, text)
    }

    /// The loopback port a banner names.
    static func port(in banner: String) -> Int? {
        guard let range = banner.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return nil }
        return banner[range].split(separator: ":").last.flatMap { Int($0) }
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
