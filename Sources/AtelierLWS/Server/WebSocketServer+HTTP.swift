import CWebSockets

/// HTTP requests: the delegate's routes, then static files, with the security headers on every
/// response (service thread).
extension WebSocketServer {
    func httpRequest(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?) -> Int32 {
        counters.httpRequests.bump()
        let path = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/"
        let method = requestMethod(wsi)
        var headers: [String: String] = [:]
        for (name, token) in [
            ("host", WSI_TOKEN_HOST), ("origin", WSI_TOKEN_ORIGIN), ("authorization", WSI_TOKEN_HTTP_AUTHORIZATION),
            ("cookie", WSI_TOKEN_HTTP_COOKIE), ("user-agent", WSI_TOKEN_HTTP_USER_AGENT),
            ("accept", WSI_TOKEN_HTTP_ACCEPT), ("if-none-match", WSI_TOKEN_HTTP_IF_NONE_MATCH),
        ] {
            if let value = header(wsi, token) { headers[name] = value }
        }
        let request = HTTPRequest(
            method: method, path: path, query: queryItems(wsi), peerAddress: peerAddress(wsi), headers: headers)
        if let response = delegate?.server(self, respondTo: request) {
            return respond(wsi, response, headOnly: method == "HEAD", closeAfter: response.closesConnection)
        }
        guard method == "GET" || method == "HEAD" else {
            return respond(wsi, .text("method not allowed\n", status: 405), headOnly: false, closeAfter: true)
        }
        guard let staticFiles else {
            return respond(wsi, .text("not found\n", status: 404), headOnly: method == "HEAD", closeAfter: false)
        }
        let (askedVersion, plainPath) = StaticFiles.splitVersion(path)
        switch staticFiles.resolve(plainPath) {
        case .file(let filePath, let contentType):
            return serveFile(
                wsi, filePath, contentType: contentType, askedVersion: askedVersion, headOnly: method == "HEAD")
        case .notFound:
            return respond(wsi, .text("not found\n", status: 404), headOnly: method == "HEAD", closeAfter: false)
        case .forbidden:
            return respond(wsi, .text("forbidden\n", status: 403), headOnly: method == "HEAD", closeAfter: false)
        }
    }

    func requestMethod(_ wsi: OpaquePointer) -> String {
        for (name, token) in [
            ("GET", WSI_TOKEN_GET_URI), ("POST", WSI_TOKEN_POST_URI), ("HEAD", WSI_TOKEN_HEAD_URI),
            ("PUT", WSI_TOKEN_PUT_URI), ("DELETE", WSI_TOKEN_DELETE_URI), ("PATCH", WSI_TOKEN_PATCH_URI),
            ("OPTIONS", WSI_TOKEN_OPTIONS_URI),
        ] where lws_hdr_total_length(wsi, token) > 0 {
            return name
        }
        return "UNKNOWN"
    }

    /// Writes the status line and headers now and queues the body for HTTP_WRITEABLE.
    func respond(_ wsi: OpaquePointer, _ response: HTTPResponse, headOnly: Bool, closeAfter: Bool) -> Int32 {
        let extra = response.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 }
        let capacity = lwsPre + 1024 + configuration.contentSecurityPolicy.utf8.count + extra
        let headerBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { headerBuffer.deallocate() }
        let start = headerBuffer + lwsPre
        var p = start
        let end = headerBuffer + capacity - 1
        var cursor: UnsafeMutablePointer<UInt8>? = p
        if lws_add_http_common_headers(
            wsi, UInt32(response.status), response.contentType, lws_filepos_t(response.body.count), &cursor, end) != 0
        {
            return 1
        }
        p = cursor!
        let hasCacheControl = response.headers.contains { $0.name.lowercased() == "cache-control" }
        if !addSecurityHeaders(wsi, &p, end, cacheControl: hasCacheControl ? nil : "no-cache") { return 1 }
        for header in response.headers {
            if !addHeader(wsi, header.name.lowercased() + ":", header.value, &p, end) { return 1 }
        }
        if closeAfter, !addHeader(wsi, "connection:", "close", &p, end) { return 1 }
        cursor = p
        if lws_finalize_write_http_header(wsi, start, &cursor, end) != 0 { return 1 }

        let body = headOnly ? [] : response.body
        if body.isEmpty {
            if closeAfter { return -1 }
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
        pendingHTTP[wsi] = PendingHTTPBody(body: body, closeAfter: closeAfter)
        lws_callback_on_writable(wsi)
        return 0
    }

