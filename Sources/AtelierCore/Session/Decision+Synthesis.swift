extension Decision {
    func promote(_ source: PromotedSource, text: String?) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        try requireStarted()
        let board: BoardID
        let original: String?
        switch source {
        case .note(let id):
            let note = try requireReadableNote(id, by: person)
            (board, original) = (note.board, note.text)
        case .cluster(let id):
            guard let cluster = state.clusters[id], state.canRead(cluster.board, as: person.id) else {
                throw Refusal(.clusterUnknown, "There is no group \"\(id)\".")
            }
            (board, original) = (cluster.board, cluster.name)
        }
        try requireFacilitator(of: board, by: person, to: "promote items to the plenary")
        if state.promoted.contains(where: { $0.source == source }) {
            throw Refusal(.synthesisAlreadyPromoted, "This is already on the plenary list.")
        }
        guard let wording = text ?? original else {
            throw Refusal(.clusterUnnamed, "Name the group, or give the text to show in plenary.")
        }
        let text = try cleanText(wording, field: "plenary item", limit: TextLimits.promoted)
        return [.itemPromoted(id: "i\(state.counters.promoted + 1)", source: source, board: board, text: text, at: now)]
    }

    /// The plenary list is the moderators': facilitators propose items to it, and one who promoted
    /// by mistake asks a moderator, who sees the item on the console's synthesis panel.
    func demote(_ id: PromotedID) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "take items off the plenary list")
        guard state.promoted.contains(where: { $0.id == id }) else {
            throw Refusal(.synthesisUnknownItem, "There is no plenary item \"\(id)\".")
        }
        return [.itemDemoted(id: id)]
    }

    func draftRecommendation(text: LocalizedText, sources: [RecommendationSource], room: RoomID?) throws(Refusal) -> [Event] {
        let person = try requireModerator(to: "write recommendations")
        let text = try cleanRecommendation(text)
        let sources = try requireSources(sources)
        if let room { _ = try requireRoom(room) }
        return [.recommendationDrafted(
            id: "r\(state.counters.recommendations + 1)", text: text, sources: sources, room: room,
            by: person.id, at: now)]
    }

    func editRecommendation(
        _ id: RecommendationID, text: LocalizedText?, sources: [RecommendationSource]?, room: RoomID?
    ) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "edit recommendations")
        let current = try requireRecommendation(id)
        let newText = try text.map { text throws(Refusal) in try cleanRecommendation(text) }
        let newSources = try sources.map { sources throws(Refusal) in try requireSources(sources) }
        if let room { _ = try requireRoom(room) }
        return [.recommendationEdited(
            id: id, text: newText ?? current.text, sources: newSources ?? current.sources, room: room ?? current.room)]
    }

    func withdrawRecommendation(_ id: RecommendationID) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "withdraw recommendations")
        _ = try requireRecommendation(id)
        return [.recommendationWithdrawn(id: id)]
    }

    func orderRecommendations(_ order: [RecommendationID]) throws(Refusal) -> [Event] {
        _ = try requireModerator(to: "order recommendations")
        guard order.count == state.recommendationOrder.count, Set(order) == Set(state.recommendationOrder) else {
            throw Refusal(.recommendationBadOrder, "List every recommendation exactly once.")
        }
        return [.recommendationsOrdered(order: order)]
    }

    func announce(text: LocalizedText, room: RoomID?) throws(Refusal) -> [Event] {
        let person = try requireModerator(to: "make announcements")
        let text = try cleanText(text, field: "announcement", limit: TextLimits.announcement, languages: state.workshop.languages)
        if let room { _ = try requireRoom(room) }
        return [.announced(id: "a\(state.counters.announcements + 1)", text: text, room: room, by: person.id, at: now)]
    }

    // MARK: Helpers

    private func cleanRecommendation(_ text: LocalizedText) throws(Refusal) -> LocalizedText {
        try cleanText(text, field: "recommendation", limit: TextLimits.recommendation, languages: state.workshop.languages)
    }

    func requireRecommendation(_ id: RecommendationID) throws(Refusal) -> SessionState.Recommendation {
        guard let recommendation = state.recommendations[id] else {
            throw Refusal(.recommendationUnknown, "There is no recommendation \"\(id)\".")
        }
        return recommendation
    }

    /// The distinct sources named, each an existing note or plenary item.
    private func requireSources(_ sources: [RecommendationSource]) throws(Refusal) -> [RecommendationSource] {
        var distinct: [RecommendationSource] = []
        for source in sources where !distinct.contains(source) {
            guard state.room(of: source) != nil else {
                let name: String
                switch source {
                case .note(let id): name = "note \"\(id)\""
                case .promoted(let id): name = "plenary item \"\(id)\""
                }
                throw Refusal(.recommendationUnknownSource, "There is no \(name) in this session.")
            }
            distinct.append(source)
        }
        return distinct
    }
}
