extension Decision {
    mutating func openRooms(mode: WorkshopDefinition.AssignmentMode?) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "open rooms")
        try requireStarted()
        guard let slot = state.currentSlot, slot.kind == .breakout else {
            throw Refusal(.roomsNotBreakout, "The current slot is not a breakout.")
        }
        if state.breakout != nil { throw Refusal(.roomsAlreadyOpen, "The rooms are already open.") }
        let mode = mode ?? state.workshop.assignment
        let rooms = state.workshop.rooms(of: slot)
        var events: [Event] = [.roomsOpened(slot: slot.id, rooms: rooms, mode: mode, at: now)]
        var sizes = Dictionary(uniqueKeysWithValues: rooms.map { ($0, 0) })
        var unplaced: [ParticipantID] = []
        for person in state.activeParticipants where !person.isModerator {
            if let room = person.facilitates, rooms.contains(room) {
                events.append(.participantAssigned(participant: person.id, room: room))
                sizes[room, default: 0] += 1
            } else {
                unplaced.append(person.id)
            }
        }
        guard mode == .random else { return events }
        for id in unplaced.shuffled(using: &random) {
            let smallest = sizes.values.min() ?? 0
            let room = rooms.first { sizes[$0] == smallest } ?? rooms[0]
            events.append(.participantAssigned(participant: id, room: room))
            sizes[room, default: 0] += 1
        }
        return events
    }

    func chooseRoom(_ room: RoomID) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        let breakout = try requireBreakout()
        _ = try requireAttendee(person.id)
        guard breakout.mode == .self else {
            throw Refusal(.roomsSelfSelectionOff, "Rooms are assigned in this breakout; ask a moderator to move you.")
        }
        try requireBreakoutRoom(room, in: breakout)
        return person.room == room ? [] : [.participantAssigned(participant: person.id, room: room)]
    }

    func assign(_ id: ParticipantID, to room: RoomID) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "move participants")
        let breakout = try requireBreakout()
        let person = try requireAttendee(id)
        try requireBreakoutRoom(room, in: breakout)
        return person.room == room ? [] : [.participantAssigned(participant: id, room: room)]
    }

    func closeRooms(afterSeconds: Int?) throws(Refusal) -> [Event] {
        if actor == .system {
            guard let breakout = state.breakout, let closesAt = breakout.closesAt, closesAt <= now else {
                throw Refusal(.agendaTimeNotUp, "The rooms are not due to close.")
            }
            return [.roomsClosed(slot: breakout.slot, at: now)]
        }
        _ = try requireModerator(to: "close rooms")
        let breakout = try requireBreakout()
        let delay = afterSeconds ?? 0
        guard (0...600).contains(delay) else {
            throw Refusal(.roomsInvalidDelay, "Give 0 to 600 seconds of warning before closing rooms.")
        }
        if delay == 0 { return [.roomsClosed(slot: breakout.slot, at: now)] }
        guard state.status != .paused else {
            throw Refusal(.sessionNotRunning, "The session is paused: close the rooms now, or resume first.")
        }
        return [.roomsClosing(slot: breakout.slot, closesAt: now.adding(seconds: Int64(delay)))]
    }

    // MARK: Helpers

    /// The rooms with the fewest active participants, for placing a latecomer.
    func smallestRooms(of breakout: SessionState.Breakout) -> [RoomID] {
        var sizes = Dictionary(uniqueKeysWithValues: breakout.rooms.map { ($0, 0) })
        for person in state.activeParticipants { if let room = person.room { sizes[room, default: 0] += 1 } }
        let smallest = sizes.values.min() ?? 0
        return breakout.rooms.filter { sizes[$0] == smallest }
    }

    private func requireBreakout() throws(Refusal) -> SessionState.Breakout {
        guard let breakout = state.breakout else { throw Refusal(.roomsNotOpen, "The rooms are not open.") }
        return breakout
    }

    private func requireBreakoutRoom(_ room: RoomID, in breakout: SessionState.Breakout) throws(Refusal) {
        guard breakout.rooms.contains(room) else {
            throw Refusal(.roomsUnknownRoom, "There is no open room \"\(room)\"; the rooms are: \(breakout.rooms.joined(separator: ", ")).")
        }
    }
}
