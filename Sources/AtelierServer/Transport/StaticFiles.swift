#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps request paths to files under the web root, refusing anything that
/// could leave it. Pure and stateless apart from the canonical root; used on
/// the service thread.
struct StaticFiles {
    enum Resolution: Equatable {
        case file(path: String, contentType: String)
        case notFound
        case forbidden
    }

    /// Canonical (realpath) web root, without trailing slash.
    let root: String
    let routes: [String: String]

    init?(webRoot: String, routes: [String: String]) {
        guard let canonical = StaticFiles.realPath(webRoot), StaticFiles.isDirectory(canonical) else { return nil }
        root = canonical == "/" ? "" : canonical
        self.routes = routes
    }

    /// `uriPath` is the decoded request path (no query), as lws hands it over.
    func resolve(_ uriPath: String) -> Resolution {
        guard uriPath.hasPrefix("/") else { return .forbidden }
        if uriPath.utf8.contains(0) || uriPath.contains("\\") { return .forbidden }

        var relative: Substring
        if let mapped = routes[uriPath] {
            relative = Substring(mapped)
        } else if uriPath.hasSuffix("/") {
            relative = uriPath.dropFirst() + "index.html"
        } else {
            relative = uriPath.dropFirst()
        }

        var components: [Substring] = []
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            if component == ".." || component == "." { return .forbidden }
            // Dot files (.git, .env...) are never published.
            if component.hasPrefix(".") { return .notFound }
            components.append(component)
        }
        guard !components.isEmpty else { return .notFound }

        var candidate = root + "/" + components.joined(separator: "/")
        if StaticFiles.isDirectory(candidate) {
            // A directory is served only through its index.html: never listed.
            candidate += "/index.html"
        }
        guard StaticFiles.isRegularFile(candidate) else { return .notFound }
        // Symlinks must not lead out of the root either.
        guard let canonical = StaticFiles.realPath(candidate), canonical.hasPrefix(root + "/") else {
            return .forbidden
        }
        return .file(path: canonical, contentType: StaticFiles.contentType(forPath: canonical))
    }

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "json": "application/json",
        "map": "application/json",
        "webmanifest": "application/manifest+json",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/x-icon",
        "woff2": "font/woff2",
        "woff": "font/woff",
        "txt": "text/plain; charset=utf-8",
    ]

    static func contentType(forPath path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        let ext = name[name.index(after: dot)...].lowercased()
        return contentTypes[ext] ?? "application/octet-stream"
    }

    /// Largest file served (web assets, not downloads).
    static let maxFileBytes = 64 << 20

    /// Reads a whole regular file, with its size and modification time.
    static func read(_ path: String) -> (bytes: [UInt8], size: Int, modified: Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= maxFileBytes else {
            return nil
        }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, size - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        guard offset == size else { return nil }
        return (bytes, size, Int(info.st_mtim.tv_sec) &* 1000 &+ Int(info.st_mtim.tv_nsec) / 1_000_000)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
