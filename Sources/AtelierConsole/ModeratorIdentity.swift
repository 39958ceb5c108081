import AtelierClient
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The moderator's reconnect token kept between runs of the console (one small file per server
/// and session, readable by its owner only), so running it again comes back as the same
/// moderator instead of joining anew.
public struct ModeratorIdentity: Sendable, Hashable {
    /// The file.
    public var path: String

    /// The file for `code` on the server at `url`, in `folder`.
    public init(folder: String, url: String, code: String) {
        let authority = SessionConnection.websocketURL(url).split(separator: "/").dropFirst().first ?? ""
        let name = "\(code.uppercased())@\(authority)".map { $0.isLetter || $0.isNumber || "@.-".contains($0) ? $0 : "_" }
        path = folder + "/" + String(name)
    }

    /// The token saved by an earlier run, if any.
    public func load() -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = buffer.prefix { $0 != 0 && $0 != 10 && $0 != 13 }.map { UInt8(bitPattern: $0) }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }

    /// Keeps `token` for the next run; a failure only means the next run joins anew.
    public func save(_ token: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = writeAll(fd, Array((token + "\n").utf8))
    }
}
