import AtelierTestSupport
import Testing

/// `/export`: the transcript over HTTP for whoever holds the moderator key, and how guessing
/// that key is kept slow.
@Suite(.serialized) struct ExportTests {
    static let refusal = "The transcript needs the session's moderator key: Authorization: Bearer KEY.\n"

    private func request(code: String?, key: String?, forwardedFor: String? = nil) -> String {
        var text = "GET /export?\(code.map { "code=\($0)&" } ?? "")format=md HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let key { text += "Authorization: Bearer \(key)\r\n" }
        if let forwardedFor { text += "X-Forwarded-For: \(forwardedFor)\r\n" }
        return text + "\r\n"
    }

    private func export(
        _ server: LiveServer, code: String?, key: String?, from address: String = "127.0.0.1", forwardedFor: String? = nil
    ) throws -> RawHTTPResponse {
        let socket = try RawSocket(port: server.server.port, from: address)
        socket.write(request(code: code, key: key, forwardedFor: forwardedFor))
        return try #require(try socket.readResponse())
    }

    @Test func anUnknownCodeIsAnsweredAsAWrongKey() throws {
        let server = try LiveServer(clock: TestClock(frozen: true))
        let wrongKey = try export(server, code: server.code, key: "AAAA-BBBB-CCCC-DDDD")
        let unknownCode = try export(server, code: "ZZZZZZ", key: nil)
        let noCode = try export(server, code: nil, key: "AAAA-BBBB-CCCC-DDDD")
        for refused in [wrongKey, unknownCode, noCode] {
            #expect(refused.status == 401)
            #expect(refused.text == Self.refusal)
        }
        let transcript = try export(server, code: server.code, key: server.moderatorKey)
        #expect(transcript.status == 200)
        #expect(transcript.text.hasPrefix("#"))
    }

    @Test func pastFiveWrongKeysAnAddressIsPausedAndItsConnectionClosed() throws {
        let server = try LiveServer(clock: TestClock(frozen: true))
        let guesser = try RawSocket(port: server.server.port)
        guesser.write(String(repeating: request(code: server.code, key: "AAAA-BBBB-CCCC-DDDD"), count: 300))
        var statuses: [Int] = []
        var paused: RawHTTPResponse?
        while let response = try guesser.readResponse() {
            statuses.append(response.status)
            if response.status == 429 { paused = response }
        }
        #expect(statuses == [401, 401, 401, 401, 401, 429])
        #expect(paused?.header("retry-after") == "60")
        #expect(paused?.header("connection") == "close")

        // No key is checked from that address meanwhile, not even the right one.
        #expect(try export(server, code: server.code, key: server.moderatorKey).status == 429)
        server.advance(seconds: 60)
        #expect(try export(server, code: server.code, key: server.moderatorKey).status == 200)
    }

    @Test func participantsBehindAPausedAddressStillJoin() throws {
        let server = try LiveServer(clock: TestClock(frozen: true))
        for _ in 1...6 { _ = try export(server, code: server.code, key: "AAAA-BBBB-CCCC-DDDD") }
        #expect(try export(server, code: server.code, key: server.moderatorKey).status == 429)
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        #expect(anne.participant != nil)
    }

    @Test func keysFromEveryAddressTogetherAreCheckedAtMostAFewPerSecond() throws {
        let server = try LiveServer(clock: TestClock(frozen: true))
        let addresses = (2...13).map { "127.0.0.\($0)" }
        let first = try addresses.map { try export(server, code: server.code, key: "AAAA-BBBB-CCCC-DDDD", from: $0) }
        #expect(first.map(\.status) == Array(repeating: 401, count: 10) + [429, 429])
        #expect(first.last?.header("retry-after") == "1")

        server.advance(seconds: 1)
        let next = try addresses.prefix(3).map {
            try export(server, code: server.code, key: "AAAA-BBBB-CCCC-DDDD", from: $0).status
        }
        #expect(next == [401, 401, 429])
    }

    /// A server trusting `proxy`, and the statuses of six wrong keys sent from 127.0.0.1 naming
    /// `forwardedFor(n)` as the client of the n-th.
    private func sixWrongKeys(trusting proxy: String, forwardedFor: (Int) -> String) throws
        -> (server: LiveServer, statuses: [Int])
    {
        let server = try LiveServer(clock: TestClock(frozen: true)) { $0.trustedProxies = [proxy] }
        let statuses = try (1...6).map {
            try export(server, code: server.code, key: "AAAA-BBBB-CCCC-DDDD", forwardedFor: forwardedFor($0)).status
        }
        return (server, statuses)
    }

    @Test func twoPeopleBehindATrustedProxyArePausedForTheirOwnWrongKeysOnly() throws {
        let (server, guesses) = try sixWrongKeys(trusting: "127.0.0.1") { _ in "203.0.113.7" }
        #expect(guesses == [401, 401, 401, 401, 401, 429])
        #expect(try export(server, code: server.code, key: server.moderatorKey, forwardedFor: "203.0.113.7").status == 429)
        #expect(try export(server, code: server.code, key: server.moderatorKey, forwardedFor: "203.0.113.8").status == 200)
    }

    @Test func anAddressForwardedByAPeerThatIsNoTrustedProxyIsIgnored() throws {
        let (server, guesses) = try sixWrongKeys(trusting: "127.0.0.9") { "203.0.113.\($0)" }
        #expect(guesses == [401, 401, 401, 401, 401, 429])
        #expect(try export(server, code: server.code, key: server.moderatorKey, forwardedFor: "203.0.113.99").status == 429)
    }
}
