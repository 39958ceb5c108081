@testable import AtelierBench
import AtelierLWS
import AtelierServer
import Testing

/// A plenary opening: everyone scans the QR code within the same minute.
@Suite(.serialized) struct JoinStormTests {
    /// 2,000 joins sent at once, before any answer is read: every one is stored, welcomed and
    /// caught up, and nobody is dropped.
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

    /// A moderator in the room while 2,000 join at once is sent each turn's joins as one message,
    /// so their queue grows by a frame a turn, not a frame a join: even with an outbound limit of
    /// 64 frames and no grace, nobody is dropped.
    @Test func aModeratorWatchingTwoThousandJoinAtOnceIsNotDropped() throws {
        let server = try LiveServer { configuration in
            configuration.outboundQueueLimit = OutboundQueueLimit(maxFrames: 64, maxBytes: 1 << 20, graceMilliseconds: 0)
        }
        let driver = LoadDriver(ports: [server.server.port], code: server.code, moderatorKey: server.moderatorKey)
        try driver.enterAsModerator(setup: [])
        let storm = try driver.joinAtOnce(2_000, role: "citoyen", timeoutSeconds: 120)
        #expect(storm.synced == 2_000)
        #expect(driver.connectionsLost == 0)
        #expect(server.server.statistics.slowConsumerDrops == 0)
    }
}
