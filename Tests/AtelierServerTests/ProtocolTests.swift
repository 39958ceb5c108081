import AtelierProtocol
import AtelierServer
import AtelierCore
import AtelierWire
import Testing

/// Entering a session, answering every message, refusing what is not allowed.
@Suite(.serialized) struct ProtocolTests {
    @Test func joiningGivesATokenTheWholeVisibleLogAndSynced() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        let answer = try anne.join(server, name: "Anne", organisation: "Ville de Liège")
        let welcome = try #require(answer["welcome"])
        #expect(welcome["code"]?.stringValue == server.code)
        #expect(welcome["participant"]?.stringValue == "p1")
        #expect(welcome["moderator"] == .bool(false))
        #expect(welcome["reset"] == .bool(true))
        let token = try #require(welcome["token"]?.stringValue)
        #expect(token.count == 32 && token.allSatisfy(\.isHexDigit))
        #expect(answer["now"]?.int64Value != nil)
        #expect(anne.eventNames == ["sessionCreated", "participantJoined"])
        #expect(anne.events.map(\.seq) == [1, 2])
    }

    @Test func nobodyReceivesAnotherParticipantsCredentialOrToken() throws {
        let server = try LiveServer()
        let moderator = try Peer(server)
        try moderator.moderate(server)
        let anne = try Peer(server)
        let joined = try anne.join(server, name: "Anne")
        let token = try #require(joined["welcome"]?["token"]?.stringValue)
        let seen = try moderator.waitForEvent("participantJoined") { $0["id"]?.stringValue == "p2" }
        #expect(seen["credential"]?.stringValue == "")
        for message in moderator.received + anne.received where message["welcome"] == nil {
            #expect(!message.serialized().contains(token))
        }
    }

    @Test func aParticipantIsSentTheOrganisersJoinsAndItsOwnButNotTheOtherParticipants() throws {
        let plenary = try PlenarySession(joining: ["Anne", "Bob", "Chloé"])
        let (moderator, anne, bob, chloe) = (plenary.moderator, plenary.people[0], plenary.people[1], plenary.people[2])
        try moderator.waitForEvent("participantJoined") { $0["id"]?.stringValue == "p4" }
        try bob.accepted(.addNote(board: nil, prompt: "attentes", text: "Bonjour", colour: nil, anonymous: nil))
        try anne.waitForEvent("noteAdded")
        try chloe.waitForEvent("noteAdded")
        #expect(Self.joined(anne) == ["p1", "p2"])
        #expect(Self.joined(bob) == ["p1", "p3"])
        #expect(Self.joined(chloe) == ["p1", "p4"])
        #expect(Self.joined(moderator) == ["p1", "p2", "p3", "p4"])
    }

    @Test func aSignedNoteCarriesItsAuthorsNameAndAnAnonymousOneDoesNot() throws {
        let plenary = try PlenarySession(joining: ["Anne", "Bob"])
        let (anne, bob) = (plenary.people[0], plenary.people[1])
        try bob.accepted(.addNote(board: nil, prompt: "attentes", text: "Signée", colour: nil, anonymous: nil))
        try bob.accepted(.addNote(board: nil, prompt: "attentes", text: "Anonyme", colour: nil, anonymous: true))
        let signed = try anne.wait(for: "the signed note") { $0["event"]?["noteAdded"]?["text"] == .string("Signée") }
        let anonymous = try anne.wait(for: "the anonymous note") { $0["event"]?["noteAdded"]?["text"] == .string("Anonyme") }
        #expect(signed["authorName"] == .string("Bob"))
        #expect(anonymous["authorName"] == nil)
        let note = try #require(signed["event"]?["noteAdded"]?["id"]?.stringValue)
        try anne.accepted(.addComment(note: note, text: "D'accord"))
        let comment = try bob.wait(for: "Anne's comment") { $0["event"]?["commentAdded"] != nil }
        #expect(comment["authorName"] == .string("Anne"))
    }

    /// The ids of the `participantJoined` events a peer was sent, in order.
    private static func joined(_ peer: Peer) -> [ParticipantID] {
        peer.events.compactMap { if case let .participantJoined(id, _, _, _, _, _, _, _) = $0.event { id } else { nil } }
    }

    @Test func aModeratorNeedsTheKey() throws {
        let server = try LiveServer()
        let intruder = try Peer(server)
        let refused = try intruder.request(.moderate(ModerateRequest(code: server.code, key: "AAAA-BBBB-CCCC-DDDD", name: "X", language: "fr")))
        #expect(Peer.code(refused) == "auth.badKey")
        let claire = try Peer(server)
        let answer = try claire.moderate(server)
        #expect(answer["welcome"]?["moderator"] == .bool(true))
    }

    @Test func fiveWrongKeysCloseTheConnectionWithPolicyViolation() throws {
        let server = try LiveServer()
        let intruder = try Peer(server)
        for _ in 1...5 {
            intruder.send(.moderate(ModerateRequest(code: server.code, key: "WRONG", name: "X", language: "fr")))
        }
        let final = intruder.client.waitForClose(timeout: 15)
        #expect(final == .closed(code: 1008, reason: "too many wrong keys"))
    }

    @Test func anUnknownJoinCodeIsNamed() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        let answer = try anne.request(.join(JoinRequest(code: "ZZZZZZ", name: "Anne", role: "elu", language: "fr")))
        #expect(Peer.code(answer) == "session.unknownCode")
        #expect(answer["message"]?.stringValue?.contains("ZZZZZZ") == true)
    }

    @Test func aPreviewTellsWhatTheJoinFormNeedsAndRecordsNothing() throws {
        let server = try LiveServer()
        let visitor = try Peer(server)
        let answer = try visitor.request(.preview(PreviewRequest(code: server.code.lowercased())))
        let preview = try #require(answer["preview"], "\(answer.serialized())")
        #expect(preview["code"]?.stringValue == server.code)
        #expect(preview["title"]?["en"]?.stringValue == "Trial workshop")
        #expect(preview["organiser"]?.stringValue == "Ville test")
        // The workshop gives no privacy contact or retention: the notice states the defaults.
        #expect(preview["contact"]?.stringValue == "Ville test")
        #expect(preview["retentionDays"]?.int64Value == 30)
        #expect(preview["languages"] == .array([.string("fr"), .string("en")]))
        #expect(preview["roles"]?[0]?["id"]?.stringValue == "elu")
        #expect(preview["roles"]?[1]?["label"]?.serialized() == #""Citoyen·ne""#)
        #expect(server.hub.state(of: server.sessionID)?.participants.isEmpty == true)
        try visitor.join(server, name: "Anne")
        #expect(try visitor.request(.preview(PreviewRequest(code: server.code)))["preview"] != nil)
        #expect(Peer.code(try visitor.request(.preview(PreviewRequest(code: "ZZZZZZ")))) == "session.unknownCode")
    }

    @Test func aModeratorWithoutALanguageGetsTheWorkshops() throws {
        let server = try LiveServer()
        let claire = try Peer(server)
        let answer = try claire.request(.moderate(ModerateRequest(code: server.code, key: server.moderatorKey, name: "Claire")))
        #expect(answer["welcome"]?["moderator"] == .bool(true))
        #expect(try claire.waitForEvent("participantJoined")["language"]?.stringValue == "fr")
    }

    @Test func aModeratorTakesTheTranscriptOverTheWebsocketWithWhatWasJustWritten() throws {
        let server = try LiveServer()
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        // Sent together: the transcript is answered once the note is stored, so it holds it.
        _ = moderator.send(.command(.addNote(board: nil, prompt: "attentes", text: "Un café d'accueil", colour: nil, anonymous: nil)))
        let files = try moderator.transcript("md")
        #expect(files.count == 1)
        #expect(files[0].name.hasSuffix(".md"))
        #expect(files[0].mediaType.hasPrefix("text/markdown"))
        #expect(files[0].text.contains("Atelier d'essai"))
        #expect(files[0].text.contains("Un café d'accueil"))
        #expect(try moderator.transcript("csv").map(\.name).last?.hasSuffix("-votes.csv") == true)
        #expect(Peer.code(try moderator.request(.transcript(TranscriptRequest(format: "pdf")))) == "transcript.unknownFormat")
    }

    @Test func aTranscriptOfAnySizeArrivesWholeInPartsThatEachFitAMessage() throws {
        let long = try LongSession(plenaryNotes: 1_000, noteLength: 200)
        let server = try LiveServer(database: long.databasePath, moderatorKey: long.moderatorKey)
        let moderator = try Peer(server)
        try moderator.moderate(server)
        let id = moderator.send(.transcript(TranscriptRequest(format: "md")))
        let answer = try moderator.answer(to: id)
        #expect(answer["transcript"]?["parts"]?.int64Value.map(Int.init) != nil, "\(answer.serialized())")
        let parts = moderator.received.filter { $0["transcriptPart"]?.int64Value == id }
        #expect(parts.count == answer["transcript"]?["parts"]?.int64Value.map(Int.init))
        #expect(parts.map { $0["index"]?.int64Value } == (0..<Int64(parts.count)).map { $0 })
        #expect(parts.allSatisfy { $0.serializedBytes().count <= 64 * 1024 })
        #expect(Set(parts.compactMap { $0["name"]?.stringValue }).count == 1)
        let text = parts.compactMap { $0["text"]?.stringValue }.joined()
        #expect(text.utf8.count > 200_000)
        #expect(text.contains("plenary 0 x"))
        #expect(text.contains("plenary 999 x"))
    }

    @Test func onlyAModeratorTakesTheTranscript() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        #expect(Peer.code(try anne.request(.transcript(TranscriptRequest(format: "md")))) == "protocol.notJoined")
        try anne.join(server, name: "Anne")
        #expect(Peer.code(try anne.request(.transcript(TranscriptRequest(format: "md")))) == "auth.moderatorOnly")
    }

    @Test func joinCodesIgnoreCase() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        let answer = try anne.request(.join(JoinRequest(code: server.code.lowercased(), name: "Anne", role: "elu", language: "fr")))
        #expect(answer["welcome"] != nil)
    }

    @Test func theEnginesRefusalsComeBackWithTheirCodeAndSentence() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        let answer = try anne.request(.join(JoinRequest(code: server.code, name: "Anne", role: "maire", language: "fr")))
        #expect(Peer.code(answer) == "participant.unknownRole")
        #expect(answer["message"]?.stringValue?.contains("elu, citoyen") == true)
    }

    @Test func aSecondJoinOnTheSameConnectionIsRefused() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        let again = try anne.request(.join(JoinRequest(code: server.code, name: "Anne", role: "elu", language: "fr")))
        #expect(Peer.code(again) == "protocol.alreadyJoined")
    }

    @Test func commandsNeedASessionAndSomeAreNotForClients() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        #expect(Peer.code(try anne.command(.setLanguage(language: "en"))) == "protocol.notJoined")
        try anne.join(server, name: "Anne")
        for reserved: Command in [.expireSlot, .rejoin(credential: "x"), .joinAsModerator(name: "A", language: "fr", credential: "x")] {
            #expect(Peer.code(try anne.command(reserved)) == "protocol.reservedCommand")
        }
        let ack = try anne.accepted(.setLanguage(language: "en"))
        #expect(ack["seq"]?.int64Value == 3)
        #expect(try anne.waitForEvent("languageChanged")["language"] == .string("en"))
    }

    @Test func aCommandThatChangesNothingIsAckedWithoutSequence() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        let ack = try anne.accepted(.setLanguage(language: "fr"))
        #expect(ack["seq"] == nil)
    }

    @Test func pingAnswersWithTheServerClock() throws {
        let server = try LiveServer()
        let anne = try Peer(server)
        let answer = try anne.request(.ping)
        let now = try #require(answer["now"]?.int64Value)
        #expect(abs(now - server.clock.now.milliseconds) < 60_000)
    }

    /// Every malformed frame gets its own error, the connection stays usable, others are served.
    @Test func malformedFramesAreAnsweredAndTheConnectionStaysOpen() throws {
        let server = try LiveServer()
        let bob = try Peer(server)
        try bob.join(server, name: "Bob")
        let mallory = try Peer(server)
        try mallory.join(server, name: "Mallory")
        let cases: [(frame: String, code: String, id: Int64?, path: String?)] = [
            ("{not json", "json.syntax", nil, nil),
            ("[1, 2]", "protocol.badMessage", nil, nil),
            (#"{"ping": {}}"#, "protocol.badMessage", nil, "id"),
            (#"{"id": "seven", "ping": {}}"#, "protocol.badMessage", nil, "id"),
            (#"{"id": 0, "ping": {}}"#, "protocol.badMessage", nil, "id"),
            (#"{"id": 3}"#, "protocol.badMessage", 3, nil),
            (#"{"id": 4, "dance": {}}"#, "protocol.badMessage", 4, "dance"),
            (#"{"id": 5, "ping": {}, "join": {}}"#, "protocol.badMessage", 5, nil),
            (#"{"id": 6, "join": {"code": "X", "name": "M", "role": "elu"}}"#, "field.missing", 6, "join.language"),
            (#"{"id": 7, "join": {"code": 1, "name": "M", "role": "elu", "language": "fr"}}"#, "field.wrongType", 7, "join.code"),
            (#"{"id": 8, "join": {"code": "X", "name": "M", "role": "elu", "language": "fr", "admin": true}}"#, "field.unknown", 8, "join.admin"),
            (#"{"id": 9, "command": {"fly": {}}}"#, "field.unknownCase", 9, nil),
            (#"{"id": 10, "command": {"addNote": {"prompt": "p", "text": 42}}}"#, "field.wrongType", 10, "command.addNote.text"),
            (#"{"id": 11, "ping": {"x": 1}}"#, "field.invalidValue", 11, nil),
        ]
        for item in cases {
            mallory.sendRaw(item.frame)
            let error = try mallory.wait(for: item.frame) { $0["code"] != nil }
            #expect(error["code"]?.stringValue == item.code, "\(item.frame): \(error.serialized())")
            #expect(error["error"]?.int64Value == item.id, "\(item.frame)")
            #expect(error["message"]?.stringValue?.isEmpty == false)
            if let path = item.path { #expect(error["path"]?.stringValue == path, "\(item.frame): \(error.serialized())") }
        }
        #expect(try mallory.request(.ping)["ack"] != nil)
        #expect(try bob.accepted(.setLanguage(language: "en"))["ack"] != nil)
    }

    @Test func manyUnreadableMessagesInARowCloseTheConnection() throws {
        let server = try LiveServer()
        let mallory = try Peer(server)
        for _ in 1...20 { mallory.sendRaw("nonsense") }
        #expect(mallory.client.waitForClose(timeout: 15) == .closed(code: 1008, reason: "too many unreadable messages"))
    }

    /// Unreadable frames take tokens like any other: past the burst they are refused for rate.
    @Test func unreadableMessagesDrawFromTheRateLimit() throws {
        let options = SessionHubOptions.tight
        let server = try LiveServer(options: options)
        let mallory = try Peer(server)
        for _ in 1...8 { mallory.sendRaw("nonsense") }
        var codes: [String] = []
        for _ in 1...8 { codes.append(Peer.code(try mallory.wait(for: "an error") { $0["code"] != nil }) ?? "") }
        #expect(codes == Array(repeating: "json.syntax", count: 5) + Array(repeating: "rate.limited", count: 3))
    }

    /// A message read takes one unreadable message off the count, not all of them.
    @Test func aValidMessageForgivesOneUnreadableMessageNotAll() throws {
        let server = try LiveServer()
        let mallory = try Peer(server)
        try mallory.join(server, name: "Mallory")
        for _ in 1...19 { mallory.sendRaw("nonsense") }
        mallory.send(.ping)
        // 19 − 1 + 2: the twentieth.
        for _ in 1...2 { mallory.sendRaw("nonsense") }
        #expect(mallory.client.waitForClose(timeout: 15) == .closed(code: 1008, reason: "too many unreadable messages"))
    }

    /// Junk alternating with pings: past the burst both are refused for rate, the refused pings
    /// forgive nothing, and the junk closes the connection.
    @Test func junkAlternatingWithValidMessagesIsRateLimitedAndClosed() throws {
        // No refill, so exactly the burst is read.
        let options = AtelierServer.SessionHub.Options(rateLimit: .init(burst: 40, perSecond: 0))
        let server = try LiveServer(options: options)
        let mallory = try Peer(server)
        try mallory.join(server, name: "Mallory")
        // 20 pairs read, then 19 pairs and a last junk refused: the fortieth junk is the twentieth
        // unreadable one counted (no more, so nothing is written after the close).
        for _ in 1...39 {
            mallory.sendRaw("nonsense")
            mallory.send(.ping)
        }
        mallory.sendRaw("nonsense")
        try mallory.wait(for: "rate.limited") { Peer.code($0) == "rate.limited" }
        #expect(mallory.client.waitForClose(timeout: 15) == .closed(code: 1008, reason: "too many unreadable messages"))
    }

    @Test func floodingIsRefusedThenClosed() throws {
        let options = SessionHubOptions.tight
        let server = try LiveServer(options: options)
        let mallory = try Peer(server)
        for _ in 1...8 { mallory.send(.ping) }
        let limited = try mallory.wait(for: "rate.limited") { $0["code"]?.stringValue == "rate.limited" }
        #expect(limited["error"]?.int64Value != nil)
        // Exactly up to the limit: a client that goes on writing after the
        // server has closed gets a TCP reset, which may overtake the close frame.
        for _ in 1...(options.rateRefusalsBeforeClose - 3) { mallory.send(.ping) }
        #expect(mallory.client.waitForClose(timeout: 15) == .closed(code: 1008, reason: "too many messages"))
    }

    /// A participant who tries every moderator command is refused each time, and nothing changes.
    @Test func aParticipantCannotDriveTheSession() throws {
        let server = try LiveServer()
        let moderator = try Peer(server)
        try moderator.moderate(server)
        try moderator.accepted(.start)
        try moderator.accepted(.addNote(board: nil, prompt: "attentes", text: "Un café", colour: nil, anonymous: nil))
        try moderator.accepted(.groupNotes(notes: ["n1"], cluster: nil, name: "Accueil"))
        try moderator.accepted(.promote(source: .note("n1"), text: nil))
        try moderator.accepted(.draftRecommendation(text: "Accueillir", sources: [.promoted("i1")], room: nil))
        try moderator.accepted(.openVote(on: .promoted, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil))
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        let before = try #require(server.hub.state(of: server.sessionID))
        let commands: [Command] = [
            .start, .pause, .resume, .end, .nextSlot, .previousSlot, .goToSlot(slot: "synthese"), .extendSlot(minutes: 5),
            .appointFacilitator(participant: "p2", room: "mobilite"), .openRooms(mode: .self),
            .assign(participant: "p2", room: "mobilite"), .closeRooms(afterSeconds: nil),
            .openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil),
            .closeVote(vote: "v1"), .revealVote(vote: "v1"), .demote(item: "i1"),
            .openVote(on: .recommendations, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil),
            .draftRecommendation(text: "Plus de bancs", sources: [], room: nil),
            .editRecommendation(recommendation: "r1", text: "x", sources: nil, room: nil),
            .withdrawRecommendation(recommendation: "r1"), .orderRecommendations(order: ["r1"]),
            .announce(text: "Pause café", room: nil),
            .groupNotes(notes: ["n1"], cluster: nil, name: "Groupe"), .ungroupNotes(notes: ["n1"]), .nameCluster(cluster: "g1", name: "x"),
            .promote(source: .note("n1"), text: nil),
        ]
        for command in commands {
            let answer = try anne.command(command)
            #expect(answer["error"] != nil, "\(command) was accepted")
            #expect(["auth.moderatorOnly", "auth.facilitatorOnly"].contains(Peer.code(answer)), "\(command): \(answer.serialized())")
        }
        #expect(server.hub.state(of: server.sessionID) == before)
    }
}

/// Limits small enough to reach in a test; no refill, so counts are exact.
enum SessionHubOptions {
    static let tight = AtelierServer.SessionHub.Options(
        rateLimit: .init(burst: 5, perSecond: 0), guestRateLimit: .init(burst: 5, perSecond: 0), rateRefusalsBeforeClose: 15)
}
