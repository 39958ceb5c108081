extension Decision {
    mutating func join(
        name: String, role: String, organisation: String?, language: String, credential: String
    ) throws(Refusal) -> [Event] {
        try requireGuest()
        let name = try cleanText(name, field: "name", limit: TextLimits.name)
        guard state.workshop.role(role) != nil else {
            let roles = state.workshop.roles.map(\.id).joined(separator: ", ")
            throw Refusal(.participantUnknownRole, "\"\(role)\" is not a role of this workshop; choose one of: \(roles).")
        }
        let organisation = try organisation.flatMap { text throws(Refusal) -> String? in
            text.isBlank ? nil : try cleanText(text, field: "organisation", limit: TextLimits.organisation)
        }
        try requireLanguage(language)
        let credential = try requireCredential(credential)
        let id = "p\(state.counters.participants + 1)"
        var events: [Event] = [.participantJoined(
            id: id, name: name, role: role, organisation: organisation, language: language,
            isModerator: false, credential: credential, at: now)]
        if let breakout = state.breakout, breakout.mode == .random {
            let room = smallestRooms(of: breakout).randomElement(using: &random) ?? breakout.rooms[0]
            events.append(.participantAssigned(participant: id, room: room))
        }
        return events
    }

    func joinAsModerator(name: String, language: String, credential: String) throws(Refusal) -> [Event] {
        try requireGuest()
        let name = try cleanText(name, field: "name", limit: TextLimits.name)
        try requireLanguage(language)
        let credential = try requireCredential(credential)
        return [.participantJoined(
            id: "p\(state.counters.participants + 1)", name: name, role: nil, organisation: nil,
            language: language, isModerator: true, credential: credential, at: now)]
    }

    func rejoin(credential: String) throws(Refusal) -> [Event] {
        try requireGuest()
        guard !credential.isEmpty, let person = state.participant(withCredential: credential) else {
            throw Refusal(.authUnknownToken, "This reconnect token is not known in this session; join again.")
        }
        return person.isActive ? [] : [.participantRejoined(id: person.id, at: now)]
    }

    func leave() throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        return [.participantLeft(id: person.id, at: now)]
    }

    func setLanguage(_ language: String) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        try requireLanguage(language)
        return person.language == language ? [] : [.languageChanged(participant: person.id, language: language)]
    }

    func appointFacilitator(_ id: ParticipantID, room: RoomID?) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "appoint facilitators")
        let person = try requireAttendee(id)
        if let room { _ = try requireRoom(room) }
        var events: [Event] = [.facilitatorAppointed(participant: id, room: room)]
        if let room, let breakout = state.breakout, breakout.rooms.contains(room), person.room != room {
            events.append(.participantAssigned(participant: id, room: room))
        }
        return events
    }

    // MARK: Helpers

    private func requireGuest() throws(Refusal) {
        if case .participant = actor {
            throw Refusal(.authAlreadyJoined, "This connection has already joined the session.")
        }
    }

    private func requireLanguage(_ language: String) throws(Refusal) {
        guard state.workshop.languages.contains(language) else {
            let offered = state.workshop.languages.joined(separator: ", ")
            throw Refusal(.participantUnknownLanguage, "\"\(language)\" is not offered in this workshop; choose one of: \(offered).")
        }
    }

    private func requireCredential(_ credential: String) throws(Refusal) -> String {
        guard !credential.isEmpty, credential.count <= TextLimits.credential,
              state.participant(withCredential: credential) == nil else {
            throw Refusal(.authUnknownToken, "This reconnect credential cannot be used; ask for a new one.")
        }
        return credential
    }
}
