extension Decision {
    func start() throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "start the session")
        guard state.status == .created else {
            throw Refusal(.sessionAlreadyStarted, "The session has already started.")
        }
        return [.sessionStarted(at: now)] + startSlot(at: 0)
    }

    func pause() throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "pause the session")
        guard state.status == .running else { throw Refusal(.sessionNotRunning, "The session is not running.") }
        return [.sessionPaused(at: now, remaining: state.remaining(at: now))]
    }

    func resume() throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "resume the session")
        guard state.status == .paused else { throw Refusal(.sessionNotPaused, "The session is not paused.") }
        return [.sessionResumed(at: now, endsAt: state.agenda.remainingWhenPaused.map { now.adding(milliseconds: $0) })]
    }

    func end() throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "end the session")
        var events = closingEvents()
        for id in state.voteOrder where state.votes[id]?.status == .open {
            events.append(.voteClosed(id: id, at: now))
        }
        return events + [.sessionEnded(at: now)]
    }

    func nextSlot() throws(Refusal) -> [Event] {
        let index = try currentIndex(toMove: "move the agenda")
        guard index + 1 < state.workshop.agenda.count else {
            throw Refusal(.agendaNoNextSlot, "This is the last slot of the agenda.")
        }
        return closingEvents() + startSlot(at: index + 1)
    }

    func previousSlot() throws(Refusal) -> [Event] {
        let index = try currentIndex(toMove: "move the agenda")
        guard index > 0 else { throw Refusal(.agendaNoPreviousSlot, "This is the first slot of the agenda.") }
        return closingEvents() + startSlot(at: index - 1)
    }

    func goToSlot(_ slot: SlotID) throws(Refusal) -> [Event] {
        let index = try currentIndex(toMove: "move the agenda")
        guard let target = state.workshop.agenda.firstIndex(where: { $0.id == slot }) else {
            throw Refusal(.agendaUnknownSlot, "There is no slot \"\(slot)\" in the agenda.")
        }
        guard target != index else { throw Refusal(.agendaAlreadyThere, "The agenda is already at \"\(slot)\".") }
        return closingEvents() + startSlot(at: target)
    }

    func extendSlot(minutes: Int) throws(Refusal) -> [Event] {
        let index = try currentIndex(toMove: "extend a slot")
        guard (1...240).contains(minutes) else {
            throw Refusal(.agendaInvalidExtension, "Extend a slot by 1 to 240 minutes.")
        }
        // A slot that has overrun gets its extra minutes from now, not from its planned end.
        let remaining = max(state.remaining(at: now) ?? 0, 0)
        let endsAt = now.adding(milliseconds: remaining).adding(seconds: Int64(minutes) * 60)
        return [.slotExtended(slot: state.workshop.agenda[index].id, minutes: minutes, endsAt: endsAt)]
    }

    func expireSlot() throws(Refusal) -> [Event] {
        guard actor == .system else {
            throw Refusal(.authModeratorOnly, "Only the server's clock can end a slot's time.")
        }
        guard state.status == .running, let index = state.agenda.current, let endsAt = state.agenda.endsAt,
              endsAt <= now, !state.agenda.timeUpSignalled else {
            throw Refusal(.agendaTimeNotUp, "The current slot's time is not up.")
        }
        let slot = state.workshop.agenda[index]
        let behaviour = slot.onTimeUp ?? .stay
        var events: [Event] = [.slotTimeUp(slot: slot.id, at: now, behaviour: behaviour)]
        if behaviour == .advance, index + 1 < state.workshop.agenda.count {
            events += closingEvents() + startSlot(at: index + 1)
        }
        return events
    }

    // MARK: Helpers

    /// The index of the running slot, after checking the actor may move the agenda.
    private func currentIndex(toMove action: String) throws(Refusal) -> Int {
        _ = try requireModerator(to: action)
        try requireStarted()
        guard let index = state.agenda.current else {
            throw Refusal(.sessionNotStarted, "The session has not started yet.")
        }
        return index
    }

    /// Events that start the slot at `index`, planned to last its minutes from now.
    private func startSlot(at index: Int) -> [Event] {
        let slot = state.workshop.agenda[index]
        return [.slotStarted(slot: slot.id, at: now, endsAt: now.adding(seconds: Int64(slot.minutes) * 60))]
    }

    /// Events that close what the current slot opened (its rooms) and end it.
    func closingEvents() -> [Event] {
        var events: [Event] = []
        if let breakout = state.breakout { events.append(.roomsClosed(slot: breakout.slot, at: now)) }
        if let slot = state.currentSlot { events.append(.slotEnded(slot: slot.id, at: now)) }
        return events
    }
}
