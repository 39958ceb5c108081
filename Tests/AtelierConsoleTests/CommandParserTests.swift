import AtelierConsole
import AtelierCore
import Testing

@Suite("Console command lines")
struct CommandParserTests {
    let state: SessionState
    let anne: ParticipantID
    init() throws {
        let (recording, anne, _) = try breakoutRecording()
        state = recording.state
        self.anne = anne
    }

    func parse(_ line: String) throws -> ConsoleAction? { try CommandParser(state: state).parse(line) }

    func refusal(_ line: String) -> String? {
        do { _ = try CommandParser(state: state).parse(line); return nil } catch { return error.message }
    }

    @Test("Agenda commands, with slots by id, number or prefix")
    func agenda() throws {
        #expect(try CommandParser(state: nil).parse("start") == .send(.start, confirmation: nil))
        #expect(try parse("pause") == .send(.pause, confirmation: nil))
        #expect(try parse("extend 5") == .send(.extendSlot(minutes: 5), confirmation: nil))
        #expect(try parse("extend +10") == .send(.extendSlot(minutes: 10), confirmation: nil))
        #expect(try CommandParser(state: nil).parse("goto vote") == .send(.goToSlot(slot: "vote"), confirmation: nil))
        guard case .send(.goToSlot("synthesis"), _)? = try parse("goto 4") else { Issue.record("by number"); return }
        guard case .send(.goToSlot("synthesis"), _)? = try parse("goto syn") else { Issue.record("by prefix"); return }
        #expect(refusal("goto lunch")?.contains("the slots are: welcome, rooms, vote, synthesis") == true)
        #expect(refusal("extend soon") == "Usage: extend <minutes>")
    }

    @Test("What cannot be undone asks first: end, closing rooms now, moving on while rooms are open")
    func confirmations() throws {
        guard case .send(.end, let question?)? = try parse("end") else { Issue.record("end"); return }
        #expect(question.contains("End the session"))
        guard case .send(.closeRooms(afterSeconds: nil), _?)? = try parse("rooms close") else { Issue.record("close"); return }
        guard case .send(.closeRooms(afterSeconds: nil), _?)? = try parse("rooms close now") else { Issue.record("now"); return }
        #expect(try parse("rooms close 60") == .send(.closeRooms(afterSeconds: 60), confirmation: nil))
        guard case .send(.nextSlot, _?)? = try parse("next") else { Issue.record("next with rooms open"); return }
        #expect(try CommandParser(state: nil).parse("next") == .send(.nextSlot, confirmation: nil))
    }

    @Test("Rooms: modes, moving people by name (any case, prefix, quoted) or id")
    func rooms() throws {
        #expect(try parse("rooms open random") == .send(.openRooms(mode: .random), confirmation: nil))
        #expect(try parse("rooms open") == .send(.openRooms(mode: nil), confirmation: nil))
        #expect(try parse("move Anne Dupont public-space") == .send(.assign(participant: anne, room: "public-space"), confirmation: nil))
        #expect(try parse("move \"anne dupont\" public") == .send(.assign(participant: anne, room: "public-space"), confirmation: nil))
        #expect(try parse("move ann night-economy") == .send(.assign(participant: anne, room: "night-economy"), confirmation: nil))
        #expect(try parse("move p2 night-economy") == .send(.assign(participant: "p2", room: "night-economy"), confirmation: nil))
        #expect(refusal("move Zoe night-economy") == "No participant is called \"Zoe\".")
        #expect(refusal("move Anne kitchen")?.hasPrefix("There is no room \"kitchen\"") == true)
        #expect(refusal("rooms open sometimes") == "Rooms open by self, random or moderator assignment.")
    }

