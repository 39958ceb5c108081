import AtelierCore
import AtelierServer
import AtelierWire
import Testing

/// A session driven live: audiences, votes, synthesis, timers.
@Suite(.serialized) struct SessionFlowTests {
    @Test func agendaMovesReachEveryone() throws {
        let breakout = try BreakoutSession()
        try breakout.barrier("Bienvenue")
        for peer in [breakout.anne, breakout.bob, breakout.moderator] {
            let started = peer.events.compactMap { if case let .slotStarted(slot, _, endsAt) = $0.event { (slot, endsAt) } else { nil } }
            #expect(started.map(\.0) == ["accueil", "ateliers"])
        }
    }

    @Test func aNoteWrittenInOneRoomNeverReachesTheOther() throws {
        let session = try BreakoutSession()
        try session.anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes de nuit", colour: .green, anonymous: nil))
        try session.moderator.waitForEvent("noteAdded") { $0["text"] == .string("Navettes de nuit") }
        try session.barrier("Encore dix minutes")
        #expect(!session.bob.received.contains { $0.serialized().contains("Navettes de nuit") })
        let refused = try session.bob.command(.addComment(note: "n1", text: "Bonne idée"))
        #expect(Peer.code(refused) == "note.unknown")
    }

    @Test func closingTheRoomsShowsEveryoneTheOtherRoomsBoardOnce() throws {
        let session = try BreakoutSession()
        try session.anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes de nuit", colour: nil, anonymous: nil))
        try session.anne.accepted(.editNote(note: "n1", text: "Navettes de nuit le week-end", colour: nil))
        try session.bob.accepted(.addNote(board: nil, prompt: "pistes", text: "Colocations solidaires", colour: nil, anonymous: nil))
        try session.moderator.accepted(.closeRooms(afterSeconds: nil))
        try session.bob.waitForEvent("roomsClosed")
        try session.barrier("Retour en plénière")
        let bobSees = session.bob.events.map(\.event)
        let anneNote = bobSees.filter { if case .noteAdded(id: "n1", _, _, _, _, _, _, _) = $0 { true } else { false } }
        #expect(anneNote.count == 1)
        #expect(bobSees.contains { if case .noteEdited(id: "n1", text: "Navettes de nuit le week-end", _, _) = $0 { true } else { false } })
        #expect(Set(session.bob.events.map(\.seq)).count == session.bob.events.count, "an event arrived twice")
        #expect(session.anne.events.contains { if case .noteAdded(id: "n2", _, _, _, _, _, _, _) = $0.event { true } else { false } })
    }

    @Test func anItemPromotedInOneRoomReachesTheOtherRoomsOnlyOnceTheyClose() throws {
        let session = try BreakoutSession()
        try session.anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes de nuit", colour: nil, anonymous: nil))
        try session.moderator.accepted(.promote(source: .note("n1"), text: nil))
        try session.anne.waitForEvent("itemPromoted") { $0["text"] == .string("Navettes de nuit") }
        try session.barrier("Encore dix minutes")
        #expect(!session.bob.received.contains { $0.serialized().contains("Navettes de nuit") })
        #expect(!session.bob.received.contains { $0["event"]?["itemPromoted"] != nil })

        try session.moderator.accepted(.closeRooms(afterSeconds: nil))
        try session.barrier("Retour en plénière")
        let promoted = session.bob.events.filter { if case .itemPromoted(id: "i1", _, _, "Navettes de nuit", _) = $0.event { true } else { false } }
        #expect(promoted.count == 1)
    }

    @Test func aRoundRevealedWhileTheRoomsAreOpenShowsEachRoomItsOwnNotesRankedAndEveryoneTheWholeRankingOnceTheyClose() throws {
        let session = try BreakoutSession()
        let (moderator, anne, bob) = (session.moderator, session.anne, session.bob)
        try anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes de nuit", colour: nil, anonymous: nil))
        try anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Vélos partagés", colour: nil, anonymous: nil))
        try bob.accepted(.addNote(board: nil, prompt: "pistes", text: "Logements passerelles", colour: nil, anonymous: nil))
        try moderator.accepted(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: nil, hidden: nil))
        try anne.accepted(.placeDot(vote: "v1", item: "n2"))
        try bob.accepted(.placeDot(vote: "v1", item: "n3"))
        try bob.accepted(.placeDot(vote: "v1", item: "n3"))
        try moderator.accepted(.closeVote(vote: "v1"))
        try moderator.accepted(.revealVote(vote: "v1"))

