import AtelierCore
import AtelierLWS
@testable import AtelierServer
import AtelierTestSupport
import AtelierWire
import Foundation
import Testing

/// Catch-ups of any size: whoever enters or comes back gets the whole log they may see, however
/// long, paced by their own reading; the outbound limit only ever judges live events.
@Suite(.serialized) struct CatchUpTests {
    /// An outbound limit far below the logs these tests serve (64 frames, 256 KiB).
    static func smallLimit(_ configuration: inout ServerConfiguration) {
        configuration.outboundQueueLimit = OutboundQueueLimit(maxFrames: 64, maxBytes: 256 << 10)
    }

    /// Whether the events a peer received are exactly 1...last, once each and in order.
    static func receivedEverything(_ peer: Peer, upTo last: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        let sequences = peer.received.compactMap { $0["seq"]?.int64Value }
        let inOrder = sequences.elementsEqual(1...last)
        #expect(inOrder, "\(sequences.count) events, first \(sequences.first ?? 0), last \(sequences.last ?? 0)",
                sourceLocation: sourceLocation)
    }

    @Test func aNewModeratorCatchesUpOnALogFarLargerThanTheOutboundLimit() throws {
        let long = try LongSession(plenaryNotes: 20_000)
        let server = try LiveServer(database: long.databasePath, moderatorKey: long.moderatorKey, configure: Self.smallLimit)
        let moderator = try Peer(server)
        let answer = try moderator.moderate(server)
        #expect(answer["welcome"]?["reset"] == .bool(true))
        // Everything, once and in order, then its own arrival, then `synced`.
        let joined = long.lastSequence + 1
        Self.receivedEverything(moderator, upTo: joined)
        #expect(moderator.received.last?["synced"]?.int64Value == joined)
        #expect(server.server.statistics.slowConsumerDrops == 0)

        // And it is live from there on.
        let anne = try Peer(server)
        try anne.rejoin(server, token: long.anneToken, after: joined)
        try anne.accepted(.addNote(board: nil, prompt: "pistes", text: "après le rattrapage", colour: nil, anonymous: nil))
        try moderator.waitForEvent("noteAdded") { $0["text"] == .string("après le rattrapage") }
    }

    @Test func aModeratorComingBackFromTheStartCatchesUpAgain() throws {
        let long = try LongSession(plenaryNotes: 20_000)
        let server = try LiveServer(database: long.databasePath, moderatorKey: long.moderatorKey, configure: Self.smallLimit)
        let first = try Peer(server)
        try first.moderate(server)
        let token = try #require(first.token)
        first.close()

        let back = try Peer(server)
        let answer = try back.rejoin(server, token: token, after: 0)
        #expect(answer["welcome"]?["reset"] == .bool(true))
        Self.receivedEverything(back, upTo: long.lastSequence + 1)
        #expect(server.server.statistics.slowConsumerDrops == 0)
    }

    /// Closing the rooms lets everyone read every room: Bob, connected in logement, gets the
    /// thousands of notes written in mobilite; Bob coming back after it starts over, whole.
    @Test func everyRoomsNotesReachEveryoneWhenTheRoomsCloseHoweverManyThereAre() throws {
        let long = try LongSession(plenaryNotes: 0, roomNotes: 12_000)
        let server = try LiveServer(database: long.databasePath, moderatorKey: long.moderatorKey, configure: Self.smallLimit)
        let bob = try Peer(server)
        try bob.rejoin(server, token: long.bobToken, after: long.lastSequence)
        let moderator = try Peer(server)
        try moderator.moderate(server)
        let seenBeforeClosing = bob.lastSeq

        try moderator.accepted(.closeRooms(afterSeconds: nil))
        try bob.waitForEvent("roomsClosed")
        let roomNote = { (event: JSONValue) in event["text"]?.stringValue?.hasPrefix("room 11999 ") == true }
        try bob.waitForEvent("noteAdded", where: roomNote)
        #expect(bob.received.count { $0["event"]?["noteAdded"] != nil } == 12_000)
        #expect(bob.client.currentState == .open)

        let back = try Peer(server)
        let answer = try back.rejoin(server, token: long.bobToken, after: seenBeforeClosing)
        #expect(answer["welcome"]?["reset"] == .bool(true))
        #expect(back.received.count { $0["event"]?["noteAdded"] != nil } == 12_000)
        #expect(server.server.statistics.slowConsumerDrops == 0)
    }

    /// Thirty clients come back from the start of a 6 MB log and never read: each holds a bounded
    /// part of its catch-up, not a copy of the log, and each is dropped once it has stalled.
    @Test func catchUpsThatStallHoldLittleMemoryAndAreDropped() throws {
        let long = try LongSession(plenaryNotes: 14_000, noteLength: 300)
        let server = try LiveServer(database: long.databasePath, moderatorKey: long.moderatorKey) { configuration in
            configuration.stalledReaderMilliseconds = 1_000
        }
        let bob = try Peer(server)
        try bob.rejoin(server, token: long.bobToken, after: long.lastSequence)
        let residentBefore = residentKilobytes()
        #expect(residentBefore > 0)

        var stalled: [RawSocket] = []
        for _ in 1...30 {
            let reader = try RawSocket(port: server.server.port, receiveBuffer: 4096)
            #expect(reader.webSocketHandshake()?.hasPrefix("HTTP/1.1 101") == true)
            reader.sendText(#"{"id": 1, "rejoin": {"code": "\#(server.code)", "token": "\#(long.anneToken)", "after": 0}}"#)
            stalled.append(reader)
        }
        var peak = residentBefore
        let deadline = Date().addingTimeInterval(20)
        while server.server.statistics.connectionsOpen > 1 && Date() < deadline {
            peak = max(peak, residentKilobytes())
            // Bob keeps being served meanwhile.
            #expect(try bob.request(.ping)["ack"] != nil)
            usleep(50_000)
        }
        #expect(server.server.statistics.connectionsOpen == 1, "every stalled reader is dropped")
        #expect(server.server.statistics.slowConsumerDrops == 30)
        let grownMegabytes = (peak - residentBefore) / 1024
        // A copy of the log each would be 30 × 6 MB.
        #expect(grownMegabytes < 48, "grew by \(grownMegabytes) MB")
        print("30 stalled catch-ups of a 6 MB log: resident memory grew by \(grownMegabytes) MB at most")
    }

    /// A participant starting over is sent, in log order, every public event, its own join and
    /// the moderator's, and none of the other participants' joins: the catch-up reads the public
    /// events and the ones naming the participant, and skips a hall's joins unread.
    @Test func aParticipantStartingOverGetsThePublicEventsAndItsOwnJoinInLogOrder() throws {
        let plenary = try PlenarySession(joining: ["Anne", "Bob"])
        let (server, moderator, bob) = (plenary.server, plenary.moderator, plenary.people[1])
        try bob.accepted(.addNote(board: nil, prompt: "attentes", text: "Avant Chloé", colour: nil, anonymous: nil))
        let chloe = try Peer(server)
        try chloe.join(server, name: "Chloé")
        try moderator.accepted(.announce(text: "Bienvenue", room: nil))
        try bob.waitForEvent("announced")
        let back = try Peer(server)
        try back.rejoin(server, token: try #require(bob.token), after: nil)
        #expect(back.eventNames == [
            "sessionCreated", "participantJoined", "sessionStarted", "slotStarted", "participantJoined", "noteAdded", "announced",
        ])
        let joined = back.events.compactMap { if case let .participantJoined(id, _, _, _, _, _, _, _) = $0.event { id } else { nil } }
        #expect(joined == ["p1", "p3"])
        #expect(back.events.map(\.seq) == bob.events.map(\.seq))
    }

    /// Event messages of a kilobyte or more (the session's creation, with its workshop) go out as
    /// the log's own frames, shared by every connection rather than copied for each; the smaller
    /// ones between them are joined in `events` envelopes within the budget.
    @Test func largeEventMessagesGoOutAsTheLogsOwnFramesAndSmallOnesJoined() {
        let small = (1...3).map { OutboundFrame(text: #"{"seq":\#($0)}"#) }
        let large = OutboundFrame(text: #"{"seq":4,"text":""# + String(repeating: "a", count: 2_000) + #""}"#)
        let messages = OutboundFrame.events([small[0], small[1], large, small[2]], budget: 30 * 1024)
        #expect(messages.map(\.text) == [#"{"events":[{"seq":1},{"seq":2}]}"#, large.text, small[2].text])
        #expect(messages[1] === large)
        #expect(messages[2] === small[2])
        #expect(OutboundFrame.events(small, budget: 20).map(\.text) == [#"{"events":[{"seq":1},{"seq":2}]}"#, #"{"seq":3}"#])
    }
}
