import AtelierLWS
import AtelierTestSupport
import Testing

@Suite(.serialized)
struct HTTPTests {
    static let csp = "default-src 'self'; script-src 'self'"

    private func start() throws -> (WebSocketServer, TestDelegate) {
        let delegate = TestDelegate()
        delegate.onHTTP = { request in
            switch request.path {
            case "/healthz":
                return .text("ok\n")
            case "/metrics":
                return HTTPResponse(
                    contentType: "text/plain; version=0.0.4", body: Array("atelier_up 1\n".utf8),
                    headers: [(name: "X-Test", value: "yes")])
            case let path where path.hasPrefix("/export/"):
                let name = request.queryValue("format") ?? "json"
                return HTTPResponse(
                    contentType: "application/json", body: Array(String(repeating: "e", count: 100_000).utf8),
                    headers: [(name: "Content-Disposition", value: "attachment; filename=\"x.\(name)\"")])
            default:
                return nil
            }
        }
        let server = try startServer(delegate: delegate) { $0.contentSecurityPolicy = HTTPTests.csp }
        return (server, delegate)
    }

    private func expectSecurityHeaders(_ response: RawHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.header("content-security-policy") == HTTPTests.csp, sourceLocation: sourceLocation)
        #expect(response.header("x-content-type-options") == "nosniff", sourceLocation: sourceLocation)
        #expect(response.header("referrer-policy") == "no-referrer", sourceLocation: sourceLocation)
    }

    @Test func staticFilesWithTypesAndHeaders() throws {
        let (server, _) = try start()
        defer { stopServer(server) }
        let port = server.port

        let index = try httpRequest(port: port, path: "/")
        #expect(index.status == 200)
        #expect(index.header("content-type") == "text/html; charset=utf-8")
        #expect(index.text.contains("INDEX-FIXTURE"))
        #expect(index.header("cache-control") == "no-cache")
        expectSecurityHeaders(index)

        let screen = try httpRequest(port: port, path: "/screen")
        #expect(screen.status == 200)
        #expect(screen.text.contains("SCREEN-FIXTURE"))
        #expect(screen.header("content-type") == "text/html; charset=utf-8")

        let expected: [(String, String)] = [
            ("/index.html", "text/html; charset=utf-8"),
            ("/app.js", "text/javascript; charset=utf-8"),
            ("/style.css", "text/css; charset=utf-8"),
            ("/data.json", "application/json"),
            ("/icon.svg", "image/svg+xml"),
            ("/assets/logo.png", "image/png"),
            ("/assets/font.woff2", "font/woff2"),
            ("/favicon.ico", "image/x-icon"),
            ("/notes.txt", "text/plain; charset=utf-8"),
            ("/docs/", "text/html; charset=utf-8"),
        ]
        for (path, type) in expected {
            let response = try httpRequest(port: port, path: path)
            #expect(response.status == 200, "\(path)")
            #expect(response.header("content-type") == type, "\(path)")
            #expect(!response.body.isEmpty, "\(path)")
            expectSecurityHeaders(response)
        }
        let js = try httpRequest(port: port, path: "/app.js")
        #expect(js.text.contains("APP-JS"))
        #expect(js.header("cache-control") == "no-cache")

        // Revalidation: the ETag comes back as a 304 without a body.
        let etag = try #require(js.header("etag"))
        let again = try httpRequest(port: port, path: "/app.js", headers: ["If-None-Match: \(etag)"])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        expectSecurityHeaders(again)
        let stale = try httpRequest(port: port, path: "/app.js", headers: ["If-None-Match: \"0-0\""])
        #expect(stale.status == 200)
        #expect(stale.text.contains("APP-JS"))

        let head = try httpRequest(port: port, method: "HEAD", path: "/index.html")
        #expect(head.status == 200)
        #expect(head.header("content-length") == String(index.body.count))
    }

    @Test func textFilesAreGzippedForClientsThatAcceptIt() throws {
        let (server, _) = try start()
        defer { stopServer(server) }
        let port = server.port

        let plain = try httpRequest(port: port, path: "/long.css")
        #expect(plain.header("content-encoding") == nil)
        #expect(plain.header("vary") == "accept-encoding")
        let gzipped = try httpRequest(port: port, path: "/long.css", headers: ["Accept-Encoding: br, gzip, deflate"])
        #expect(gzipped.status == 200)
        #expect(gzipped.header("content-encoding") == "gzip")
        #expect(gzipped.header("vary") == "accept-encoding")
        #expect(gzipped.header("content-type") == "text/css; charset=utf-8")
        #expect(Array(gzipped.body.prefix(2)) == [0x1f, 0x8b])
        #expect(gzipped.body.count * 4 < plain.body.count)
        expectSecurityHeaders(gzipped)

        // Each variant revalidates with its own ETag.
        let etag = try #require(gzipped.header("etag"))
        #expect(etag != plain.header("etag"))
        let again = try httpRequest(port: port, path: "/long.css", headers: ["Accept-Encoding: gzip", "If-None-Match: \(etag)"])
        #expect(again.status == 304)
        let plainAgain = try httpRequest(port: port, path: "/long.css", headers: ["If-None-Match: \(etag)"])
        #expect(plainAgain.status == 200)
        #expect(plainAgain.body == plain.body)

        for refusal in ["gzip;q=0", "gzip; q=0.000, *", "identity", "br"] {
            let response = try httpRequest(port: port, path: "/long.css", headers: ["Accept-Encoding: \(refusal)"])
            #expect(response.header("content-encoding") == nil, "\(refusal)")
            #expect(response.body == plain.body, "\(refusal)")
        }
        #expect(try httpRequest(port: port, path: "/long.css", headers: ["Accept-Encoding: *"]).header("content-encoding") == "gzip")
        // A file gzip would not shrink, and a compressed image, go as they are.
        let tiny = try httpRequest(port: port, path: "/app.js", headers: ["Accept-Encoding: gzip"])
        #expect(tiny.header("content-encoding") == nil)
        #expect(tiny.text.contains("APP-JS"))
        let image = try httpRequest(port: port, path: "/assets/logo.png", headers: ["Accept-Encoding: gzip"])
        #expect(image.header("content-encoding") == nil)
        #expect(image.header("vary") == nil)
    }

    @Test func missingFilesDirectoriesAndEscapesAreRefused() throws {
        let (server, _) = try start()
        defer { stopServer(server) }
        let port = server.port

        for path in ["/missing.html", "/assets/", "/assets", "/.env", "/screen.html/x", "/nope/"] {
            let response = try httpRequest(port: port, path: path)
            #expect(response.status == 404, "\(path) → \(response.status)")
            #expect(!response.text.contains("logo.png"), "no listing for \(path)")
            expectSecurityHeaders(response)
        }
        for path in [
            "/../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "//etc/passwd",
            "/assets/../../Package.swift", "/%2e%2e%2f%2e%2e%2fPackage.swift", "/docs/..%5c..%5cPackage.swift",
        ] {
            let response = try httpRequest(port: port, path: path)
            #expect([400, 403, 404].contains(response.status), "\(path) → \(response.status)")
            #expect(!response.text.contains("root:"), "\(path)")
            #expect(!response.text.contains("PackageDescription"), "\(path)")
        }
    }

    @Test func dynamicRoutesAnswerBeforeStaticFiles() throws {
        let (server, _) = try start()
        defer { stopServer(server) }
        let port = server.port

        let health = try httpRequest(port: port, path: "/healthz")
        #expect(health.status == 200)
        #expect(health.text == "ok\n")
        #expect(health.header("content-type") == "text/plain; charset=utf-8")
        expectSecurityHeaders(health)

        let metrics = try httpRequest(port: port, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("x-test") == "yes")
        #expect(metrics.text == "atelier_up 1\n")

        let export = try httpRequest(port: port, path: "/export/w1?format=csv")
        #expect(export.status == 200)
        #expect(export.body.count == 100_000)
        #expect(export.header("content-disposition") == "attachment; filename=\"x.csv\"")

        let post = try httpRequest(port: port, method: "POST", path: "/index.html")
        #expect(post.status == 405)
        expectSecurityHeaders(post)
        #expect(server.statistics.httpRequests >= 4)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let (server, _) = try start()
        defer { stopServer(server) }
        let socket = try RawSocket(port: server.port)
        for path in ["/healthz", "/app.js", "/missing", "/healthz"] {
            socket.write("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let head = try #require(socket.read(until: Array("\r\n\r\n".utf8)))
            let text = String(decoding: head, as: UTF8.self)
            let length = text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].filter { $0 != " " }) }
            let count = try #require(length)
            let body = try #require(socket.read(count: count))
            #expect(!body.isEmpty)
        }
    }
}