    @Test("Announcements keep the text as typed")
    func announce() throws {
        #expect(try parse("announce Coffee break: back at 10:30")
                == .send(.announce(text: "Coffee break: back at 10:30", room: nil), confirmation: nil))
        #expect(try parse("announce room:public-space Five   minutes left")
                == .send(.announce(text: "Five   minutes left", room: "public-space"), confirmation: nil))
        #expect(refusal("announce") == "Usage: announce [room:<id>] <text> [nl:\"…\"]…")
    }

    @Test("A text is followed by its translations written xx:\"…\"; the plain text is the original")
    func translations() throws {
        #expect(try parse("announce Coffee break fr:\"Pause café\"")
                == .send(.announce(text: LocalizedText(translations: ["": "Coffee break", "fr": "Pause café"]), room: nil),
                         confirmation: nil))
        #expect(try parse("announce room:public-space en:\"Five minutes\" fr:'Cinq minutes'")
                == .send(.announce(text: LocalizedText(translations: ["en": "Five minutes", "fr": "Cinq minutes"]),
                                   room: "public-space"), confirmation: nil))
        #expect(try parse("announce Note: \"quoted\" words stay text")
                == .send(.announce(text: "Note: \"quoted\" words stay text", room: nil), confirmation: nil))
        #expect(try parse("rec draft Night buses fr:\"Des bus de nuit\" room night-economy")
                == .send(.draftRecommendation(text: LocalizedText(translations: ["": "Night buses", "fr": "Des bus de nuit"]),
                                              sources: [], room: "night-economy"), confirmation: nil))
        #expect(refusal("announce fr:\"Pause\" fr:\"Pause café\"") == "The text in \"fr\" is given twice.")
        #expect(refusal("announce Coffee fr:\"Café\" break")
                == "Write the text first, then its translations: announce Pause café nl:\"Koffiepauze\".")
    }

    @Test("Editing a recommendation's translation keeps its other languages")
    func editTranslation() throws {
        var recording = try breakoutRecording().0
        try recording.run(.draftRecommendation(text: LocalizedText(translations: ["": "Night buses", "fr": "Bus de nuit"]),
                                               sources: [], room: nil))
        let parser = CommandParser(state: recording.state)
        #expect(try parser.parse("rec edit r1 fr:\"Des bus de nuit\"")
                == .send(.editRecommendation(recommendation: "r1",
                                             text: LocalizedText(translations: ["": "Night buses", "fr": "Des bus de nuit"]),
                                             sources: nil, room: nil), confirmation: nil))
        #expect(try parser.parse("rec edit r1 More night buses")
                == .send(.editRecommendation(recommendation: "r1",
                                             text: LocalizedText(translations: ["": "More night buses", "fr": "Bus de nuit"]),
                                             sources: nil, room: nil), confirmation: nil))
    }

    @Test("Votes: options, and close or reveal the latest round by default")
    func votes() throws {
        #expect(try parse("vote open boards dots 3 max 1 hidden")
                == .send(.openVote(on: .boards, dotsPerPerson: 3, maxDotsPerItem: 1, hidden: true), confirmation: nil))
        #expect(try parse("vote open recommendations")
                == .send(.openVote(on: .recommendations, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil), confirmation: nil))
        #expect(refusal("vote close") == "No vote is open.")
        #expect(refusal("vote open everything")?.hasPrefix("Vote on boards, promoted or recommendations") == true)
        #expect(refusal("vote open boards dots many") == "\"dots\" takes a number, e.g. \"dots 3\".")

        var recording = try breakoutRecording().0
        try recording.run(.nextSlot)
        try recording.run(.openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil))
        let parser = CommandParser(state: recording.state)
        #expect(try parser.parse("vote close") == .send(.closeVote(vote: "v1"), confirmation: nil))
        #expect(try parser.parse("vote reveal") == .send(.revealVote(vote: "v1"), confirmation: nil))
        #expect(throws: ConsoleInputError.self) { try parser.parse("vote close v9") }
    }

    @Test("Synthesis: promote, draft with sources and theme, edit, order, withdraw")
    func synthesis() throws {
        let note = try #require(state.noteOrder.last)
        #expect(try parse("promote \(note) Night buses") == .send(.promote(source: .note(note), text: "Night buses"), confirmation: nil))
        #expect(try parse("promote \(note)") == .send(.promote(source: .note(note), text: nil), confirmation: nil))
        #expect(refusal("promote n99") == "There is no note \"n99\".")
        #expect(try parse("rec draft Run night buses from the station from \(note),i2 room night-economy")
                == .send(.draftRecommendation(text: "Run night buses from the station", sources: [.note(note), .promoted("i2")],
                                              room: "night-economy"), confirmation: nil))
        #expect(try parse("rec draft A room for everyone")
                == .send(.draftRecommendation(text: "A room for everyone", sources: [], room: nil), confirmation: nil))

        var recording = try breakoutRecording().0
        try recording.run(.draftRecommendation(text: "One", sources: [], room: nil))
        try recording.run(.draftRecommendation(text: "Two", sources: [], room: nil))
        let parser = CommandParser(state: recording.state)
        #expect(try parser.parse("rec order r2 r1") == .send(.orderRecommendations(order: ["r2", "r1"]), confirmation: nil))
        #expect(try parser.parse("rec edit r1 One, better")
                == .send(.editRecommendation(recommendation: "r1", text: "One, better", sources: nil, room: nil), confirmation: nil))
        guard case .send(.withdrawRecommendation("r2"), _?)? = try parser.parse("rec withdraw r2") else { Issue.record("withdraw"); return }
        #expect(throws: ConsoleInputError.self) { try parser.parse("rec edit r1") }
    }

    @Test("An apostrophe inside a word is text: the sources and room after it are read")
    func apostropheInAWord() throws {
        let note = try #require(state.noteOrder.last)
        #expect(try parse("rec draft Renforcer l'accueil des jeunes from \(note) room night-economy")
                == .send(.draftRecommendation(text: "Renforcer l'accueil des jeunes", sources: [.note(note)],
                                              room: "night-economy"), confirmation: nil))
        #expect(try parse("announce C'est l'heure d'aujourd'hui") == .send(.announce(text: "C'est l'heure d'aujourd'hui", room: nil),
                                                                         confirmation: nil))
    }

    @Test("« Guillemets » and quotes inside words are text")
    func guillemetsAndInnerQuotes() throws {
        let note = try #require(state.noteOrder.last)
        #expect(try parse("rec draft Créer un « guichet unique » pour l’accueil from \(note)")
                == .send(.draftRecommendation(text: "Créer un « guichet unique » pour l’accueil", sources: [.note(note)], room: nil),
                         confirmation: nil))
        #expect(try parse("announce Le mot d\"ordre du jour") == .send(.announce(text: "Le mot d\"ordre du jour", room: nil),
                                                                      confirmation: nil))
    }

    @Test("A text in quotes keeps its apostrophes, and the quotes end where a word ends")
    func quotedTextWithApostrophes() throws {
        let note = try #require(state.noteOrder.last)
        #expect(try parse("rec draft 'Renforcer l'accueil, from the start' from \(note)")
                == .send(.draftRecommendation(text: "Renforcer l'accueil, from the start", sources: [.note(note)], room: nil),
                         confirmation: nil))
        #expect(try parse("announce fr:\"L'accueil d'abord\" nl:'Eerst het onthaal'")
                == .send(.announce(text: LocalizedText(translations: ["fr": "L'accueil d'abord", "nl": "Eerst het onthaal"]),
                                   room: nil), confirmation: nil))
    }

    @Test("A recommendation's room takes the id prefixes other commands accept")
    func recommendationRoomPrefix() throws {
        #expect(try parse("rec draft Des bus de nuit room night")
                == .send(.draftRecommendation(text: "Des bus de nuit", sources: [], room: "night-economy"), confirmation: nil))
        guard case .send(.editRecommendation(_, _, _, "public-space"), _)? =
                try CommandParser(state: try recordingWithOneRecommendation()).parse("rec edit r1 room pub") else {
            Issue.record("edit with a room prefix"); return
        }
    }

    @Test("Sources that cannot be read are refused, never kept as text")
    func unreadableSources() {
        #expect(refusal("rec draft Des bus de nuit from x7")
                == "A recommendation comes from notes (n…) or plenary items (i…). To keep \"from x7\" in the text, write the text in quotes.")
    }

    @Test("A room that cannot be read is refused, never kept as text")
    func unreadableRoom() {
        #expect(refusal("rec draft Des bus de nuit room kitchen")
                == "There is no room \"kitchen\"; the rooms are: night-economy, public-space."
                   + " To keep \"room kitchen\" in the text, write the text in quotes.")
    }

    @Test("A draft with \"from\" in its text and no sources asks first, showing it has none")
    func fromWithoutSources() throws {
        guard case .send(.draftRecommendation("Des bus from the station", [], nil), let question?)? =
                try parse("rec draft Des bus from the station") else {
            Issue.record("no question"); return
        }
        #expect(question == "Draft \"Des bus from the station\" with no sources? Sources come last: … from n1,i2 room <id>.")
        #expect(try parse("rec draft \"Des bus from the station\"")
                == .send(.draftRecommendation(text: "Des bus from the station", sources: [], room: nil), confirmation: nil))
    }

    func recordingWithOneRecommendation() throws -> SessionState {
        var recording = try breakoutRecording().0
        try recording.run(.draftRecommendation(text: "One", sources: [], room: nil))
        return recording.state
    }

    @Test("Console commands, blank lines and comments, unknown words")
    func local() throws {
        #expect(try parse("") == nil)
        #expect(try parse("   # a comment") == nil)
        #expect(try parse("help") == .help(topic: nil))
        #expect(try parse("help previous") == .help(topic: "prev"))
        #expect(try parse("view people") == .show(.people))
        #expect(try parse("wait 1.5") == .wait(seconds: 1.5))
        #expect(try parse("quit") == .quit)
        #expect(try parse("export") == .export(format: "md", path: nil))
        #expect(try parse("export html \"my file.html\"") == .export(format: "html", path: "my file.html"))
        #expect(refusal("export pdf") == "Transcripts come as md, html, csv or json.")
        #expect(refusal("dance") == "Unknown command \"dance\"; type help for the list.")
    }
}

