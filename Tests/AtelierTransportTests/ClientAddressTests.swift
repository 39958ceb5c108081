@testable import AtelierLWS
import AtelierTestSupport
import Synchronization
import Testing

/// Whom a request comes from: the peer, or behind a trusted proxy the client that proxy names last in
/// `X-Forwarded-For` (anything before it is what the client itself wrote).
@Suite struct ClientAddressTests {
    /// The address the delegate is given for a request carrying `headers`, and for a websocket opened
    /// with them, on a server trusting `proxies`.
    private func addresses(
        trusting proxies: [String], host: String? = "127.0.0.1", headers: [String]
    ) throws -> (http: String?, webSocket: String?) {
        let delegate = TestDelegate()
        let seen = Mutex<String?>(nil)
        delegate.onHTTP = { request in
            seen.withLock { $0 = request.peerAddress }
            return .text("ok\n")
        }
        let server = try startServer(delegate: delegate) {
            $0.host = host
            $0.trustedProxies = proxies
        }
        defer { stopServer(server) }
        _ = try httpRequest(port: server.port, path: "/who", headers: headers)
        let socket = try RawSocket(port: server.port)
        #expect(socket.webSocketHandshake(headers: headers)?.hasPrefix("HTTP/1.1 101") == true)
        #expect(eventually { delegate.openedCount == 1 })
        return (seen.withLock { $0 }, delegate.records.withLock { $0.opened.first?.peerAddress })
    }

    @Test func fromATrustedProxyTheClientIsTheLastAddressOfXForwardedFor() throws {
        let oneHeader = try addresses(trusting: ["127.0.0.1"], headers: ["X-Forwarded-For: 10.0.0.1, 203.0.113.7"])
        #expect(oneHeader.http == "203.0.113.7")
        #expect(oneHeader.webSocket == "203.0.113.7")
        let twoHeaders = try addresses(
            trusting: ["127.0.0.1"], headers: ["X-Forwarded-For: 10.0.0.1", "X-Forwarded-For: 203.0.113.8"])
        #expect(twoHeaders.http == "203.0.113.8")
        #expect(twoHeaders.webSocket == "203.0.113.8")
    }

    @Test func fromAnyOtherPeerXForwardedForIsIgnored() throws {
        let untrusted = try addresses(trusting: ["127.0.0.9"], headers: ["X-Forwarded-For: 203.0.113.7"])
        #expect(untrusted.http == "127.0.0.1")
        #expect(untrusted.webSocket == "127.0.0.1")
    }

    @Test func aTrustedProxysRequestWithoutTheHeaderIsItsOwn() throws {
        let own = try addresses(trusting: ["127.0.0.1"], headers: [])
        #expect(own.http == "127.0.0.1")
        #expect(own.webSocket == "127.0.0.1")
    }

    /// Listening on every interface, lws sees an IPv4 peer as `::ffff:127.0.0.1`.
    @Test func onEveryInterfaceAnIPv4PeerIsKnownByItsIPv4Address() throws {
        let anyInterface = try addresses(trusting: ["127.0.0.1"], host: nil, headers: ["X-Forwarded-For: 203.0.113.7"])
        #expect(anyInterface.http == "203.0.113.7")
        let own = try addresses(trusting: [], host: nil, headers: [])
        #expect(own.http == "127.0.0.1")
        #expect(own.webSocket == "127.0.0.1")
    }
}
