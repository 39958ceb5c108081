extension Command {
    /// Whether the command curates the synthesis, which organisers go on doing after the end.
    public var isCuration: Bool {
        switch self {
        case .writeFindings, .featureQuote, .unfeatureQuote, .classifyRecommendation, .addReservation,
             .withdrawReservation, .writeSynthesisText:
            return true
        default:
            return false
        }
    }

    /// Whether the command is a moderator joining (the server sends it once the key is checked).
    var isModeratorEntry: Bool {
        if case .joinAsModerator = self { return true }
        return false
    }
}

extension Decision {
    func writeFindings(room: RoomID, text: LocalizedText?) throws(Refusal) -> [Event] {
        let person = try requireCurator(of: room, to: "write a theme's findings")
        try requireStarted()
        _ = try requireRoom(room)
        let text = try text.map { text throws(Refusal) in try cleanProse(text, field: "findings") }
        return [.findingsWritten(room: room, text: text, by: person.id, at: now)]
    }

    func featureQuote(_ quote: QuoteSource) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        try requireStarted()
        try requireCurator(of: requireQuotable(quote, by: person).room, by: person, to: "feature quotes")
        if state.featuredQuotes.contains(quote) {
            throw Refusal(.quoteAlreadyFeatured, "This is already quoted in the synthesis.")
        }
        return [.quoteFeatured(quote: quote, by: person.id)]
    }

    func unfeatureQuote(_ quote: QuoteSource) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        try requireStarted()
        try requireCurator(of: requireQuotable(quote, by: person).room, by: person, to: "feature quotes")
        guard state.featuredQuotes.contains(quote) else {
            throw Refusal(.quoteNotFeatured, "This is not quoted in the synthesis.")
        }
        return [.quoteUnfeatured(quote: quote)]
    }

    func classifyRecommendation(_ id: RecommendationID, theme: RoomID?, addressee: String?) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "give recommendations a theme and an addressee")
        _ = try requireRecommendation(id)
        if let theme { _ = try requireRoom(theme) }
        if let addressee, state.workshop.addressee(addressee) == nil {
            let known = (state.workshop.addressees ?? []).map(\.id)
            throw Refusal(.recommendationUnknownAddressee, known.isEmpty
                ? "This workshop lists no addressees; add them to the workshop file."
                : "There is no addressee \"\(addressee)\" in this workshop; use one of: \(known.joined(separator: ", ")).")
        }
        return [.recommendationClassified(id: id, theme: theme, addressee: addressee)]
    }

    func addReservation(on id: RecommendationID, text: LocalizedText) throws(Refusal) -> [Event] {
        let recommendation = try requireRecommendation(id)
        let person = try requireCurator(of: recommendation.room, to: "record reservations")
        let text = try cleanText(text, field: "reservation", limit: TextLimits.reservation, languages: state.workshop.languages)
        return [.reservationAdded(
            id: "rv\(state.counters.reservations + 1)", recommendation: id, text: text, by: person.id, at: now)]
    }

    func withdrawReservation(_ id: ReservationID) throws(Refusal) -> [Event] {
        guard let reservation = state.reservations.first(where: { $0.id == id }) else {
            throw Refusal(.reservationUnknown, "There is no reservation \"\(id)\".")
        }
        _ = try requireCurator(of: state.recommendations[reservation.recommendation]?.room, to: "withdraw reservations")
        return [.reservationWithdrawn(id: id)]
    }

    func writeSynthesisText(_ part: SynthesisPart, text: LocalizedText?) throws(Refusal) -> [Event] {
        let person = try requireModerator(to: "write the synthesis's \(part.rawValue)")
        try requireStarted()
        let text = try text.map { text throws(Refusal) in try cleanProse(text, field: part.rawValue) }
        return [.synthesisTextWritten(part: part, text: text, by: person.id, at: now)]
    }

    // MARK: Helpers

    /// The joined participant behind the actor, when they moderate or facilitate `room`.
    private func requireCurator(of room: RoomID?, to action: String) throws(Refusal) -> SessionState.Participant {
        let person = try requireParticipant()
        try requireCurator(of: room, by: person, to: action)
        return person
    }

    func requireCurator(of room: RoomID?, by person: SessionState.Participant, to action: String) throws(Refusal) {
        guard state.canCurate(room, as: person.id) else {
            throw Refusal(.authFacilitatorOnly, "Only this room's facilitators and the moderators can \(action).")
        }
    }

    /// The board a quoted note or comment is on, when `person` may read it.
    private func requireQuotable(_ quote: QuoteSource, by person: SessionState.Participant) throws(Refusal) -> BoardID {
        switch quote {
        case .note(let id):
            return try requireReadableNote(id, by: person).board
        case .comment(let id):
            guard let comment = state.comments[id], let note = state.notes[comment.note],
                  state.canRead(note.board, as: person.id) else {
                throw Refusal(.commentUnknown, "There is no comment \"\(id)\".")
            }
            return note.board
        }
    }

    private func cleanProse(_ text: LocalizedText, field: String) throws(Refusal) -> LocalizedText {
        try cleanText(text, field: field, limit: TextLimits.synthesisProse, languages: state.workshop.languages)
    }
}
