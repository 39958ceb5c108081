import AtelierLWS
import AtelierTestSupport
import Testing

/// RFC 6455 as a peer that breaks it sees the server: an HTTP status for an upgrade it refuses,
/// and a close code for a close or control frame it may not send.
@Suite(.serialized)
struct ConformanceTests {
    /// The status line's code of an upgrade request on `path` offering `subprotocol`.
    private func upgradeStatus(_ server: WebSocketServer, path: String = "/ws", subprotocol: String?) throws -> Int? {
        let raw = try RawSocket(port: server.port)
        let head = raw.webSocketHandshake(path: path, subprotocol: subprotocol) ?? ""
        return head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    /// Opens a raw websocket, sends `payload` as a close frame and returns the close code answered
    /// (1005 for an empty close, nil when the server only hung up).
    private func closeAnswer(_ payload: [UInt8]) throws -> UInt16? {
        let server = try startServer(delegate: TestDelegate())
        defer { stopServer(server) }
        let raw = try RawSocket(port: server.port)
        #expect(raw.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        raw.sendFrame(opcode: 0x8, fin: true, payload: payload)
        return raw.readUntilClose()
    }

    private func code(_ value: UInt16, reason: [UInt8] = []) -> [UInt8] {
        [UInt8(value >> 8), UInt8(value & 0xff)] + reason
    }

    @Test func anUpgradeWithoutOurSubprotocolIsAnswered400() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        #expect(try upgradeStatus(server, subprotocol: nil) == 400)
        #expect(try upgradeStatus(server, subprotocol: "other.v9") == 400)
        #expect(try upgradeStatus(server, subprotocol: "other.v9, atelier.v1") == 101)
        #expect(eventually { delegate.openedCount == 1 })
    }

    @Test func anUpgradeOnAnotherPathIsAnswered404() throws {
        let delegate = TestDelegate()
        let server = try startServer(delegate: delegate)
        defer { stopServer(server) }
        #expect(try upgradeStatus(server, path: "/elsewhere", subprotocol: "atelier.v1") == 404)
        #expect(try upgradeStatus(server, path: "/ws?x=1", subprotocol: "atelier.v1") == 101)
        #expect(eventually { delegate.openedCount == 1 })
    }

    @Test func registeredAndPrivateCloseCodesAreEchoed() throws {
        for value: UInt16 in [1000, 1001, 1003, 1011, 3000, 4999] {
            #expect(try closeAnswer(code(value, reason: Array("bye".utf8))) == value, "\(value)")
        }
        #expect(try closeAnswer([]) == 1005)
    }

    @Test func closeCodesNoPeerMaySendAreAnswered1002() throws {
        for value: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
            #expect(try closeAnswer(code(value)) == 1002, "\(value)")
        }
    }

    @Test func aOneByteClosePayloadIsAnswered1002() throws {
        #expect(try closeAnswer([0x03]) == 1002)
    }

    @Test func aCloseReasonThatIsNotUTF8IsAnswered1002() throws {
        #expect(try closeAnswer(code(1000, reason: [0x61, 0xff, 0xfe])) == 1002)
    }

    @Test func aPingOver125BytesIsAnswered1002() throws {
        let server = try startServer(delegate: TestDelegate())
        defer { stopServer(server) }
        let raw = try RawSocket(port: server.port)
        #expect(raw.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        raw.sendFrame(opcode: 0x9, fin: true, payload: Array(repeating: 0x70, count: 126))
        #expect(raw.readUntilClose() == 1002)
    }
}