        func ranking(_ message: JSONValue?) -> [String] {
            guard case .array(let rows)? = message else { return [] }
            return rows.map { "\($0["item"]?.stringValue ?? "")=\($0["dots"]?.int64Value ?? -1)#\($0["rank"]?.int64Value ?? -1)" }
        }
        let revealed = { (peer: Peer) in try peer.wait(for: "the reveal") { $0["event"]?["voteRevealed"] != nil }["results"] }
        #expect(ranking(try revealed(moderator)) == ["n3=2#1", "n2=1#2", "n1=0#3"])
        // A room learns how its own notes fared, ranked among themselves, not how another room's did.
        #expect(ranking(try revealed(anne)) == ["n2=1#1", "n1=0#2"])
        #expect(ranking(try revealed(bob)) == ["n3=2#1"])

        try moderator.accepted(.closeRooms(afterSeconds: nil))
        let whole = ["v1": ["n3=2#1", "n2=1#2", "n1=0#3"]]
        for peer in [anne, bob] {
            let closed = try peer.wait(for: "the rooms closing") { $0["event"]?["roomsClosed"] != nil }
            #expect(closed["revealed"]?[0]?["vote"] == .string("v1"))
            #expect(["v1": ranking(closed["revealed"]?[0]?["results"])] == whole)
        }
        // Someone arriving later is sent, after the reveal, the whole ranking.
        let late = try Peer(session.server)
        try late.join(session.server, name: "Chloé")
        #expect(ranking(late.received.first { $0["event"]?["roomsClosed"] != nil }?["revealed"]?[0]?["results"]) == whole["v1"])
    }

    @Test func theAuthorOfAnAnonymousNoteIsKnownOnlyToTheAuthor() throws {
        let server = try LiveServer()
        let moderator = try Peer(server)
        try moderator.moderate(server)
        let anne = try Peer(server)
        try anne.join(server, name: "Anne")
        try moderator.accepted(.start)
        try anne.accepted(.addNote(board: nil, prompt: "attentes", text: "Moins de réunions", colour: nil, anonymous: true))
        #expect(try anne.waitForEvent("noteAdded")["author"] == .string("p2"))
        #expect(try moderator.waitForEvent("noteAdded")["author"] == nil)
        try anne.accepted(.deleteNote(note: "n1"))
        #expect(try moderator.waitForEvent("noteDeleted")["by"] == .string(""))
    }

    @Test func anAnnouncementToARoomReachesOnlyThatRoomAndTheModerators() throws {
        let session = try BreakoutSession()
        try session.moderator.accepted(.announce(text: "Mobilité : il vous reste 5 minutes", room: "mobilite"))
        try session.anne.waitForEvent("announced") { $0["room"] == .string("mobilite") }
        try session.barrier("Pour tous")
        #expect(!session.bob.received.contains { $0.serialized().contains("il vous reste 5 minutes") })
    }

    @Test func hiddenDotsShowWhoVotedNotHowUntilTheReveal() throws {
        let session = try BreakoutSession()
        try session.anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes", colour: nil, anonymous: nil))
        try session.bob.accepted(.addNote(board: nil, prompt: "pistes", text: "Colocations", colour: nil, anonymous: nil))
        try session.moderator.accepted(.openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil))
        try session.anne.accepted(.placeDot(vote: "v1", item: "n1"))
        try session.anne.accepted(.placeDot(vote: "v1", item: "n1"))
        try session.bob.accepted(.placeDot(vote: "v1", item: "n2"))
        #expect(try session.anne.waitForEvent("dotPlaced")["item"] == .string("n1"))
        let seenByModerator = try session.moderator.waitForEvent("dotPlaced")
        #expect(seenByModerator["item"] == .string("") && seenByModerator["participant"] == .string("p2"))
        try session.bob.waitForEvent("dotPlaced") { $0["participant"] == .string("p2") && $0["item"] == .string("") }
        try session.moderator.accepted(.revealVote(vote: "v1"))
        let revealed = try session.moderator.wait(for: "results") { $0["event"]?["voteRevealed"] != nil }
        #expect(revealed["results"] == .array([
            .object(JSONObject([("dots", .int(2)), ("item", .string("n1")), ("rank", .int(1))])),
            .object(JSONObject([("dots", .int(1)), ("item", .string("n2")), ("rank", .int(2))])),
        ]))
        // With the rooms open, Bob's room sees its own note's total alone.
        let inRoom = try session.bob.wait(for: "results") { $0["event"]?["voteRevealed"] != nil }
        #expect(inRoom["results"] == .array([.object(JSONObject([("dots", .int(1)), ("item", .string("n2")), ("rank", .int(1))]))]))
    }

    @Test func plenarySynthesisEndsWithRankedRecommendations() throws {
        let session = try BreakoutSession()
        try session.anne.accepted(.addNote(board: nil, prompt: "pistes", text: "Navettes de nuit", colour: nil, anonymous: nil))
        try session.moderator.accepted(.promote(source: .note("n1"), text: nil))
        try session.moderator.accepted(.closeRooms(afterSeconds: nil))
        try session.moderator.accepted(.nextSlot)
        try session.moderator.accepted(.draftRecommendation(text: "Un réseau de navettes nocturnes", sources: [.promoted("i1")], room: "mobilite"))
        try session.moderator.accepted(.draftRecommendation(text: "Un guichet logement unique", sources: [], room: "logement"))
        try session.moderator.accepted(.openVote(on: .recommendations, dotsPerPerson: 3, maxDotsPerItem: 3, hidden: false))
        let vote = try session.anne.waitForEvent("voteOpened")["id"]?.stringValue ?? ""
        try session.anne.accepted(.placeDot(vote: vote, item: "r2"))
        try session.bob.accepted(.placeDot(vote: vote, item: "r2"))
        try session.bob.accepted(.placeDot(vote: vote, item: "r1"))
        try session.anne.waitForEvent("dotPlaced") { $0["participant"] == .string("p3") && $0["item"] == .string("r1") }
        try session.moderator.accepted(.revealVote(vote: vote))
        let revealed = try session.anne.wait(for: "reveal") { $0["event"]?["voteRevealed"] != nil }
        #expect(revealed["results"]?[0]?["item"] == .string("r2"))
        #expect(session.server.hub.state(of: session.server.sessionID)?.rankedRecommendations.map(\.item) == ["r2", "r1"])
    }

    @Test func whenASlotsTimeIsUpModeratorsAreWarnedAndTheWorkshopsBehaviourHappens() throws {
        let session = try BreakoutSession()
        session.server.advance(seconds: 31 * 60)
        let timeUp = try session.moderator.waitForEvent("slotTimeUp")
        #expect(timeUp["slot"] == .string("ateliers") && timeUp["behaviour"] == .string("stay"))
        try session.moderator.accepted(.closeRooms(afterSeconds: nil))
        try session.moderator.accepted(.nextSlot)
        session.server.advance(seconds: 21 * 60)
        try session.anne.waitForEvent("slotTimeUp") { $0["behaviour"] == .string("advance") }
        try session.anne.waitForEvent("slotStarted") { $0["slot"] == .string("cloture") }
    }

    @Test func roomsCloseByThemselvesAfterTheWarning() throws {
        let session = try BreakoutSession()
        try session.moderator.accepted(.closeRooms(afterSeconds: 120))
        let closing = try session.bob.waitForEvent("roomsClosing")
        #expect(closing["closesAt"]?.int64Value != nil)
        session.server.advance(seconds: 121)
        try session.bob.waitForEvent("roomsClosed")
    }
}
