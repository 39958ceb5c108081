extension Decision {
    func addNote(
        board: BoardID?, prompt: PromptID, text: String, colour: NoteColour?, anonymous: Bool?
    ) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        guard let board = board ?? state.currentBoard(of: person.id) else {
            throw Refusal(.boardClosed, "There is no board to write on right now.")
        }
        try requireWritable(board, by: person)
        guard state.workshop.prompts(of: board).contains(where: { $0.id == prompt }) else {
            throw Refusal(.boardUnknownPrompt, "This board has no question \"\(prompt)\".")
        }
        let text = try cleanText(text, field: "note", limit: TextLimits.note)
        return [.noteAdded(
            id: "n\(state.counters.notes + 1)", board: board, prompt: prompt, author: person.id, text: text,
            colour: colour ?? .yellow, anonymous: anonymous ?? false, at: now)]
    }

    func editNote(_ id: NoteID, text: String?, colour: NoteColour?) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        let note = try requireReadableNote(id, by: person)
        guard note.author == person.id else { throw Refusal(.noteNotAuthor, "You can only change your own notes.") }
        try requireWritable(note.board, by: person)
        guard text != nil || colour != nil else {
            throw Refusal(.noteNothingToChange, "Give a new text or colour for the note.")
        }
        let newText = try text.map { text throws(Refusal) in try cleanText(text, field: "note", limit: TextLimits.note) }
        return [.noteEdited(id: id, text: newText ?? note.text, colour: colour ?? note.colour, at: now)]
    }

    func deleteNote(_ id: NoteID) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        let note = try requireReadableNote(id, by: person)
        if !person.isModerator {
            guard note.author == person.id else { throw Refusal(.noteNotAuthor, "You can only delete your own notes.") }
            try requireWritable(note.board, by: person)
        }
        let counted = state.voteOrder.contains { vote in
            guard let round = state.votes[vote], round.status != .open else { return false }
            return round.totals[id] != nil
        }
        if counted {
            throw Refusal(.noteHasVotes, "This note received dots in a finished vote and stays on the record.")
        }
        var events: [Event] = [.noteDeleted(id: id, by: person.id, at: now)]
        if let cluster = note.cluster, state.clusters[cluster]?.notes == [id] {
            events.append(.clusterDissolved(id: cluster))
        }
        return events
    }

    func addComment(on id: NoteID, text: String) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        try requireStarted()
        _ = try requireReadableNote(id, by: person)
        let text = try cleanText(text, field: "comment", limit: TextLimits.comment)
        return [.commentAdded(id: "c\(state.counters.comments + 1)", note: id, author: person.id, text: text, at: now)]
    }

    func deleteComment(_ id: CommentID) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        guard let comment = state.comments[id], let note = state.notes[comment.note],
              state.canRead(note.board, as: person.id) else {
            throw Refusal(.commentUnknown, "There is no comment \"\(id)\".")
        }
        guard comment.author == person.id || person.isModerator else {
            throw Refusal(.commentNotAuthor, "You can only delete your own comments.")
        }
        return [.commentDeleted(id: id, by: person.id, at: now)]
    }

    func groupNotes(_ ids: [NoteID], into cluster: ClusterID?, name: String?) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        let members = try requireNotes(ids, by: person)
        let board = members[0].board
        guard members.allSatisfy({ $0.board == board }) else {
            throw Refusal(.clusterMixedBoards, "Only notes of one board can be grouped together.")
        }
        try requireFacilitator(of: board, by: person, to: "group notes")
        let name = try name.map { name throws(Refusal) in try cleanText(name, field: "group name", limit: TextLimits.clusterName) }
        var events: [Event] = []
        let target: ClusterID
        if let cluster {
            guard let existing = state.clusters[cluster], state.canRead(existing.board, as: person.id) else {
                throw Refusal(.clusterUnknown, "There is no group \"\(cluster)\".")
            }
            guard existing.board == board else {
                throw Refusal(.clusterMixedBoards, "Only notes of one board can be grouped together.")
            }
            target = cluster
            if let name { events.append(.clusterNamed(id: cluster, name: name)) }
        } else {
            target = "g\(state.counters.clusters + 1)"
            events.append(.clusterCreated(id: target, board: board, name: name))
        }
        let moving = members.filter { $0.cluster != target }.map(\.id)
        if !moving.isEmpty { events.append(.notesGrouped(cluster: target, notes: moving)) }
        return events + dissolvedClusters(leaving: moving, except: target)
    }

    func ungroupNotes(_ ids: [NoteID]) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        let members = try requireNotes(ids, by: person)
        for note in members {
            guard note.cluster != nil else { throw Refusal(.noteNotGrouped, "The note \"\(note.id)\" is not in a group.") }
            try requireFacilitator(of: note.board, by: person, to: "ungroup notes")
        }
        let moving = members.map(\.id)
        return [.notesUngrouped(notes: moving)] + dissolvedClusters(leaving: moving, except: nil)
    }

    func nameCluster(_ id: ClusterID, name: String) throws(Refusal) -> [Event] {
        let person = try requireParticipant()
        guard let cluster = state.clusters[id], state.canRead(cluster.board, as: person.id) else {
            throw Refusal(.clusterUnknown, "There is no group \"\(id)\".")
        }
        try requireFacilitator(of: cluster.board, by: person, to: "name groups")
        return [.clusterNamed(id: id, name: try cleanText(name, field: "group name", limit: TextLimits.clusterName))]
    }

    // MARK: Helpers

    /// Refuses unless `person` may write on `board` now.
    private func requireWritable(_ board: BoardID, by person: SessionState.Participant) throws(Refusal) {
        guard state.workshop.boards.contains(board) else {
            throw Refusal(.boardUnknown, "There is no board \"\(board)\" in this workshop.")
        }
        guard state.isOpen(board) else { throw Refusal(.boardClosed, "This board is closed for writing.") }
        guard person.isModerator || board.isPlenary || person.room == board.room else {
            throw Refusal(.boardNotYourRoom, "You can only write on your own room's board.")
        }
    }

    /// Refuses unless `person` facilitates `board`'s room or moderates; `action` completes the sentence.
    func requireFacilitator(of board: BoardID, by person: SessionState.Participant, to action: String) throws(Refusal) {
        try requireCurator(of: board.room, by: person, to: action)
    }

    /// The distinct notes named, each readable by `person`; at least one.
    private func requireNotes(_ ids: [NoteID], by person: SessionState.Participant) throws(Refusal) -> [SessionState.Note] {
        var seen = Set<NoteID>()
        var notes: [SessionState.Note] = []
        for id in ids where seen.insert(id).inserted { notes.append(try requireReadableNote(id, by: person)) }
        if notes.isEmpty { throw Refusal(.clusterNeedsNotes, "Choose at least one note.") }
        return notes
    }

    /// Dissolution events for groups that `moving` notes leave empty.
    private func dissolvedClusters(leaving moving: [NoteID], except target: ClusterID?) -> [Event] {
        let leaving = Set(moving)
        return state.clusterOrder.compactMap { id in
            guard id != target, let cluster = state.clusters[id], !cluster.notes.isEmpty,
                  cluster.notes.allSatisfy(leaving.contains) else { return nil }
            return .clusterDissolved(id: id)
        }
    }
}
