import AtelierCore
import AtelierStore
import AtelierWire
import Foundation
import GRDB
import Testing

/// The workshop files shipped in `Workshops/`, found from this file's place in the repository.
private let shippedWorkshops: [String] = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Workshops")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted().map { folder.appendingPathComponent($0).path }
}()

/// A scripted session of `workshop` recorded in `store` the way the server records one:
/// creation events first, then each decision's events appended in one batch.
private func recordScriptedSession(
    of workshop: WorkshopDefinition, in store: EventStore, participants: Int = 12
) throws -> SessionState {
    let start = Timestamp(milliseconds: 1_611_214_200_000)
    let id = "s-\(workshop.id)"
    let created = try SessionEngine.create(id: id, joinCode: "CODE\(workshop.id.count)", workshop: workshop, at: start)
    let records = try created.enumerated().map { offset, event in
        try EventRecord(event: event, session: id, sequence: Int64(offset + 1), at: start, actor: nil)
    }
    try store.createSession(
        SessionRecord(id: id, joinCode: "CODE\(workshop.id.count)", workshopID: workshop.id, title: workshop.id,
                      createdAt: start.milliseconds, moderatorKeyHash: "hash", moderatorKeySalt: "salt"),
        firstEvents: records)
    var sequence = Int64(records.count)
    let script = ScriptedSession(workshop: workshop, participants: participants, start: start)
    let initial = try #require(SessionState(replaying: created))
    return try script.run(from: initial) { step, events in
        try store.append(events.map { event in
            sequence += 1
            return try EventRecord(event: event, session: id, sequence: sequence, at: step.at, actor: step.actor.participantID)
        })
    }
}

