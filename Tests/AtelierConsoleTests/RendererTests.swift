import AtelierClient
@testable import AtelierConsole
import AtelierCore
import AtelierProtocol
import Foundation
import Testing

@Suite("The dashboard drawn to strings")
struct RendererTests {
    /// A model of the recorded breakout, 2 min 30 s into the rooms slot, with the feed filled.
    func model() throws -> (ConsoleModel, Recording) {
        let (recording, _, _) = try breakoutRecording()
        var model = ConsoleModel()
        model.server = "ws://127.0.0.1:8080/ws"
        model.mirror = try mirror(of: recording)
        model.connection = .live
        model.localNow = recording.now.milliseconds + 150_000 - model.mirror.clockOffset
        for (index, frame) in recording.frames.enumerated() {
            guard case .event(let message) = try ServerMessage.parse(frame) else { continue }
            model.record(.change(.applied(message)))
            _ = index
        }
        return (model, recording)
    }

    func text(_ model: ConsoleModel, width: Int = 80, height: Int = 24) -> [String] {
        DashboardRenderer(width: width, height: height).render(model).map { $0.rendered(colour: false) }
    }

    @Test("At 80×24 without colour every row fits and the essentials are there")
    func smallTerminal() throws {
        let (model, _) = try model()
        let rows = text(model)
        #expect(rows.count == 24)
        for (index, row) in rows.enumerated() {
            #expect(ConsoleText.width(of: row) == (index == 23 ? 79 : 80), "row \(index): \(row)")
            #expect(!row.contains("\u{1B}"))
        }
        let screen = rows.joined(separator: "\n")
        #expect(rows[0].contains("code K7M2QX") && rows[0].contains("RUNNING") && rows[0].contains("● connected"))
        #expect(rows[1].contains("NOW") && rows[1].contains("rooms · Breakout rooms"))
        #expect(rows[1].contains("12:30 left"))  // a 15-minute slot, 2:30 gone
        #expect(screen.contains("▶ 10:05"))
        #expect(screen.contains("✓ 10:00"))
        #expect(screen.contains("night-economy") && screen.contains("1p   1n"))
        #expect(screen.contains("People 2"))
        #expect(screen.contains("\"More night buses\""))
        #expect(rows[22].hasPrefix("> "))
        #expect(rows[23].contains("F4 next"))
    }

    @Test("Colour only when asked; participants' text can never carry escape sequences")
    func colourAndSanitising() throws {
        var (model, _) = try model()
        model.log("evil \u{1B}[2J\u{1B}]0;title\u{07} text")
        let plain = text(model).joined()
        #expect(!plain.contains("\u{1B}") && !plain.contains("\u{07}"))
        #expect(plain.contains("evil ?[2J?]0;title? text"))
        let coloured = DashboardRenderer(width: 80, height: 24).render(model).map { $0.rendered(colour: true) }.joined()
        #expect(coloured.contains("\u{1B}["))
    }

    @Test("A bigger terminal shows more; a tiny one gets the compact view")
    func sizes() throws {
        let (model, _) = try model()
        let wide = text(model, width: 140, height: 40)
        #expect(wide.count == 40 && wide.allSatisfy { ConsoleText.width(of: $0) <= 140 })
        let tiny = text(model, width: 40, height: 10)
        #expect(tiny.count == 10)
        #expect(tiny.allSatisfy { ConsoleText.width(of: $0) <= 40 })
        #expect(tiny.joined().contains("Enlarge the terminal"))
        #expect(DashboardRenderer(width: 40, height: 10).cursorPosition(model).row == 9)
    }

