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

    // MARK: Versioned URLs

    /// Files a page loads are linked as `/v/<version>/<path>`, `version` a hash of the whole web
    /// root's content: such a URL always names the same bytes, so browsers may keep it a year
    /// without asking again. A prefix rather than a query keeps ES module imports (`./dom.js`)
    /// and the catalogs fetched beside them in the same version, with no rewriting of scripts.
    static let versionPrefix = "/v/"

    /// The version a request path names and the path without it (`/v/abc/js/app.js` → `abc`, `/js/app.js`).
    static func splitVersion(_ uriPath: String) -> (version: String?, path: String) {
        guard uriPath.hasPrefix(versionPrefix) else { return (nil, uriPath) }
        let rest = uriPath.dropFirst(versionPrefix.count)
        guard let slash = rest.firstIndex(of: "/"), slash > rest.startIndex else { return (nil, uriPath) }
        return (String(rest[..<slash]), String(rest[slash...]))
    }

    /// Every published file under the root, with its size and modification time, sorted by path:
    /// the cheap signature that says when the content version must be computed again.
    func listing() -> [(path: String, size: Int, modified: Int)] {
        var found: [(path: String, size: Int, modified: Int)] = []
        var pending = [""]
        while let directory = pending.popLast() {
            guard let handle = opendir(root + "/" + directory) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name.hasPrefix(".") { continue }
                let relative = directory.isEmpty ? name : directory + "/" + name
                var info = stat()
                guard stat(root + "/" + relative, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    pending.append(relative)
                } else if (info.st_mode & S_IFMT) == S_IFREG {
                    found.append((relative, Int(info.st_size),
                                  Int(info.st_mtim.tv_sec) &* 1000 &+ Int(info.st_mtim.tv_nsec) / 1_000_000))
                }
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The content version of the files in `listing`: the first 12 hex digits of a SHA-256 over
    /// their paths and contents.
    func contentVersion(of listing: [(path: String, size: Int, modified: Int)]) -> String {
        var summary: [UInt8] = []
        for file in listing {
            summary += Array(file.path.utf8) + [0]
            summary += Array(SHA256.hexDigest(StaticFiles.read(root + "/" + file.path)?.bytes ?? []).utf8)
        }
        return String(SHA256.hexDigest(summary).prefix(12))
    }

    /// The page with the files it links (`src="/js/app.js"`, `href="/css/atelier.css"`) under
    /// `/v/<version>/`. Pages and the service worker keep their plain address.
    static func versioningLinks(in page: [UInt8], version: String) -> [UInt8] {
        let html = String(decoding: page, as: UTF8.self)
        let linked = html.replacing(#/(src|href)="\/(?!sw\.js")([\w\/.-]+\.(?:js|css|json|svg))"/#) { match in
            "\(match.1)=\"\(versionPrefix)\(version)/\(match.2)\""
        }
        return Array(linked.utf8)
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

    /// Text is worth compressing; the image formats other than SVG are compressed already.
    static func isCompressible(_ contentType: String) -> Bool {
        contentType.hasPrefix("text/") || contentType.hasPrefix("image/svg+xml")
            || contentType.hasPrefix("application/json") || contentType.hasPrefix("application/manifest+json")
    }

    /// Whether an Accept-Encoding value (RFC 9110 §12.5.3) lets gzip through: listed, or `*`,
    /// and not weighted `q=0`.
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var wildcard = false
        for entry in acceptEncoding.lowercased().split(separator: ",") {
            let parts = entry.split(separator: ";").map { String($0.filter { $0 != " " && $0 != "\t" }) }
            let refused = parts.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
            if parts.first == "gzip" || parts.first == "x-gzip" { return !refused }
            if parts.first == "*" { wildcard = !refused }
        }
        return wildcard
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