    func httpWriteable(_ wsi: OpaquePointer) -> Int32 {
        guard var pending = pendingHTTP[wsi] else { return 0 }
        let size = min(pending.body.count - pending.offset, scratchCapacity - lwsPre)
        let isLast = pending.offset + size == pending.body.count
        let payload = scratch! + lwsPre
        pending.body.withUnsafeBytes { body in
            payload.copyMemory(from: body.baseAddress! + pending.offset, byteCount: size)
        }
        let written = lws_write(
            wsi, payload.assumingMemoryBound(to: UInt8.self), size, isLast ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP)
        if written < 0 {
            pendingHTTP.removeValue(forKey: wsi)
            return -1
        }
        if isLast {
            pendingHTTP.removeValue(forKey: wsi)
            if pending.closeAfter { return -1 }
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
        pending.offset += size
        pendingHTTP[wsi] = pending
        lws_callback_on_writable(wsi)
        return 0
    }

    /// Static files go through the same response path as dynamic routes, so
    /// every response gets the same headers. (`lws_serve_http_file` would add its
    /// own `cache-control: no-store` and skip `LWS_CALLBACK_ADD_HEADERS`.)
    /// Files are small web assets read from the page cache; an ETag built from
    /// size and mtime lets browsers revalidate cheaply (`no-cache` + 304).
    ///
    /// Pages link the files they load under the web root's content version (`/v/<version>/…`);
    /// a file asked for under the current version never changes, so it is cached for a year.
    /// Under an older version it is the current file, revalidated as any other.
    func serveFile(
        _ wsi: OpaquePointer, _ path: String, contentType: String, askedVersion: String?, headOnly: Bool
    ) -> Int32 {
        guard let file = StaticFiles.read(path) else {
            return respond(wsi, .text("not found\n", status: 404), headOnly: headOnly, closeAfter: false)
        }
        let isPage = contentType.hasPrefix("text/html")
        let current = isPage || askedVersion != nil ? currentWebVersion() : nil
        var version = "\(String(file.size, radix: 16))-\(String(file.modified, radix: 16))"
        var body = file.bytes
        if isPage, let current {
            body = StaticFiles.versioningLinks(in: body, version: current)
            version += "-" + current
        }
        var etag = "\"\(version)\""
        let immutable = !isPage && askedVersion != nil && askedVersion == current
        var headers = [(name: "cache-control", value: immutable ? "max-age=31536000, immutable" : "no-cache")]
        if StaticFiles.isCompressible(contentType) {
            // Caches must keep the gzipped and the plain variants apart.
            headers.append((name: "vary", value: "accept-encoding"))
            if StaticFiles.acceptsGzip(header(wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING)),
                let gzipped = gzipped(path, etag: etag, body)
            {
                // Each variant has its own strong validator (RFC 9110 §8.8.3).
                etag = "\"\(version)-gzip\""
                body = gzipped
                headers.append((name: "content-encoding", value: "gzip"))
            }
        }
        headers.append((name: "etag", value: etag))
        if header(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH) == etag {
            return respond(
                wsi, HTTPResponse(status: 304, contentType: contentType, body: [], headers: headers),
                headOnly: true, closeAfter: false)
        }
        return respond(
            wsi, HTTPResponse(status: 200, contentType: contentType, body: body, headers: headers),
            headOnly: headOnly, closeAfter: false)
    }

    /// The web root's content version, computed again only when a file was added, removed or changed.
    func currentWebVersion() -> String? {
        guard let staticFiles else { return nil }
        let listing = staticFiles.listing()
        let signature = listing.map { "\($0.path) \($0.size) \($0.modified)" }
        if let webVersion, webVersion.listing == signature { return webVersion.version }
        let version = staticFiles.contentVersion(of: listing)
        webVersion = (signature, version)
        return version
    }

    func gzipped(_ path: String, etag: String, _ bytes: [UInt8]) -> [UInt8]? {
        if let cached = gzippedFiles[path], cached.etag == etag { return cached.body }
        let body = Deflate.gzip(bytes).flatMap { $0.count < bytes.count ? $0 : nil }
        gzippedFiles[path] = (etag, body)
        return body
    }

    func addSecurityHeaders(
        _ wsi: OpaquePointer, _ p: inout UnsafeMutablePointer<UInt8>, _ end: UnsafeMutablePointer<UInt8>,
        cacheControl: String?
    ) -> Bool {
        guard addHeader(wsi, "content-security-policy:", configuration.contentSecurityPolicy, &p, end),
            addHeader(wsi, "x-content-type-options:", "nosniff", &p, end),
            addHeader(wsi, "referrer-policy:", "no-referrer", &p, end)
        else { return false }
        // Over plain HTTP the header would be ignored (RFC 6797), and it would be a lie.
        if configuration.tls != nil,
            !addHeader(wsi, "strict-transport-security:", ServerConfiguration.strictTransportSecurity, &p, end)
        {
            return false
        }
        if let cacheControl { return addHeader(wsi, "cache-control:", cacheControl, &p, end) }
        return true
    }

    func addHeader(
        _ wsi: OpaquePointer, _ name: String, _ value: String,
        _ p: inout UnsafeMutablePointer<UInt8>, _ end: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        var name = name
        var value = value
        return name.withUTF8 { n in
            value.withUTF8 { v in
                var cursor: UnsafeMutablePointer<UInt8>? = p
                let rc = lws_add_http_header_by_name(wsi, n.baseAddress, v.baseAddress, Int32(v.count), &cursor, end)
                if let cursor { p = cursor }
                return rc == 0
            }
        }
    }
}

/// An HTTP response body waiting for HTTP_WRITEABLE, sent a scratch buffer at a time.
struct PendingHTTPBody {
    var body: [UInt8]
    var offset = 0
    var closeAfter: Bool
}
