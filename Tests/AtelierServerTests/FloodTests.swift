import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierServer
import AtelierTestSupport
import AtelierWire
import Foundation
import Testing

/// Floods and slow readers: one abusive connection is limited or dropped, and everyone else
/// keeps being answered. Nothing here asserts a duration; the figures are printed.
@Suite(.serialized) struct FloodTests {
    /// Mallory sends as fast as she can and gets `rate.limited`; Bob's requests, interleaved
    /// with her flood on the server's one thread, are all answered.
    @Test func aFlooderIsRateLimitedWhileOthersAreAnswered() throws {
        // The default rate, but never closed, so the flood lasts the whole test.
        let server = try LiveServer(options: .init(rateRefusalsBeforeClose: .max))
        let mallory = try Peer(server)
        try mallory.join(server, name: "Mallory")
        let bob = try Peer(server)
        try bob.join(server, name: "Bob")

        var answerTimes: [Double] = []
        var floodSent = 0
        for round in 1...50 {
            for _ in 1...100 { mallory.send(.ping) }
            floodSent += 100
            // Bob keeps to his own rate (a burst of 40, then 20 a second).
            usleep(60_000)
            let started = Date()
            let answer = round.isMultiple(of: 2)
                ? try bob.request(.ping)
                : try bob.command(.setLanguage(language: round.isMultiple(of: 4) ? "fr" : "en"))
            answerTimes.append(Date().timeIntervalSince(started) * 1000)
            #expect(answer["ack"] != nil, "round \(round): \(answer.serialized())")
        }
        #expect(answerTimes.count == 50)
        // Mallory's messages after her burst were refused, not processed.
        let limited = try mallory.wait(for: "rate.limited") { $0["code"]?.stringValue == "rate.limited" }
        #expect(limited["error"]?.int64Value != nil)
        let metrics = try httpRequest(port: server.server.port, path: "/metrics").text
        let refused = metrics.split(separator: "\n").first { $0.hasPrefix(#"atelier_commands_refused_total{code="rate.limited"}"#) }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        // Only the burst and the trickle the rate allows got through.
        #expect(refused > floodSent / 2, "\(refused) of \(floodSent) refused")
        #expect(mallory.client.currentState == .open)
        #expect(server.server.statistics.connectionsOpen == 2)

        let sorted = answerTimes.sorted()
        print(String(format: "flood: %d messages from the flooder, %d refused; the other's 50 answers: median %.1f ms, 95th %.1f ms, max %.1f ms",
                     floodSent, refused, sorted[25], sorted[47], sorted[49]))
    }

    /// Mallory comes back with her token again and again, a second later each time, and writes
    /// at once on each connection: over the whole run she gets what one bucket gives, not a
    /// fresh burst per connection.
    @Test func aParticipantReconnectingInALoopGetsNoMoreThanOneBucketAllows() throws {
        let limit = RateLimit(burst: 5, perSecond: 2)
        let server = try LiveServer(options: .init(rateLimit: limit))
        let started = server.clock.now
        let first = try Peer(server)
        try first.join(server, name: "Mallory")
        let token = try #require(first.token)
        var letThrough = try first.flood(10)
        first.close()
        let reconnects = 30
        for _ in 1...reconnects {
            server.clock.advance(seconds: 1)
            let again = try Peer(server)
            try again.rejoin(server, token: token, after: nil)
            letThrough += try again.flood(10)
            again.close()
        }
        // Each connection writes more than the bucket holds, so it is emptied every time.
        #expect(letThrough >= limit.burst + limit.perSecond * reconnects)
        #expect(Double(letThrough) <= limit.most(since: started, on: server), "\(letThrough) let through over \(reconnects + 1) connections")
    }

    /// Ten connections of one participant, all writing at once, draw from one bucket.
    @Test func parallelConnectionsWithOneTokenShareOneBucket() throws {
        // No refill, so the count is exact.
        let limit = RateLimit(burst: 20, perSecond: 0)
        let server = try LiveServer(options: .init(rateLimit: limit))
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        let token = try #require(anne.token)
        var connections = [anne]
        for _ in 1...9 {
            let again = try Peer(server)
            try again.rejoin(server, token: token, after: nil)
            connections.append(again)
        }
        let sent = connections.map { peer in (peer, (1...10).map { _ in peer.send(.ping) }) }
        var letThrough = 0
        for (peer, ids) in sent { letThrough += try peer.letThrough(ids) }
        #expect(letThrough == limit.burst)
        // Another participant has a bucket of her own.
        let bob = try Peer(server)
        try bob.join(server, name: "Bob")
        #expect(try bob.flood(limit.burst) == limit.burst)
    }

    /// Claire moderates, Denis moderates with the same key, and Claire comes back with her
    /// token: the key is one identity, so all three draw from one bucket.
    @Test func everyModeratorOfASessionDrawsFromOneBucket() throws {
        let limit = RateLimit(burst: 10, perSecond: 0)
        let server = try LiveServer(options: .init(rateLimit: limit))
        let claire = try Peer(server)
        try claire.moderate(server, name: "Claire")
        let denis = try Peer(server)
        try denis.moderate(server, name: "Denis")
        let claireAgain = try Peer(server)
        try claireAgain.rejoin(server, token: try #require(claire.token), after: nil)
        let sent = [claire, denis, claireAgain].map { peer in (peer, (1...5).map { _ in peer.send(.ping) }) }
        var letThrough = 0
        for (peer, ids) in sent { letThrough += try peer.letThrough(ids) }
        #expect(letThrough == limit.burst)
    }

    /// Before entering a session a connection has a small budget of its own: the burst, then
    /// its trickle, however fast it writes.
    @Test func aConnectionNotInASessionHasASmallBudgetOfItsOwn() throws {
        let budget = SessionHub.Options().guestRateLimit
        let server = try LiveServer()
        let started = server.clock.now
        let visitor = try Peer(server)
        let letThrough = try visitor.letThrough((1...30).map { _ in visitor.send(.preview(PreviewRequest(code: server.code))) })
        #expect(letThrough >= budget.burst)
        #expect(Double(letThrough) <= budget.most(since: started, on: server), "\(letThrough) let through")
    }

    /// What a page sends before joining fits the budget of a connection not in a session, and
    /// once in, the participant's own bucket is whole.
    @Test func enteringASessionDrawsFromTheParticipantsOwnBucket() throws {
        let limit = RateLimit(burst: 40, perSecond: 0)
        let server = try LiveServer(options: .init(rateLimit: limit))
        let anne = try Peer(server)
        #expect(try anne.request(.ping)["ack"] != nil)
        #expect(Peer.code(try anne.request(.preview(PreviewRequest(code: "NOSUCH")))) == "session.unknownCode")
        #expect(try anne.request(.preview(PreviewRequest(code: server.code)))["ack"] != nil)
        #expect(Peer.code(try anne.request(.join(JoinRequest(code: server.code, name: "Anne", role: "astronaut", language: "fr")))) == "participant.unknownRole")
        for _ in 1...4 { #expect(try anne.request(.ping)["ack"] != nil) }
        try anne.join(server, name: "Anne")
        #expect(anne.participant != nil)
        #expect(try anne.flood(limit.burst) == limit.burst)
    }

    /// A client that sends and never reads fills its outbound queue: it is dropped (1008, a
    /// queue drop in /metrics), what the server holds for it stays bounded, and Bob is served.
    @Test func aClientThatNeverReadsIsDroppedAndMemoryStaysBounded() throws {
        let unlimited = RateLimit(burst: 1_000_000, perSecond: 0)
        let server = try LiveServer(options: .init(rateLimit: unlimited, guestRateLimit: unlimited)) { configuration in
            configuration.outboundQueueLimit = OutboundQueueLimit(maxFrames: 256, maxBytes: 1 << 20)
        }
        let bob = try Peer(server)
        try bob.join(server, name: "Bob")
        let residentBefore = residentKilobytes()

        // A reader with a small receive buffer that upgrades and then never reads.
        let reader = try RawSocket(port: server.server.port, receiveBuffer: 4096)
        #expect(reader.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
        var sent = 0
        // Every preview is answered with several hundred bytes the reader never reads.
        while server.server.statistics.slowConsumerDrops == 0 && sent < 200_000 {
            guard reader.sendText(#"{"id": \#(sent + 1), "preview": {"code": "\#(server.code)"}}"#) else { break }
            sent += 1
        }
        let deadline = Date().addingTimeInterval(15)
        while server.server.statistics.connectionsOpen > 1 && Date() < deadline { usleep(20_000) }

        let statistics = server.server.statistics
        #expect(statistics.slowConsumerDrops == 1)
        #expect(statistics.connectionsOpen == 1, "the reader's connection is closed")
        #expect(try httpRequest(port: server.server.port, path: "/metrics").text.contains("\natelier_queue_drops_total 1\n"))
        #expect(try bob.request(.ping)["ack"] != nil)
        #expect(try bob.command(.setLanguage(language: "en"))["ack"] != nil)

        let grownKilobytes = residentKilobytes() - residentBefore
        // Generous: the queue limit is 1 MiB; what matters is that it does not grow with `sent`.
        #expect(grownKilobytes < 64 * 1024, "resident memory grew by \(grownKilobytes) KiB")
        print("slow reader: dropped after \(sent) requests it never read the answers to; resident memory grew by \(grownKilobytes) KiB")
    }
}

extension Peer {
    /// Sends `count` commands at once and returns how many got past the rate limit.
    func flood(_ count: Int) throws -> Int {
        try letThrough((1...count).map { send(.command(.setLanguage(language: $0.isMultiple(of: 2) ? "fr" : "en"))) })
    }

    /// How many of the messages sent with `ids` got past the rate limit.
    func letThrough(_ ids: [Int64]) throws -> Int {
        var count = 0
        for id in ids where Peer.code(try answer(to: id)) != "rate.limited" { count += 1 }
        return count
    }
}

extension RateLimit {
    /// The most a bucket of this limit can give from `started` until now, on the server's clock.
    func most(since started: Timestamp, on server: LiveServer) -> Double {
        Double(burst) + Double(perSecond) * Double(server.clock.now.milliseconds(since: started)) / 1000
    }
}