    @Test("Vote progress shows who has voted, not how")
    func voteProgress() throws {
        var (recording, anne, _) = try breakoutRecording()
        try recording.run(.nextSlot)
        try recording.run(.openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil))
        try recording.run(.placeDot(vote: "v1", item: "n1"), by: .participant(anne))
        var model = ConsoleModel()
        model.mirror = try mirror(of: recording)
        model.connection = .live
        let screen = text(model, width: 100, height: 30).joined(separator: "\n")
        #expect(screen.contains("Vote v1 boards · open · hidden"))
        #expect(screen.contains("voted 1/2"))
        #expect(screen.contains("not yet: Bob"))
    }

    @Test("Announcements and recommendations show in the moderator's language, else the original, and still fit 80×24")
    func translatedTexts() throws {
        var (recording, _, _) = try breakoutRecording()
        try recording.run(.setLanguage(language: "fr"))  // the workshop's first language is English
        try recording.run(.announce(text: LocalizedText(translations: ["": "Coffee break", "fr": "Pause café"]), room: nil))
        try recording.run(.draftRecommendation(text: LocalizedText(translations: ["fr": "Des bus de nuit", "en": "Night buses"]),
                                               sources: [], room: nil))
        try recording.run(.draftRecommendation(text: LocalizedText(translations: ["en": "A roof for everyone"]), sources: [], room: nil))
        var model = ConsoleModel()
        model.mirror = try mirror(of: recording)
        for frame in recording.frames {
            guard case .event(let message) = try ServerMessage.parse(frame) else { continue }
            model.record(.change(.applied(message)))
        }
        let rows = text(model)
        for (index, row) in rows.enumerated() { #expect(ConsoleText.width(of: row) == (index == 23 ? 79 : 80), "row \(index): \(row)") }
        #expect(rows.joined().contains("\"Pause café\"") && !rows.joined().contains("Coffee break"))
        model.view = .synthesis
        let screen = text(model, width: 100, height: 30).joined(separator: "\n")
        #expect(screen.contains("1. r1 Des bus de nuit") && screen.contains("2. r2 A roof for everyone"))
    }

    @Test("Panels: people with role and organisation, notes with ids, help; confirmations and refusals")
    func panels() throws {
        var (model, _) = try model()
        model.view = .people
        var screen = text(model, width: 100, height: 30).joined(separator: "\n")
        #expect(screen.contains("Anne Dupont p2") && screen.contains("Elected official") && screen.contains("Ville de Liège"))
        model.view = .notes
        screen = text(model, width: 100, height: 30).joined(separator: "\n")
        #expect(screen.contains("n4 rooms/night-economy friction"))
        model.showsHelp = true
        screen = text(model, width: 100, height: 30).joined(separator: "\n")
        #expect(screen.contains("Help 1–24 of 33 · PgDn more · Esc closes") && screen.contains("rooms"))
        model.confirmation = .init(question: "End the session? Nothing can change afterwards.", command: .end, line: "end")
        #expect(text(model)[21].contains("End the session? Nothing can change afterwards. [y/N]"))
        model.confirmation = nil
        model.pending[4] = "prev"
        model.record(.refused(id: 4, command: .previousSlot,
                              error: .init(id: 4, code: .refusal(.agendaNoPreviousSlot), message: "This is the first slot of the agenda.")))
        #expect(text(model)[21].contains("✗ prev: This is the first slot of the agenda. [agenda.noPreviousSlot]"))
    }

    @Test("Reconnecting shows in the header and in the feed")
    func reconnecting() throws {
        var (model, _) = try model()
        model.record(.status(.waiting(delay: 2, attempt: 3, reason: "connection lost (1006)")))
        let rows = text(model)
        #expect(rows[0].contains("○ reconnecting in 2s (attempt 3)"))
        #expect(rows.joined().contains("connection lost (1006); reconnecting in 2s (attempt 3)"))

        let before = model.activity.filter { $0.seq != nil }.count
        model.record(.change(.welcomed(.init(session: "s1", code: "K7M2QX", participant: "p1", moderator: true, reset: true))))
        #expect(model.activity.filter { $0.seq != nil }.isEmpty && before > 0)
        #expect(model.activity.contains { $0.text.contains("connection lost") })
    }

    @Test("At 80×24 the help takes the whole body and its title says what is below")
    func helpFillsTheBody() throws {
        var (model, _) = try model()
        model.showsHelp = true
        let rows = text(model)
        #expect(rows[2].contains("Help 1–18 of 37 · PgDn more · Esc closes"), "\(rows[2])")
        #expect(rows[3].hasPrefix(" start        start the session on the first slot"))
    }

    @Test("PgDn goes down the help and PgUp back; every command's summary is shown whole")
    func helpScrolls() throws {
        var (model, _) = try model()
        model.showsHelp = true
        let renderer = DashboardRenderer(width: 80, height: 24)
        #expect(renderer.scrollLimit(model) == 19)
        // The help's lines in order: the first row at each scroll position, then the last page.
        var lines: [String] = []
        for scroll in 0..<renderer.scrollLimit(model) {
            model.scroll = scroll
            lines.append(text(model)[3])
        }
        model.scroll = renderer.scrollLimit(model)
        lines += text(model)[3...20]
        var summaries: [String: String] = [:]
        var name = ""
        for line in lines where line.hasPrefix(" ") && !line.hasPrefix(" Keys") {
            let head = line.dropFirst().prefix(12).trimmingCharacters(in: .whitespaces)
            if !head.isEmpty { name = head }
            let part = line.dropFirst(14).trimmingCharacters(in: .whitespaces)
            summaries[name] = summaries[name].map { $0 + " " + part } ?? part
        }
        for help in CommandCatalogue.all { #expect(summaries[help.name] == help.summary, "\(help.name)") }

        model.scroll = 0
        for _ in 0..<4 { model.page(down: true) }
        #expect(text(model)[2].contains("Help 20–37 of 37 · PgUp back · Esc closes"))
        for _ in 0..<4 { model.page(down: false) }
        #expect(text(model)[3].hasPrefix(" start"))
    }

    @Test("In the activity feed PgUp still goes back in time")
    func activityScrollsBack() throws {
        var (model, _) = try model()
        let newest = try #require(text(model)[20...].first { $0.contains("#") })
        model.page(down: false)
        #expect(!text(model)[3...20].contains(newest))
        model.page(down: true)
        #expect(text(model)[3...20].contains(newest))
    }

    @Test("help vote and help rec show every form of the command whole at 80 columns")
    func helpOnOneCommand() throws {
        var (model, _) = try model()
        for name in ["vote", "rec"] {
            model.showHelp(topic: name)
            let rows = text(model)
            #expect(rows[2].contains("Help: \(name)"))
            let shown = rows[3...20].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            let help = try #require(CommandCatalogue.help(for: name))
            for form in help.usage.components(separatedBy: " | ") { #expect(shown.contains(form), "\(form) in \(shown)") }
            #expect(shown.contains(help.summary))
            for (index, row) in rows.enumerated() { #expect(ConsoleText.width(of: row) == (index == 23 ? 79 : 80)) }
        }
    }

    @Test("At 80×24 the countdown is never cut: the slot's title gives way")
    func countdownStaysWhole() throws {
        var (recording, _, _) = try breakoutRecording()
        try recording.run(.extendSlot(minutes: 5))
        try recording.run(.closeRooms(afterSeconds: 60))
        var model = ConsoleModel()
        model.mirror = try mirror(of: recording)
        model.connection = .live
        model.localNow = recording.now.milliseconds + 150_000 - model.mirror.clockOffset
        let now = text(model)[1]
        #expect(now.contains("⏱ 17:30 left"), "\(now)")
        #expect(now.contains("rooms close in"), "\(now)")
        #expect(ConsoleText.width(of: now) == 80)
    }

    @Test("While paused, the rooms' countdown is shown held, and the rooms title says they are closing")
    func pausedRoomsCountdown() throws {
        var (recording, _, _) = try breakoutRecording()
        try recording.run(.closeRooms(afterSeconds: 90))
        try recording.run(.pause)
        var model = ConsoleModel()
        model.mirror = try mirror(of: recording)
        model.connection = .live
        model.localNow = recording.now.milliseconds + 600_000 - model.mirror.clockOffset
        let rows = text(model)
        #expect(rows[1].contains("rooms close in 01:30 (paused)"), "\(rows[1])")
        #expect(rows.contains { $0.contains("Rooms (closing)") }, "\(rows)")
    }

    @Test("Vote results show each item's text beside its id")
    func resultsWithTexts() throws {
        var (recording, anne, bob) = try breakoutRecording()
        try recording.run(.closeRooms(afterSeconds: nil))
        try recording.run(.promote(source: .note("n4"), text: nil))
        try recording.run(.openVote(on: .promoted, dotsPerPerson: 2, maxDotsPerItem: nil, hidden: false))
        try recording.run(.placeDot(vote: "v1", item: "i1"), by: .participant(anne))
        try recording.run(.placeDot(vote: "v1", item: "i1"), by: .participant(bob))
        try recording.run(.closeVote(vote: "v1"))
        try recording.run(.revealVote(vote: "v1"))
        var model = ConsoleModel()
        model.mirror = try mirror(of: recording)
        // The totals come beside the reveal, as the server sends them.
        let reveal = String(recording.frames.last!.dropLast()) + #","results":[{"item":"i1","dots":2,"rank":1}]}"#
        model.mirror.receive(try ServerMessage.parse(reveal), localNow: 0)
        model.connection = .live
        #expect(text(model).joined(separator: "\n").contains("1. i1 2 More night buses"))
        model.view = .synthesis
        #expect(text(model).joined(separator: "\n").contains("1. i1 2 More night buses"))
    }

    @Test("Long input scrolls so that the cursor stays on screen")
    func longInput() throws {
        var (model, _) = try model()
        model.setInput("announce " + String(repeating: "x", count: 200))
        let renderer = DashboardRenderer(width: 80, height: 24)
        #expect(renderer.cursorPosition(model) == (22, 78))
        #expect(text(model)[22] == "> " + String(repeating: "x", count: 76) + "  ")
    }
}

@Suite("Text for terminals")
struct ConsoleTextTests {
    @Test("Widths, cutting and clocks")
    func text() {
        #expect(ConsoleText.width(of: "Liège") == 5)
        #expect(ConsoleText.width(of: "会議") == 4)
        #expect(ConsoleText.truncated("Night-time economy", to: 8) == "Night-t…")
        #expect(ConsoleText.fitted("ab", to: 4, alignRight: true) == "  ab")
        #expect(ConsoleClock.countdown(milliseconds: 754_001) == "12:35")
        #expect(ConsoleClock.countdown(milliseconds: -65_000) == "+01:05")
        #expect(ConsoleClock.countdown(milliseconds: 3_723_000) == "1:02:03")
        #expect(ConsoleClock.plannedStarts(of: demoWorkshop) == ["10:00", "10:05", "10:20", "10:25"])
    }

    @Test("Event lines name people and things")
    func descriptions() throws {
        let (recording, _, _) = try breakoutRecording()
        let describer = EventDescription(state: recording.state)
        #expect(EventDescription.name(of: .sessionStarted(at: recording.now)) == "sessionStarted")
        #expect(describer.summary(of: .participantAssigned(participant: "p2", room: "public-space")) == "Anne Dupont → public-space")
        #expect(describer.summary(of: .dotPlaced(vote: "v1", item: "", participant: "p3")) == "Bob placed a dot in v1")
        #expect(describer.summary(of: .announced(id: "a1", text: "Back at 10:30", room: nil, by: "p1", at: recording.now))
                == "a1 from Mod to all: \"Back at 10:30\"")
    }
}