@Suite("Tab completion")
struct CompletionTests {
    let completer: CommandCompleter
    init() throws { completer = CommandCompleter(state: try breakoutRecording().0.state) }

    @Test("Command words, then their arguments")
    func words() {
        #expect(completer.complete("star").line == "start ")
        #expect(completer.complete("sta").candidates == ["start", "status"])
        #expect(completer.complete("re").candidates == ["resume", "rec"])
        #expect(completer.complete("goto v").line == "goto vote ")
        #expect(completer.complete("goto ").candidates == ["welcome", "rooms", "vote", "synthesis"])
        #expect(completer.complete("rooms o").line == "rooms open ")
        #expect(completer.complete("rooms open r").line == "rooms open random ")
        #expect(completer.complete("vote open b").line == "vote open boards ")
        #expect(completer.complete("announce room:p").line == "announce room:public-space ")
    }

    @Test("Participant names are completed and quoted when they hold spaces; rooms follow")
    func names() {
        #expect(completer.complete("move an").line == "move \"Anne Dupont\" ")
        #expect(completer.complete("move \"Anne Dupont\" n").line == "move \"Anne Dupont\" night-economy ")
        #expect(completer.complete("move ").candidates == ["Anne Dupont", "Bob"])
    }

    @Test("Ids: notes to promote, recommendations not yet ordered")
    func ids() throws {
        var recording = try breakoutRecording().0
        try recording.run(.draftRecommendation(text: "One", sources: [], room: nil))
        try recording.run(.draftRecommendation(text: "Two", sources: [], room: nil))
        let completer = CommandCompleter(state: recording.state)
        #expect(completer.complete("rec order r2 ").line == "rec order r2 r1 ")
        #expect(completer.complete("promote n").candidates == recording.state.noteOrder)
        #expect(completer.complete("nothing ").candidates.isEmpty)
    }
}
