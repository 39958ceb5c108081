@testable import AtelierCore
import Testing

@Suite("Lifecycle and agenda")
struct AgendaRulesTests {
    @Test("Starting runs the first slot for its planned minutes")
    func startRunsFirstSlot() throws {
        var session = try Scenario.withCast()
        let events = try session.when(.start, by: .moderator)
        #expect(events == [
            .sessionStarted(at: session.now),
            .slotStarted(slot: "accueil", at: session.now, endsAt: session.now.adding(seconds: 15 * 60)),
        ])
        #expect(session.state.status == .running)
        #expect(session.state.currentSlot?.id == "accueil")
        #expect(session.state.remaining(at: session.now) == .minutes(15))
    }

    @Test("Only moderators start the session")
    func startIsModeratorOnly() throws {
        let session = try Scenario.withCast()
        #expect(try session.refused(.start, by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can start the session."))
    }

    @Test("A session starts once")
    func startOnce() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.start, by: .moderator)
            == Refusal(.sessionAlreadyStarted, "The session has already started."))
    }

    @Test("The agenda does not move before the session starts")
    func agendaNeedsStart() throws {
        let session = try Scenario.withCast()
        for command: Command in [.nextSlot, .previousSlot, .goToSlot(slot: "vote"), .extendSlot(minutes: 5)] {
            #expect(try session.refused(command, by: .moderator)
                == Refusal(.sessionNotStarted, "The session has not started yet."))
        }
    }

    @Test("Only moderators move the agenda")
    func agendaIsModeratorOnly() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.nextSlot, by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can move the agenda."))
        #expect(try session.refusalCode(.extendSlot(minutes: 5), by: .ana) == .authModeratorOnly)
        #expect(try session.refusalCode(.pause, by: .ana) == .authModeratorOnly)
        #expect(try session.refusalCode(.end, by: .ana) == .authModeratorOnly)
    }

    @Test("Pausing freezes the remaining time and resuming restarts it from there")
    func pauseKeepsRemainingTime() throws {
        var session = try Scenario.running()
        session.wait(minutes: 5)
        #expect(try session.when(.pause, by: .moderator) == [.sessionPaused(at: session.now, remaining: .minutes(10))])
        #expect(session.state.status == .paused)
        session.wait(minutes: 30)
        #expect(session.state.remaining(at: session.now) == .minutes(10))
        #expect(try session.when(.resume, by: .moderator)
            == [.sessionResumed(at: session.now, endsAt: session.now.adding(seconds: 10 * 60))])
        #expect(session.state.status == .running)
        session.wait(minutes: 4)
        #expect(session.state.remaining(at: session.now) == .minutes(6))
    }

    @Test("Only a running session pauses")
    func pauseNeedsRunning() throws {
        var session = try Scenario.withCast()
        #expect(try session.refused(.pause, by: .moderator)
            == Refusal(.sessionNotRunning, "The session is not running."))
        try session.when(.start, by: .moderator)
        try session.when(.pause, by: .moderator)
        #expect(try session.refusalCode(.pause, by: .moderator) == .sessionNotRunning)
    }

    @Test("Only a paused session resumes")
    func resumeNeedsPause() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.resume, by: .moderator)
            == Refusal(.sessionNotPaused, "The session is not paused."))
    }

    @Test("The next slot ends the current one and starts with its own planned minutes")
    func nextSlot() throws {
        var session = try Scenario.running()
        session.wait(minutes: 20)
        let events = try session.when(.nextSlot, by: .moderator)
        #expect(events == [
            .slotEnded(slot: "accueil", at: session.now),
            .slotStarted(slot: "ateliers", at: session.now, endsAt: session.now.adding(seconds: 45 * 60)),
        ])
        #expect(session.state.currentSlot?.id == "ateliers")
    }

    @Test("The last slot has no next one")
    func noNextSlot() throws {
        let session = try Scenario.at("cloture")
        #expect(try session.refused(.nextSlot, by: .moderator)
            == Refusal(.agendaNoNextSlot, "This is the last slot of the agenda."))
    }

    @Test("Going back starts the previous slot again")
    func previousSlot() throws {
        var session = try Scenario.at("vote")
        let events = try session.when(.previousSlot, by: .moderator)
        #expect(events == [
            .slotEnded(slot: "vote", at: session.now),
            .slotStarted(slot: "ateliers", at: session.now, endsAt: session.now.adding(seconds: 45 * 60)),
        ])
    }

    @Test("The first slot has no previous one")
    func noPreviousSlot() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.previousSlot, by: .moderator)
            == Refusal(.agendaNoPreviousSlot, "This is the first slot of the agenda."))
    }

    @Test("Going to a slot jumps there")
    func goToSlot() throws {
        var session = try Scenario.running()
        let events = try session.when(.goToSlot(slot: "synthese"), by: .moderator)
        #expect(events == [
            .slotEnded(slot: "accueil", at: session.now),
            .slotStarted(slot: "synthese", at: session.now, endsAt: session.now.adding(seconds: 30 * 60)),
        ])
    }

    @Test("Going to a slot the agenda does not have is refused")
    func goToUnknownSlot() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.goToSlot(slot: "dejeuner"), by: .moderator)
            == Refusal(.agendaUnknownSlot, "There is no slot \"dejeuner\" in the agenda."))
    }

    @Test("Going to the slot already running is refused")
    func goToCurrentSlot() throws {
        let session = try Scenario.running()
        #expect(try session.refused(.goToSlot(slot: "accueil"), by: .moderator)
            == Refusal(.agendaAlreadyThere, "The agenda is already at \"accueil\"."))
    }

    @Test("Every run of a slot is recorded with its actual times, a revisited slot twice")
    func runsRecordActualTimes() throws {
        var session = try Scenario.running()
        let start = session.now
        session.wait(minutes: 20)
        try session.when(.nextSlot, by: .moderator)
        session.wait(minutes: 10)
        try session.when(.extendSlot(minutes: 5), by: .moderator)
        try session.when(.extendSlot(minutes: 10), by: .moderator)
        try session.when(.previousSlot, by: .moderator)
        #expect(session.state.agenda.runs == [
            .init(slot: "accueil", startedAt: start, endedAt: start.adding(seconds: 20 * 60)),
            .init(slot: "ateliers", startedAt: start.adding(seconds: 20 * 60), endedAt: start.adding(seconds: 30 * 60),
                  extendedMinutes: 15),
            .init(slot: "accueil", startedAt: start.adding(seconds: 30 * 60), endedAt: nil),
        ])
    }

    @Test("Moving the agenda while paused starts the new slot frozen with its full time")
    func moveWhilePaused() throws {
        var session = try Scenario.running()
        try session.when(.pause, by: .moderator)
        try session.when(.nextSlot, by: .moderator)
        session.wait(minutes: 10)
        #expect(session.state.status == .paused)
        #expect(session.state.remaining(at: session.now) == .minutes(45))
        #expect(try session.when(.resume, by: .moderator)
            == [.sessionResumed(at: session.now, endsAt: session.now.adding(seconds: 45 * 60))])
    }

    @Test("Extending gives the running slot more minutes")
    func extendRunningSlot() throws {
        var session = try Scenario.running()
        let plannedEnd = session.now.adding(seconds: 15 * 60)
        session.wait(minutes: 5)
        #expect(try session.when(.extendSlot(minutes: 10), by: .moderator)
            == [.slotExtended(slot: "accueil", minutes: 10, endsAt: plannedEnd.adding(seconds: 10 * 60))])
        #expect(session.state.agenda.endsAt == plannedEnd.adding(seconds: 10 * 60))
        #expect(session.state.remaining(at: session.now) == .minutes(20))
    }

    @Test("Extending while paused adds to the frozen remaining time")
    func extendWhilePaused() throws {
        var session = try Scenario.running()
        session.wait(minutes: 5)
        try session.when(.pause, by: .moderator)
        session.wait(minutes: 7)
        #expect(try session.when(.extendSlot(minutes: 3), by: .moderator)
            == [.slotExtended(slot: "accueil", minutes: 3, endsAt: session.now.adding(seconds: 13 * 60))])
        #expect(session.state.remaining(at: session.now) == .minutes(13))
        try session.when(.resume, by: .moderator)
        #expect(session.state.agenda.endsAt == session.now.adding(seconds: 13 * 60))
    }

    @Test("An extension is 1 to 240 minutes")
    func extensionBounds() throws {
        var session = try Scenario.running()
        for minutes in [0, -5, 241] {
            #expect(try session.refused(.extendSlot(minutes: minutes), by: .moderator)
                == Refusal(.agendaInvalidExtension, "Extend a slot by 1 to 240 minutes."))
        }
        try session.when(.extendSlot(minutes: 240), by: .moderator)
        try session.when(.extendSlot(minutes: 1), by: .moderator)
    }

    @Test("When a slot's time is up the server's clock signals it and the slot stays")
    func timeUpStays() throws {
        var session = try Scenario.running()
        session.wait(minutes: 15)
        #expect(try session.when(.expireSlot, by: .system)
            == [.slotTimeUp(slot: "accueil", at: session.now, behaviour: .stay)])
        #expect(session.state.currentSlot?.id == "accueil")
        #expect(session.state.agenda.timeUpSignalled)
    }

    @Test("Only the server's clock signals that time is up")
    func expireIsSystemOnly() throws {
        var session = try Scenario.running()
        session.wait(minutes: 15)
        #expect(try session.refused(.expireSlot, by: .moderator)
            == Refusal(.authModeratorOnly, "Only the server's clock can end a slot's time."))
        #expect(try session.refusalCode(.expireSlot, by: .guest) == .authModeratorOnly)
    }

    @Test("Time up is refused before the slot's end")
    func expireBeforeEnd() throws {
        var session = try Scenario.running()
        session.wait(minutes: 14, seconds: 59)
        #expect(try session.refused(.expireSlot, by: .system)
            == Refusal(.agendaTimeNotUp, "The current slot's time is not up."))
    }

    @Test("Time up is signalled once per run, and again after an extension runs out")
    func expireOncePerRun() throws {
        var session = try Scenario.running()
        session.wait(minutes: 15)
        session.given([.slotTimeUp(slot: "accueil", at: session.now, behaviour: .stay)])
        session.wait(minutes: 1)
        #expect(try session.refusalCode(.expireSlot, by: .system) == .agendaTimeNotUp)
        try session.when(.extendSlot(minutes: 5), by: .moderator)
        #expect(!session.state.agenda.timeUpSignalled)
        session.wait(minutes: 5)
        #expect(try session.when(.expireSlot, by: .system)
            == [.slotTimeUp(slot: "accueil", at: session.now, behaviour: .stay)])
    }

    @Test("Time is not up while the session is paused or not started")
    func expireNeedsRunning() throws {
        var session = try Scenario.withCast()
        #expect(try session.refusalCode(.expireSlot, by: .system) == .agendaTimeNotUp)
        try session.when(.start, by: .moderator)
        try session.when(.pause, by: .moderator)
        session.wait(minutes: 60)
        #expect(try session.refusalCode(.expireSlot, by: .system) == .agendaTimeNotUp)
    }

    @Test("A slot that advances on time up ends and starts the next one")
    func timeUpAdvances() throws {
        var session = try Scenario.at("synthese")
        session.wait(minutes: 31)
        #expect(try session.when(.expireSlot, by: .system) == [
            .slotTimeUp(slot: "synthese", at: session.now, behaviour: .advance),
            .slotEnded(slot: "synthese", at: session.now),
            .slotStarted(slot: "cloture", at: session.now, endsAt: session.now.adding(seconds: 10 * 60)),
        ])
        #expect(session.state.currentSlot?.id == "cloture")
        #expect(!session.state.agenda.timeUpSignalled)
    }

    @Test("A breakout that advances on time up closes its rooms first")
    func timeUpAdvanceClosesRooms() throws {
        var session = try Scenario.inBreakout(Fixture.workshop { $0.agenda[1].onTimeUp = .advance })
        session.wait(minutes: 45)
        #expect(try session.when(.expireSlot, by: .system) == [
            .slotTimeUp(slot: "ateliers", at: session.now, behaviour: .advance),
            .roomsClosed(slot: "ateliers", at: session.now),
            .slotEnded(slot: "ateliers", at: session.now),
            .slotStarted(slot: "vote", at: session.now, endsAt: session.now.adding(seconds: 20 * 60)),
        ])
        #expect(session.state.breakout == nil)
        #expect(session.state.participants[Cast.ana]?.room == nil)
    }

    @Test("The last slot stays when its time is up, even set to advance")
    func lastSlotCannotAdvance() throws {
        var session = try Scenario.at("cloture", in: Fixture.workshop { $0.agenda[4].onTimeUp = .advance })
        session.wait(minutes: 10)
        #expect(try session.when(.expireSlot, by: .system)
            == [.slotTimeUp(slot: "cloture", at: session.now, behaviour: .advance)])
        #expect(session.state.currentSlot?.id == "cloture")
    }

    @Test("Moving the agenda brings everyone back from open rooms")
    func movingClosesRooms() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.when(.nextSlot, by: .moderator) == [
            .roomsClosed(slot: "ateliers", at: session.now),
            .slotEnded(slot: "ateliers", at: session.now),
            .slotStarted(slot: "vote", at: session.now, endsAt: session.now.adding(seconds: 20 * 60)),
        ])
        #expect(session.state.breakout == nil)
        #expect(session.state.activeParticipants.allSatisfy { $0.room == nil })
    }

    @Test("Ending closes open rooms and open votes, then ends the session")
    func endClosesEverything() throws {
        var session = try Scenario.inBreakout()
        try session.when(.vote(on: .boards), by: .moderator)
        session.wait(minutes: 12)
        #expect(try session.when(.end, by: .moderator) == [
            .roomsClosed(slot: "ateliers", at: session.now),
            .slotEnded(slot: "ateliers", at: session.now),
            .voteClosed(id: "v1", at: session.now),
            .sessionEnded(at: session.now),
        ])
        #expect(session.state.status == .ended)
        #expect(session.state.currentSlot == nil)
        #expect(session.state.votes["v1"]?.status == .closed)
        #expect(session.state.agenda.runs.last?.endedAt == session.now)
    }

    @Test("Once ended, every command but curating the synthesis is refused, from anyone")
    func endedRefusesEverything() throws {
        var session = try Scenario.running()
        try session.when(.end, by: .moderator)
        let attempts: [(Command, Actor)] = [
            (.join(name: "Eve", role: "elu", organisation: nil, language: "fr", credential: "e"), .guest),
            (.rejoin(credential: "token-Ana"), .guest),
            (.start, .moderator),
            (.end, .moderator),
            (.expireSlot, .system),
            (.note("Merci", prompt: "retours", on: .retours), .ana),
            (.announce(text: "Au revoir", room: nil), .moderator),
        ]
        for (command, actor) in attempts {
            #expect(try session.refused(command, by: actor) == Refusal(.sessionEnded, "The session has ended."))
        }
    }

    @Test("Extending a slot that has overrun gives it the minutes from now")
    func extendOverrunSlot() throws {
        var session = try Scenario.running()
        session.wait(minutes: 25)
        try session.when(.expireSlot, by: .system)
        #expect(try session.when(.extendSlot(minutes: 5), by: .moderator)
            == [.slotExtended(slot: "accueil", minutes: 5, endsAt: session.now.adding(seconds: 5 * 60))])
        #expect(session.state.remaining(at: session.now) == .minutes(5))
        #expect(try session.refusalCode(.expireSlot, by: .system) == .agendaTimeNotUp)
    }

    @Test("Extending a paused slot that had overrun gives it the minutes from when it resumes")
    func extendPausedOverrunSlot() throws {
        var session = try Scenario.running()
        session.wait(minutes: 25)
        #expect(try session.when(.pause, by: .moderator) == [.sessionPaused(at: session.now, remaining: -.minutes(10))])
        try session.when(.extendSlot(minutes: 5), by: .moderator)
        #expect(session.state.remaining(at: session.now) == .minutes(5))
        session.wait(minutes: 1)
        try session.when(.resume, by: .moderator)
        #expect(session.state.agenda.endsAt == session.now.adding(seconds: 5 * 60))
    }
}
