import AtelierClient
import AtelierProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saves a transcript the server sent over the websocket (`transcript` message).
public enum TranscriptFiles {
    /// The formats the server renders.
    public static let formats = ["md", "html", "csv", "json"]

    /// What was saved: the file (or the folder of CSV tables) and the bytes written.
    public struct Saved: Sendable, Hashable {
        public var path: String
        public var bytes: Int
    }

    /// Writes `files` under the names the server gives them, in the current folder; with
    /// `target`, a single file is written there and several (the CSV tables) into that folder.
    public static func save(_ files: [ServerMessage.TranscriptFile], to target: String?) throws(ConsoleError) -> Saved {
        guard !files.isEmpty else { throw ConsoleError("The server sent an empty transcript.") }
        var folder = "."
        if let target {
            if files.count == 1 && !isDirectory(target) {
                return Saved(path: target, bytes: try write(files[0].text, to: target))
            }
            if !isDirectory(target) && mkdir(target, 0o755) != 0 {
                throw ConsoleError("Cannot create the folder \(target): \(String(cString: strerror(errno))).")
            }
            folder = target
        }
        var bytes = 0
        for file in files {
            let name = String(file.name.split(separator: "/").last ?? "")
            guard !name.isEmpty, !name.hasPrefix(".") else { throw ConsoleError("The server sent an unsafe file name.") }
            bytes += try write(file.text, to: folder == "." ? name : folder + "/" + name)
        }
        let path = target ?? (files.count == 1 ? files[0].name : ".")
        return Saved(path: path, bytes: bytes)
    }

    /// Why a transcript was not saved, in plain words, and the way that needs no connection:
    /// `atelier export` reads the database on the server's machine.
    public static func notSaved(_ reason: String, code: String?) -> String {
        let reason = reason.hasSuffix(".") ? reason : reason + "."
        return "The transcript was not saved: \(reason) On the server's machine, "
            + "\"atelier export \(code ?? "CODE")\" writes it from the database."
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func write(_ text: String, to path: String) throws(ConsoleError) -> Int {
        guard let file = fopen(path, "wb") else { throw ConsoleError("Cannot write \(path): \(String(cString: strerror(errno))).") }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw ConsoleError("Could not write all of \(path).") }
        return written
    }
}
