extension SessionState {
    /// The state a `sessionCreated` event starts; nil for any other event.
    public init?(created event: Event) {
        guard case let .sessionCreated(id, joinCode, workshop, at) = event else { return nil }
        self.init(id: id, joinCode: joinCode, workshop: workshop, createdAt: at)
    }

    /// Replays a whole log; nil when it does not begin with `sessionCreated`.
    public init?(replaying events: some Sequence<Event>) {
        var iterator = events.makeIterator()
        guard let first = iterator.next(), var state = SessionState(created: first) else { return nil }
        while let event = iterator.next() { state.apply(event) }
        self = state
    }

    /// Folds one event into the state. Events are facts: nothing here refuses or decides.
    public mutating func apply(_ event: Event) {
        switch event {
        case .sessionCreated:
            break
        case .sessionStarted:
            status = .running
        case let .sessionPaused(at, remaining):
            status = .paused
            agenda.remainingWhenPaused = remaining
            agenda.endsAt = nil
            if let closesAt = breakout?.closesAt {
                breakout?.closingWhenPaused = max(closesAt.milliseconds(since: at), 0)
                breakout?.closesAt = nil
            }
        case let .sessionResumed(at, endsAt):
            status = .running
            agenda.remainingWhenPaused = nil
            agenda.endsAt = endsAt
            if let left = breakout?.closingWhenPaused {
                breakout?.closesAt = at.adding(milliseconds: left)
                breakout?.closingWhenPaused = nil
            }
        case let .sessionEnded(at):
            status = .ended
            agenda.current = nil
            agenda.endsAt = nil
            agenda.remainingWhenPaused = nil
            if let last = agenda.runs.indices.last, agenda.runs[last].endedAt == nil { agenda.runs[last].endedAt = at }

        case let .participantJoined(id, name, role, organisation, language, isModerator, credential, at):
            participants[id] = Participant(
                id: id, name: name, role: role, organisation: organisation, language: language,
                isModerator: isModerator, credential: credential, joinedAt: at)
            participantOrder.append(id)
            counters.participants += 1
        case let .participantLeft(id, _):
            participants[id]?.isActive = false
            participants[id]?.room = nil
        case let .participantRejoined(id, _):
            participants[id]?.isActive = true
        case let .languageChanged(participant, language):
            participants[participant]?.language = language
        case let .facilitatorAppointed(participant, room):
            participants[participant]?.facilitates = room

        case let .slotStarted(slot, at, endsAt):
            agenda.current = workshop.agenda.firstIndex { $0.id == slot }
            agenda.endsAt = status == .paused ? nil : endsAt
            agenda.remainingWhenPaused = status == .paused ? endsAt.milliseconds(since: at) : nil
            agenda.timeUpSignalled = false
            agenda.runs.append(SlotRun(slot: slot, startedAt: at))
        case let .slotEnded(_, at):
            if let last = agenda.runs.indices.last { agenda.runs[last].endedAt = at }
            agenda.current = nil
            agenda.endsAt = nil
            agenda.remainingWhenPaused = nil
        case let .slotExtended(_, minutes, endsAt):
            if status == .paused {
                agenda.remainingWhenPaused = max(agenda.remainingWhenPaused ?? 0, 0) + Int64(minutes) * 60_000
            } else {
                agenda.endsAt = endsAt
            }
            agenda.timeUpSignalled = false
            if let last = agenda.runs.indices.last { agenda.runs[last].extendedMinutes += minutes }
        case .slotTimeUp:
            agenda.timeUpSignalled = true

        case let .roomsOpened(slot, rooms, mode, _):
            breakout = Breakout(slot: slot, rooms: rooms, mode: mode)
            for id in participantOrder { participants[id]?.room = nil }
        case let .participantAssigned(participant, room):
            participants[participant]?.room = room
        case let .roomsClosing(_, closesAt):
            breakout?.closesAt = closesAt
        case .roomsClosed:
            breakout = nil
            for id in participantOrder { participants[id]?.room = nil }

        case let .noteAdded(id, board, prompt, author, text, colour, anonymous, at):
            notes[id] = Note(
                id: id, board: board, prompt: prompt, author: author, text: text, colour: colour,
                anonymous: anonymous, createdAt: at)
            noteOrder.append(id)
            counters.notes += 1
        case let .noteEdited(id, text, colour, at):
            notes[id]?.text = text
            notes[id]?.colour = colour
            notes[id]?.editedAt = at
        case let .noteDeleted(id, _, _):
            if let cluster = notes[id]?.cluster { clusters[cluster]?.notes.removeAll { $0 == id } }
            notes[id] = nil
            noteOrder.removeAll { $0 == id }
            let orphaned = commentOrder.filter { comments[$0]?.note == id }
            for comment in orphaned { comments[comment] = nil }
            commentOrder.removeAll { orphaned.contains($0) }
            featuredQuotes.removeAll { $0 == .note(id) || orphaned.map(QuoteSource.comment).contains($0) }
            returnDots(on: id)
        case let .commentAdded(id, note, author, text, at):
            comments[id] = Comment(id: id, note: note, author: author, text: text, createdAt: at)
            commentOrder.append(id)
            counters.comments += 1
        case let .commentDeleted(id, _, _):
            comments[id] = nil
            commentOrder.removeAll { $0 == id }
            featuredQuotes.removeAll { $0 == .comment(id) }
        case let .clusterCreated(id, board, name):
            clusters[id] = Cluster(id: id, board: board, name: name)
            clusterOrder.append(id)
            counters.clusters += 1
        case let .notesGrouped(cluster, members):
            for note in members {
                if let previous = notes[note]?.cluster { clusters[previous]?.notes.removeAll { $0 == note } }
                notes[note]?.cluster = cluster
                clusters[cluster]?.notes.append(note)
            }
        case let .notesUngrouped(members):
            for note in members {
                if let previous = notes[note]?.cluster { clusters[previous]?.notes.removeAll { $0 == note } }
                notes[note]?.cluster = nil
            }
        case let .clusterNamed(id, name):
            clusters[id]?.name = name
        case let .clusterDissolved(id):
            for note in clusters[id]?.notes ?? [] { notes[note]?.cluster = nil }
            clusters[id] = nil
            clusterOrder.removeAll { $0 == id }

        case let .voteOpened(id, scope, slot, boards, dotsPerPerson, maxDotsPerItem, hidden, at):
            votes[id] = VoteRound(
                id: id, scope: scope, slot: slot, boards: boards, dotsPerPerson: dotsPerPerson,
                maxDotsPerItem: maxDotsPerItem, hidden: hidden, openedAt: at)
            voteOrder.append(id)
            counters.votes += 1
        case let .dotPlaced(vote, item, participant):
            votes[vote]?.dots[participant, default: [:]][item, default: 0] += 1
        case let .dotRemoved(vote, item, participant):
            let left = (votes[vote]?.dots[participant]?[item] ?? 0) - 1
            votes[vote]?.dots[participant]?[item] = left > 0 ? left : nil
        case let .voteClosed(id, at):
            votes[id]?.status = .closed
            votes[id]?.closedAt = at
        case let .voteRevealed(id, _):
            votes[id]?.status = .revealed

        case let .itemPromoted(id, source, board, text, at):
            promoted.append(PromotedItem(id: id, source: source, board: board, text: text, promotedAt: at))
            counters.promoted += 1
        case let .itemDemoted(id):
            promoted.removeAll { $0.id == id }
            returnDots(on: id)
        case let .recommendationDrafted(id, text, sources, room, by, at):
            recommendations[id] = Recommendation(
                id: id, text: text, sources: sources, room: room, author: by, createdAt: at)
            recommendationOrder.append(id)
            counters.recommendations += 1
        case let .recommendationEdited(id, text, sources, room):
            recommendations[id]?.text = text
            recommendations[id]?.sources = sources
            recommendations[id]?.room = room
        case let .recommendationWithdrawn(id):
            recommendations[id] = nil
            recommendationOrder.removeAll { $0 == id }
            reservations.removeAll { $0.recommendation == id }
            returnDots(on: id)
        case let .recommendationsOrdered(order):
            recommendationOrder = order

        case let .findingsWritten(room, text, _, _):
            findings[room] = text
        case let .quoteFeatured(quote, _):
            featuredQuotes.append(quote)
        case let .quoteUnfeatured(quote):
            featuredQuotes.removeAll { $0 == quote }
        case let .recommendationClassified(id, theme, addressee):
            recommendations[id]?.room = theme
            recommendations[id]?.addressee = addressee
        case let .reservationAdded(id, recommendation, text, by, at):
            reservations.append(Reservation(id: id, recommendation: recommendation, text: text, author: by, at: at))
            counters.reservations += 1
        case let .reservationWithdrawn(id):
            reservations.removeAll { $0.id == id }
        case let .synthesisTextWritten(part, text, _, _):
            synthesisTexts[part] = text

        case let .announced(id, text, room, by, at):
            announcements.append(Announcement(id: id, text: text, room: room, author: by, at: at))
            counters.announcements += 1
        }
    }

    /// Gives back the dots placed on an item that no longer exists, in the rounds still open.
    private mutating func returnDots(on item: String) {
        for vote in voteOrder where votes[vote]?.status == .open {
            for participant in votes[vote]?.dots.keys.map({ $0 }) ?? [] {
                votes[vote]?.dots[participant]?[item] = nil
            }
        }
    }
}
