@testable import AtelierCore
import Testing

@Suite("Breakout rooms")
struct RoomRulesTests {
    /// Rooms' sizes among the active participants, by room.
    private func sizes(in state: SessionState) -> [RoomID: Int] {
        state.activeParticipants.reduce(into: [:]) { sizes, person in
            if let room = person.room { sizes[room, default: 0] += 1 }
        }
    }

    @Test("Rooms opened for the moderator to fill place nobody")
    func openInModeratorMode() throws {
        var session = try Scenario.at("ateliers")
        #expect(try session.when(.openRooms(mode: .moderator), by: .moderator)
            == [.roomsOpened(slot: "ateliers", rooms: ["mobilite", "logement"], mode: .moderator, at: session.now)])
        #expect(session.state.breakout == .init(slot: "ateliers", rooms: ["mobilite", "logement"], mode: .moderator))
        #expect(sizes(in: session.state).isEmpty)
    }

    @Test("Rooms open in the workshop's mode unless told otherwise")
    func openInWorkshopMode() throws {
        var session = try Scenario.at("ateliers")
        let events = try session.when(.openRooms(mode: nil), by: .moderator)
        #expect(events.first
            == .roomsOpened(slot: "ateliers", rooms: ["mobilite", "logement"], mode: .random, at: session.now))
        #expect(sizes(in: session.state) == ["mobilite": 2, "logement": 2])
    }

    @Test("A breakout opens only the rooms its slot lists")
    func slotListsRooms() throws {
        var session = try Scenario.at("ateliers", in: Fixture.workshop { $0.agenda[1].rooms = ["logement"] })
        try session.when(.openRooms(mode: .random), by: .moderator)
        #expect(session.state.breakout?.rooms == ["logement"])
        #expect(sizes(in: session.state) == ["logement": 4])
    }

    @Test("Random placement keeps rooms within one person of each other and leaves moderators out")
    func randomIsBalanced() throws {
        for extra in 0...3 {
            var session = try Scenario.at("ateliers")
            for number in 0..<extra { try session.join("Extra \(number)") }
            let moderator = try session.joinModerator("Mod 2")
            try session.when(.openRooms(mode: .random), by: .moderator)
            let sizes = sizes(in: session.state)
            #expect(sizes.count == 2 && sizes.values.reduce(0, +) == 4 + extra)
            #expect(try #require(sizes.values.max()) - #require(sizes.values.min()) <= 1)
            #expect(session.state.participants[Cast.moderator]?.room == nil)
            #expect(session.state.participants[moderator]?.room == nil)
        }
    }

    @Test("Random placement is the same for the same seed, and varies with the seed")
    func randomIsDeterministic() throws {
        func placement(seed: UInt64) throws -> [Event] {
            var session = try Scenario.withCast(seed: seed)
            try session.when(.start, by: .moderator)
            try session.when(.nextSlot, by: .moderator)
            return try session.when(.openRooms(mode: .random), by: .moderator)
        }
        #expect(try placement(seed: 42) == placement(seed: 42))
        #expect(try placement(seed: 42).count == 5)
        #expect(try Set((1...10).map(placement)).count > 1)
    }

    @Test("Facilitators are placed in their own room whatever the mode")
    func facilitatorsGoToTheirRoom() throws {
        for mode in WorkshopDefinition.AssignmentMode.allCases {
            var session = try Scenario.at("ateliers")
            try session.when(.appointFacilitator(participant: Cast.david, room: "mobilite"), by: .moderator)
            let events = try session.when(.openRooms(mode: mode), by: .moderator)
            #expect(events.dropFirst().first == .participantAssigned(participant: Cast.david, room: "mobilite"))
            #expect(session.state.participants[Cast.david]?.room == "mobilite")
        }
    }

    @Test("Random placement counts facilitators already placed")
    func randomCountsFacilitators() throws {
        var session = try Scenario.at("ateliers")
        try session.when(.appointFacilitator(participant: Cast.ana, room: "mobilite"), by: .moderator)
        try session.when(.appointFacilitator(participant: Cast.bob, room: "mobilite"), by: .moderator)
        try session.when(.openRooms(mode: .random), by: .moderator)
        #expect(sizes(in: session.state) == ["mobilite": 2, "logement": 2])
        #expect(session.state.participants[Cast.chloe]?.room == "logement")
        #expect(session.state.participants[Cast.david]?.room == "logement")
    }

    @Test("Someone joining while rooms are open at random goes to a smallest room")
    func latecomerJoinsSmallestRoom() throws {
        var session = try Scenario.at("ateliers")
        try session.join("Eve")
        try session.when(.openRooms(mode: .random), by: .moderator)
        let events = try session.when(
            .join(name: "Fred", role: "citoyen", organisation: nil, language: "fr", credential: "f"), by: .guest)
        #expect(events == [
            .participantJoined(
                id: "p7", name: "Fred", role: "citoyen", organisation: nil, language: "fr", isModerator: false,
                credential: "f", at: session.now),
            .participantAssigned(participant: "p7", room: "logement"),
        ])
    }

    @Test("Someone joining while rooms are open by choice or by the moderator waits unplaced")
    func latecomerWaitsOtherwise() throws {
        for mode: WorkshopDefinition.AssignmentMode in [.self, .moderator] {
            var session = try Scenario.at("ateliers")
            try session.when(.openRooms(mode: mode), by: .moderator)
            let fred = try session.join("Fred")
            #expect(session.state.participants[fred]?.room == nil)
        }
    }

    @Test("Only moderators open rooms")
    func openIsModeratorOnly() throws {
        let session = try Scenario.at("ateliers")
        #expect(try session.refused(.openRooms(mode: nil), by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can open rooms."))
    }

    @Test("Rooms do not open before the session starts")
    func openNeedsStart() throws {
        let session = try Scenario.withCast()
        #expect(try session.refusalCode(.openRooms(mode: nil), by: .moderator) == .sessionNotStarted)
    }

    @Test("Rooms open only during a breakout slot")
    func openNeedsBreakout() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.openRooms(mode: nil), by: .moderator)
            == Refusal(.roomsNotBreakout, "The current slot is not a breakout."))
    }

    @Test("Rooms already open cannot open again")
    func openTwice() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refused(.openRooms(mode: nil), by: .moderator)
            == Refusal(.roomsAlreadyOpen, "The rooms are already open."))
    }

    @Test("Rooms reopened after closing start with nobody placed")
    func reopenStartsAfresh() throws {
        var session = try Scenario.inBreakout()
        try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
        try session.when(.openRooms(mode: .self), by: .moderator)
        #expect(sizes(in: session.state).isEmpty)
    }

    @Test("With self-selection a participant picks a room, and may change")
    func chooseRoom() throws {
        var session = try Scenario.at("ateliers")
        try session.when(.openRooms(mode: .self), by: .moderator)
        #expect(try session.when(.chooseRoom(room: "logement"), by: .ana)
            == [.participantAssigned(participant: Cast.ana, room: "logement")])
        #expect(try session.when(.chooseRoom(room: "logement"), by: .ana) == [])
        #expect(try session.when(.chooseRoom(room: "mobilite"), by: .ana)
            == [.participantAssigned(participant: Cast.ana, room: "mobilite")])
        #expect(session.state.participants[Cast.ana]?.room == "mobilite")
    }

    @Test("Participants choose only when rooms are open by self-selection")
    func chooseNeedsSelfMode() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refused(.chooseRoom(room: "logement"), by: .ana)
            == Refusal(.roomsSelfSelectionOff, "Rooms are assigned in this breakout; ask a moderator to move you."))
    }

    @Test("A room can only be chosen or assigned while rooms are open")
    func roomsMustBeOpen() throws {
        let session = try Scenario.at("ateliers")
        #expect(try session.refused(.chooseRoom(room: "logement"), by: .ana)
            == Refusal(.roomsNotOpen, "The rooms are not open."))
        #expect(try session.refusalCode(.assign(participant: Cast.ana, room: "logement"), by: .moderator)
            == .roomsNotOpen)
        #expect(try session.refusalCode(.closeRooms(afterSeconds: nil), by: .moderator) == .roomsNotOpen)
    }

    @Test("Only the open rooms can be chosen, and the refusal lists them")
    func chooseUnknownRoom() throws {
        var session = try Scenario.at("ateliers", in: Fixture.workshop { $0.agenda[1].rooms = ["logement"] })
        try session.when(.openRooms(mode: .self), by: .moderator)
        #expect(try session.refused(.chooseRoom(room: "mobilite"), by: .ana)
            == Refusal(.roomsUnknownRoom, "There is no open room \"mobilite\"; the rooms are: logement."))
        #expect(try session.refusalCode(.assign(participant: Cast.ana, room: "cuisine"), by: .moderator)
            == .roomsUnknownRoom)
    }

    @Test("Moderators are not placed in rooms")
    func moderatorsAreNotPlaced() throws {
        var session = try Scenario.at("ateliers")
        try session.when(.openRooms(mode: .self), by: .moderator)
        #expect(try session.refusalCode(.chooseRoom(room: "logement"), by: .moderator) == .participantIsModerator)
        #expect(try session.refusalCode(.assign(participant: Cast.moderator, room: "logement"), by: .moderator)
            == .participantIsModerator)
    }

    @Test("A moderator places and moves participants in any mode")
    func assignAndMove() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.when(.assign(participant: Cast.ana, room: "logement"), by: .moderator)
            == [.participantAssigned(participant: Cast.ana, room: "logement")])
        #expect(session.state.participants[Cast.ana]?.room == "logement")
        #expect(try session.when(.assign(participant: Cast.ana, room: "logement"), by: .moderator) == [])
    }

    @Test("Only moderators move participants, and only active ones")
    func assignIsChecked() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.refused(.assign(participant: Cast.bob, room: "logement"), by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can move participants."))
        try session.when(.leave, by: .bob)
        #expect(try session.refusalCode(.assign(participant: Cast.bob, room: "logement"), by: .moderator)
            == .participantUnknown)
    }

    @Test("Closing rooms now brings everyone back to plenary")
    func closeNow() throws {
        for delay in [nil, 0] {
            var session = try Scenario.inBreakout()
            #expect(try session.when(.closeRooms(afterSeconds: delay), by: .moderator)
                == [.roomsClosed(slot: "ateliers", at: session.now)])
            #expect(session.state.breakout == nil)
            #expect(session.state.activeParticipants.allSatisfy { $0.room == nil })
            #expect(session.state.currentSlot?.id == "ateliers")
        }
    }

    @Test("Closing with a warning sets a countdown that the server's clock completes")
    func closeAfterWarning() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.when(.closeRooms(afterSeconds: 120), by: .moderator)
            == [.roomsClosing(slot: "ateliers", closesAt: session.now.adding(seconds: 120))])
        #expect(session.state.breakout?.closesAt == session.now.adding(seconds: 120))
        session.wait(seconds: 119)
        #expect(try session.refused(.closeRooms(afterSeconds: nil), by: .system)
            == Refusal(.agendaTimeNotUp, "The rooms are not due to close."))
        session.wait(seconds: 1)
        #expect(try session.when(.closeRooms(afterSeconds: nil), by: .system)
            == [.roomsClosed(slot: "ateliers", at: session.now)])
        #expect(session.state.breakout == nil)
    }

    @Test("A pause holds the rooms' countdown where it was; resuming runs it on from there")
    func pauseHoldsTheRoomsCountdown() throws {
        var session = try Scenario.inBreakout()
        try session.when(.closeRooms(afterSeconds: 120), by: .moderator)
        session.wait(seconds: 30)
        try session.when(.pause, by: .moderator)
        #expect(session.state.breakout?.closesAt == nil)
        #expect(session.state.breakout?.closingWhenPaused == 90_000)
        session.wait(seconds: 600)
        #expect(try session.refusalCode(.closeRooms(afterSeconds: nil), by: .system) == .agendaTimeNotUp)
        #expect(session.state.breakout != nil)

        try session.when(.resume, by: .moderator)
        #expect(session.state.breakout?.closesAt == session.now.adding(seconds: 90))
        #expect(session.state.breakout?.closingWhenPaused == nil)
        session.wait(seconds: 90)
        #expect(try session.when(.closeRooms(afterSeconds: nil), by: .system)
            == [.roomsClosed(slot: "ateliers", at: session.now)])
    }

    @Test("While paused, rooms close now or once the session resumes, never on a countdown that runs in the pause")
    func pausedRoomsCloseNowOnly() throws {
        var session = try Scenario.inBreakout()
        try session.when(.pause, by: .moderator)
        #expect(try session.refused(.closeRooms(afterSeconds: 60), by: .moderator)
            == Refusal(.sessionNotRunning, "The session is paused: close the rooms now, or resume first."))
        #expect(try session.when(.closeRooms(afterSeconds: 0), by: .moderator)
            == [.roomsClosed(slot: "ateliers", at: session.now)])
    }

    @Test("Ending a paused session closes rooms whose countdown was held")
    func endWhilePausedClosesHeldRooms() throws {
        var session = try Scenario.inBreakout()
        try session.when(.closeRooms(afterSeconds: 120), by: .moderator)
        try session.when(.pause, by: .moderator)
        let events = try session.when(.end, by: .moderator)
        #expect(events.contains(.roomsClosed(slot: "ateliers", at: session.now)))
        #expect(session.state.breakout == nil)
    }

    @Test("The server's clock closes rooms only after a warning")
    func systemCloseNeedsWarning() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refusalCode(.closeRooms(afterSeconds: nil), by: .system) == .agendaTimeNotUp)
    }

    @Test("A warning is 0 to 600 seconds")
    func warningBounds() throws {
        let session = try Scenario.inBreakout()
        for seconds in [-1, 601] {
            #expect(try session.refused(.closeRooms(afterSeconds: seconds), by: .moderator)
                == Refusal(.roomsInvalidDelay, "Give 0 to 600 seconds of warning before closing rooms."))
        }
    }

    @Test("Only moderators close rooms")
    func closeIsModeratorOnly() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refusalCode(.closeRooms(afterSeconds: nil), by: .ana) == .authModeratorOnly)
    }
}
