import AtelierCore
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

    /// A client that sends and never reads fills its outbound queue: it is dropped (1008, a
    /// queue drop in /metrics), what the server holds for it stays bounded, and Bob is served.
    @Test func aClientThatNeverReadsIsDroppedAndMemoryStaysBounded() throws {
        let server = try LiveServer(options: .init(rateLimit: .init(burst: 1_000_000, perSecond: 0))) { configuration in
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