@Suite struct SessionLogTests {
    @Test("Every shipped workshop loads and runs a whole scripted session through the rules",
          arguments: shippedWorkshops)
    func shippedWorkshopRuns(path: String) throws {
        let workshop = try WorkshopFile.load(path: path)
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            let final = try recordScriptedSession(of: workshop, in: store)
            #expect(final.status == .ended)
            #expect(final.agenda.runs.map(\.slot) == workshop.agenda.map(\.id))
        }
    }

    @Test("Replaying a session from its database file gives exactly the live state",
          arguments: shippedWorkshops)
    func replayEqualsLiveState(path: String) throws {
        let workshop = try WorkshopFile.load(path: path)
        try withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("log.db").path
            let live: SessionState
            do {
                let store = try EventStore(path: file)
                live = try recordScriptedSession(of: workshop, in: store, participants: 40)
                try store.close()
            }
            let reopened = try EventStore(path: file)
            #expect(try reopened.replay(session: "s-\(workshop.id)") == live)
        }
    }

    @Test("Every event survives the trip to a log row and back")
    func eventsRoundTripThroughRecords() throws {
        let workshop = try WorkshopFile.load(path: shippedWorkshops[0])
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            _ = try recordScriptedSession(of: workshop, in: store)
            let records = try store.events(of: "s-\(workshop.id)")
            for record in records {
                let again = try EventRecord(
                    event: record.event(), session: record.sessionID, sequence: record.sequence,
                    at: Timestamp(milliseconds: record.at), actor: record.actor)
                #expect(again == record)
            }
            #expect(Set(records.map(\.type)).isSuperset(of: ["sessionCreated", "noteAdded", "dotPlaced", "recommendationDrafted"]))
        }
    }

    @Test("A log written when announcements and recommendations were plain strings replays, each text serving every language")
    func plainTextLogReplays() throws {
        let workshop = try WorkshopFile.load(path: shippedWorkshops.first { $0.hasSuffix("befus-25-ans.json") }!)
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            let live = try recordScriptedSession(of: workshop, in: store)
            let id = live.id
            let moderator = try #require(live.activeParticipants.first { $0.isModerator }).id
            let recommendation = "r\(live.counters.recommendations + 1)"
            let announcement = "a\(live.counters.announcements + 1)"
            // Rows exactly as they were stored before texts could carry translations.
            let rows = [
                ("announced", #"{"id":"\#(announcement)","text":"Pause café","by":"\#(moderator)","at":1611300000000}"#),
                ("recommendationDrafted",
                 #"{"id":"\#(recommendation)","text":"Des bus le soir","sources":[],"by":"\#(moderator)","at":1611300000000}"#),
                ("recommendationEdited", #"{"id":"\#(recommendation)","text":"Des bus toute la nuit","sources":[]}"#),
            ]
            var sequence = try store.lastSequence(of: id)
            for (type, payload) in rows {
                sequence += 1
                try store.append([EventRecord(sessionID: id, sequence: sequence, at: 1_611_300_000_000, actor: moderator,
                                              type: type, payload: payload)])
            }
            let replayed = try store.replay(session: id)
            #expect(replayed.announcements.last?.text == LocalizedText("Pause café"))
            #expect(replayed.announcements.last?.text.text(in: "nl") == "Pause café")
            #expect(replayed.recommendations[recommendation]?.text.text(in: "nl") == "Des bus toute la nuit")
        }
    }

    @Test("A row whose payload is not a known event is reported as corrupt, not skipped")
    func unreadableEventIsReported() throws {
        try withTemporaryFolder { folder in
            let store = try EventStore(path: folder.appendingPathComponent("log.db").path)
            try store.createSession(Fixture.session("s1"), firstEvents: Fixture.events("s1", 1...1))
            let error = #expect(throws: StoreError.self) { try store.replay(session: "s1") }
            #expect(error?.code == .corrupt)
        }
    }

    @Test("The organiser views agree with the session's state")
    func organiserViewsMatchState() throws {
        let workshop = try WorkshopFile.load(path: shippedWorkshops.first { $0.hasSuffix("befus-25-ans.json") }!)
        try withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("log.db").path
            let store = try EventStore(path: file)
            var state = try recordScriptedSession(of: workshop, in: store)
            let id = state.id
            // Facts the scripted run never produces, so the views must account for them too.
            let at = Timestamp(milliseconds: 1_611_300_000_000)
            let edited = try #require(state.noteOrder.first { state.notes[$0]?.author != nil })
            let board = try #require(state.notes[edited]).board
            let deleted = "n\(state.counters.notes + 1)"
            let departing = try #require(state.activeParticipants.first { !$0.isModerator })
            let withdrawn = try #require(state.recommendationOrder.first)
            let translated = try #require(state.recommendationOrder.dropFirst().first)
            let moderator = try #require(state.activeParticipants.first { $0.isModerator }).id
            var sequence = try store.lastSequence(of: id)
            for event: Event in [
                .noteEdited(id: edited, text: "Texte revu", colour: .green, at: at),
                .noteAdded(id: deleted, board: board, prompt: "pilotage", author: moderator, text: "Doublon",
                           colour: .pink, anonymous: false, at: at),
                .noteDeleted(id: deleted, by: moderator, at: at),
                .recommendationWithdrawn(id: withdrawn),
                .recommendationEdited(id: translated, text: LocalizedText(translations: ["": "Des bus la nuit", "nl": "Nachtbussen"]),
                                      sources: [], room: nil),
                .participantLeft(id: departing.id, at: at),
            ] {
                sequence += 1
                try store.append([EventRecord(event: event, session: id, sequence: sequence, at: at, actor: moderator)])
                state.apply(event)
            }

            try inspect(file) { db in
                let people = try Row.fetchAll(db, sql: "SELECT participant_id, name, has_left FROM participants WHERE session_id = ?", arguments: [id])
                #expect(people.count == state.participants.count)
                #expect(people.filter { $0["has_left"] as Int64 == 1 }.map { $0["participant_id"] as String } == [departing.id])

                let notes = try Row.fetchAll(db, sql: "SELECT note_id, text, room FROM notes WHERE session_id = ?", arguments: [id])
                #expect(Set(notes.map { $0["note_id"] as String }) == Set(state.notes.keys))
                for row in notes {
                    let note = try #require(state.notes[row["note_id"]])
                    #expect(row["text"] as String == note.text)
                    #expect(row["room"] as String == note.board.room)
                }

                let dots = try Row.fetchAll(db, sql: "SELECT vote_id, item_id, participant_id, dots FROM votes WHERE session_id = ?", arguments: [id])
                let expected = state.votes.values.flatMap { round in
                    round.dots.flatMap { participant, items in items.map { "\(round.id) \($0.key) \(participant) \($0.value)" } }
                }
                #expect(Set(dots.map { "\($0["vote_id"] as String) \($0["item_id"] as String) \($0["participant_id"] as String) \($0["dots"] as Int64)" }) == Set(expected))

                let recommendations = try String.fetchAll(db, sql: "SELECT recommendation_id FROM recommendations WHERE session_id = ?", arguments: [id])
                #expect(Set(recommendations) == Set(state.recommendations.keys))
                #expect(!recommendations.contains(withdrawn))
                // The original text, and the translations apart.
                let row = try #require(try Row.fetchOne(
                    db, sql: "SELECT text, translations FROM recommendations WHERE recommendation_id = ? AND session_id = ?",
                    arguments: [translated, id]))
                #expect(row["text"] as String == "Des bus la nuit")
                #expect((row["translations"] as String?)?.contains("Nachtbussen") == true)
                let plain = try Row.fetchAll(db, sql: "SELECT translations FROM recommendations WHERE session_id = ? AND recommendation_id <> ?",
                                             arguments: [id, translated])
                #expect(plain.allSatisfy { ($0["translations"] as String?) == nil })
                #expect(try String.fetchOne(db, sql: "SELECT text FROM notes WHERE note_id = ?", arguments: [edited]) == "Texte revu")

                let rooms = try String.fetchAll(db, sql: "SELECT room_id FROM rooms WHERE session_id = ?", arguments: [id])
                #expect(rooms == workshop.rooms.map(\.id))
                let comments = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM comments WHERE session_id = ?", arguments: [id])
                #expect(comments == state.comments.count)
            }
        }
    }
}
