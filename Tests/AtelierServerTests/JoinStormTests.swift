@testable import AtelierBench
import AtelierServer
import Testing

/// A plenary opening: everyone scans the QR code within the same minute.
@Suite(.serialized) struct JoinStormTests {
    /// 2,000 joins sent at once, before any answer is read: every one is stored, welcomed and
    /// caught up, and nobody is dropped, though each join reaches everyone already in.
    @Test func twoThousandPeopleJoiningAtOnceAreAllWelcomedAndCaughtUp() throws {
        let server = try LiveServer()
        let driver = LoadDriver(ports: [server.server.port], code: server.code, moderatorKey: server.moderatorKey)
        let storm = try driver.joinAtOnce(2_000, role: "citoyen", timeoutSeconds: 120)
        #expect(storm.welcomed == 2_000)
        #expect(storm.synced == 2_000)
        #expect(storm.lost == 0)
        #expect(storm.refused.isEmpty, "\(storm.refused)")
        #expect(server.server.statistics.slowConsumerDrops == 0)
        #expect(server.hub.state(of: server.sessionID)?.participants.count == 2_000)
        print(String(format: "2,000 joins at once: all welcomed and caught up in %.1f s", storm.seconds))
    }
}
