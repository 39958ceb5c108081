import AtelierConsole
import AtelierCore
import Foundation
import Testing

/// A session with a note, a comment on it, a recommendation with a reservation and some curation done.
private func curatedRecording() throws -> Recording {
    var (recording, anne, _) = try breakoutRecording()
    try recording.run(.addComment(note: "n1", text: "Yes, until 2 am"), by: .participant(anne))
    try recording.run(.draftRecommendation(text: "Run night buses", sources: [.note("n1")], room: nil))
    try recording.run(.classifyRecommendation(recommendation: "r1", theme: "night-economy", addressee: "commune"))
    try recording.run(.addReservation(recommendation: "r1", text: "Cost"))
    try recording.run(.writeFindings(room: "night-economy", text: LocalizedText(translations: ["": "Buses stop early.", "fr": "Les bus s'arrêtent tôt."])))
    return recording
}

@Suite("Console curation commands")
struct CurationCommandTests {
    let state: SessionState
    init() throws { state = try curatedRecording().state }

    func parse(_ line: String) throws -> ConsoleAction? { try CommandParser(state: state).parse(line) }

    func refusal(_ line: String) -> String? {
        do { _ = try CommandParser(state: state).parse(line); return nil } catch { return error.message }
    }

    @Test("findings writes a theme's findings as typed, natural French included, with rooms by prefix; clear clears them")
    func findings() throws {
        #expect(try parse("findings night L'accueil des jeunes manque, « surtout » la nuit")
                == .send(.writeFindings(room: "night-economy",
                                        text: LocalizedText(translations: ["": "L'accueil des jeunes manque, « surtout » la nuit",
                                                                           "fr": "Les bus s'arrêtent tôt."])),
                         confirmation: nil))
        guard case .send(.writeFindings("night-economy", nil), _?)? = try parse("findings night clear") else {
            Issue.record("clear asks first"); return
        }
        #expect(refusal("findings kitchen Rien")?.hasPrefix("There is no room \"kitchen\"") == true)
        #expect(refusal("findings") == "Usage: findings <room> [text|clear]")
    }

    @Test("findings, intro, conclusion and rec reserve without a text open the editor on the current text")
    func editorWithoutText() throws {
        #expect(try parse("findings night") == .edit(.findings("night-economy")))
        #expect(try parse("intro") == .edit(.synthesis(.introduction)))
        #expect(try parse("conclusion") == .edit(.synthesis(.conclusion)))
        #expect(try parse("rec reserve r1") == .edit(.reservation("r1")))
    }

    @Test("quote and unquote take a note or a comment by id")
    func quotes() throws {
        #expect(try parse("quote n1") == .send(.featureQuote(quote: .note("n1")), confirmation: nil))
        #expect(try parse("quote c1") == .send(.featureQuote(quote: .comment("c1")), confirmation: nil))
        #expect(try parse("unquote c1") == .send(.unfeatureQuote(quote: .comment("c1")), confirmation: nil))
        #expect(refusal("quote n99") == "There is no note \"n99\".")
        #expect(refusal("quote r1") == "Quote a note (n…) or a comment (c…), e.g. \"quote n4\".")
    }

    @Test("rec classify sets the theme and the addressee by id or prefix, keeping what is not given, none clears one")
    func classify() throws {
        #expect(try parse("rec classify r1 to zone")
                == .send(.classifyRecommendation(recommendation: "r1", theme: "night-economy", addressee: "zone-de-police"),
                         confirmation: nil))
        #expect(try parse("rec classify r1 theme public to none")
                == .send(.classifyRecommendation(recommendation: "r1", theme: "public-space", addressee: nil), confirmation: nil))
        #expect(refusal("rec classify r1 to c")
                == "\"c\" could be commune, communaute; type more of the addressee's id.")
        #expect(refusal("rec classify r1 to police")
                == "There is no addressee \"police\"; the addressees are: commune, zone-de-police, region, communaute, federal, europe.")
        #expect(refusal("rec classify r1") == "Say what to set: theme <room|none>, to <addressee|none>, or both.")
    }

    @Test("rec reserve records a reservation as typed; rec unreserve withdraws one by id")
    func reservations() throws {
        #expect(try parse("rec reserve r1 Le coût n'est pas chiffré")
                == .send(.addReservation(recommendation: "r1", text: "Le coût n'est pas chiffré"), confirmation: nil))
        #expect(try parse("rec unreserve rv1") == .send(.withdrawReservation(reservation: "rv1"), confirmation: nil))
        #expect(refusal("rec unreserve rv9") == "There is no reservation \"rv9\".")
    }

    @Test("intro and conclusion write the document's prose; clear asks before clearing")
    func synthesisTexts() throws {
        #expect(try parse("intro Une matinée d'échanges")
                == .send(.writeSynthesisText(part: .introduction, text: "Une matinée d'échanges"), confirmation: nil))
        guard case .send(.writeSynthesisText(.conclusion, nil), _?)? = try parse("conclusion clear") else {
            Issue.record("clear asks first"); return
        }
    }

    @Test("The editor is given the text in the workshop's first language, and its result replaces only that text")
    func editedProse() throws {
        let findings = ProseTarget.findings("night-economy")
        #expect(findings.current(in: state) == "Buses stop early.")
        #expect(findings.outcome(of: "Buses stop early.\n", in: state) == .unchanged)
        #expect(findings.outcome(of: "Buses stop at 11 pm.\n\nAnd trams.\n", in: state)
                == .send(.writeFindings(room: "night-economy", text: LocalizedText(
                    translations: ["": "Buses stop at 11 pm.\n\nAnd trams.", "fr": "Les bus s'arrêtent tôt."]))))
        #expect(findings.outcome(of: " \n", in: state) == .empty)
        #expect(ProseTarget.synthesis(.introduction).current(in: state) == "")
        #expect(ProseTarget.reservation("r1").current(in: state) == "")
        #expect(ProseTarget.reservation("r1").outcome(of: "Too costly\n", in: state)
                == .send(.addReservation(recommendation: "r1", text: "Too costly")))
    }

    @Test("Tab completes rooms, notes and comments, the classification's words, addressees and reservations")
    func completion() {
        let completer = CommandCompleter(state: state)
        #expect(completer.candidates(after: ["findings"]) == ["night-economy", "public-space"])
        #expect(completer.candidates(after: ["quote"]).contains("c1"))
        #expect(completer.candidates(after: ["rec", "classify", "r1"]) == ["theme", "to"])
        #expect(completer.candidates(after: ["rec", "classify", "r1", "to"]).first == "commune")
        #expect(completer.candidates(after: ["rec", "unreserve"]) == ["rv1"])
    }

    @Test("The editor is $VISUAL, else $EDITOR, else Debian's editor on the PATH, else vi")
    func editorChoice() throws {
        #expect(ProseEditor.command { ["VISUAL": "nano", "EDITOR": "ed"][$0] } == "nano")
        #expect(ProseEditor.command { ["VISUAL": "", "EDITOR": "code --wait"][$0] } == "code --wait")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-editor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(ProseEditor.command { ["PATH": folder.path][$0] } == "vi")
        FileManager.default.createFile(atPath: folder.path + "/editor", contents: Data("#!/bin/sh\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        #expect(ProseEditor.command { ["PATH": folder.path][$0] } == "editor")
    }

    @Test("The help lists every curation command")
    func help() {
        for name in ["findings", "quote", "unquote", "intro", "conclusion"] {
            #expect(CommandCatalogue.help(for: name) != nil, "\(name)")
        }
        #expect(CommandCatalogue.help(for: "rec")?.usage.contains("rec classify <r>") == true)
        #expect(CommandCatalogue.help(for: "rec")?.usage.contains("rec reserve <r>") == true)
    }
}
