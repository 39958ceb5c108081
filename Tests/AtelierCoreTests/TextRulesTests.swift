@testable import AtelierCore
import Testing

/// Texts that render as nothing: format characters (zero-width space, non-joiner and joiner,
/// word joiner, byte order mark, soft hyphen, Hangul filler), alone or among spaces.
private let invisibleTexts = ["\u{200B}", "\u{200C}\u{200D}", " \u{2060} ", "\u{FEFF}", "\u{AD}\u{AD}", "\u{3164}", "\n\u{200B}\t\u{200E}"]

/// The bidirectional overrides, embeddings and isolates.
private let bidiControls: [Unicode.Scalar] = [
    "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
]

/// Every command that takes a text people write, in a state where it would be accepted, with
/// the actor who sends it and the field's name in refusals.
private func textCommands() throws -> (session: Scenario, commands: [(make: (String) -> Command, by: Actor, field: String)]) {
    var session = try Scenario.breakoutWithNotes()
    try session.when(.groupNotes(notes: ["n4"], cluster: nil, name: "Transports"), by: .ana)
    try session.when(.draftRecommendation(text: "Des bus le soir", sources: [], room: nil), by: .moderator)
    let commands: [(make: (String) -> Command, by: Actor, field: String)] = [
        ({ .join(name: $0, role: "elu", organisation: nil, language: "fr", credential: "new") }, .guest, "name"),
        ({ .joinAsModerator(name: $0, language: "fr", credential: "new") }, .guest, "name"),
        ({ .note($0, prompt: "constats") }, .ana, "note"),
        ({ .editNote(note: "n4", text: $0, colour: nil) }, .ana, "note"),
        ({ .addComment(note: "n5", text: $0) }, .ana, "comment"),
        ({ .groupNotes(notes: ["n5"], cluster: nil, name: $0) }, .ana, "group name"),
        ({ .nameCluster(cluster: "g1", name: $0) }, .ana, "group name"),
        ({ .promote(source: .note("n5"), text: $0) }, .ana, "plenary item"),
        ({ .draftRecommendation(text: LocalizedText($0), sources: [], room: nil) }, .moderator, "recommendation"),
        ({ .editRecommendation(recommendation: "r1", text: LocalizedText($0), sources: nil, room: nil) }, .moderator, "recommendation"),
        ({ .announce(text: LocalizedText($0), room: nil) }, .moderator, "announcement"),
    ]
    return (session, commands)
}

@Suite("Text rules")
struct TextRulesTests {
    @Test("A text made only of invisible characters is empty, in every field")
    func invisibleTextIsEmpty() throws {
        let (session, commands) = try textCommands()
        for (make, actor, field) in commands {
            var accepting = session
            try accepting.when(make("Visible"), by: actor)
            for text in invisibleTexts {
                #expect(try session.refused(make(text), by: actor) == Refusal(.textEmpty, "The \(field) is empty."),
                        "\(field): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("Invisible characters within a visible text are kept, as in emoji sequences and joined scripts")
    func invisibleCharactersWithinTextAreKept() throws {
        var session = try Scenario.breakoutWithNotes()
        for text in ["👩\u{200D}👩\u{200D}👧 Familles", "می\u{200C}خواهم", "co\u{AD}opération"] {
            let events = try session.when(.note(text, prompt: "constats"), by: .ana)
            guard case let .noteAdded(_, _, _, _, written, _, _, _)? = events.first else { throw Unexpected(events: events) }
            #expect(written == text)
        }
    }

    @Test("A text carrying a bidirectional override, embedding or isolate is refused, naming the character")
    func bidiControlsRefused() throws {
        let (session, commands) = try textCommands()
        for scalar in bidiControls {
            for (make, actor, _) in commands {
                #expect(try session.refusalCode(make("Payez \(scalar)ici"), by: actor) == .textBidiControl, "U+\(String(scalar.value, radix: 16))")
            }
        }
        #expect(try session.refusalCode(
            .join(name: "Eve", role: "citoyen", organisation: "Ville\u{2067}", language: "fr", credential: "new"), by: .guest)
            == .textBidiControl)
        #expect(try session.refused(.note("Payez \u{202E}321 erèinrev", prompt: "constats"), by: .ana)
            == Refusal(.textBidiControl,
                       "The note contains U+202E RIGHT-TO-LEFT OVERRIDE, a control that changes the order in which text is shown; remove it."))
    }

    @Test("Right-to-left text and the left-to-right and right-to-left marks are accepted")
    func rightToLeftTextAndMarksAreAccepted() throws {
        var session = try Scenario.breakoutWithNotes()
        for text in ["שלום עולם", "مرحبا بالعالم", "Réunion \u{200F}בבית\u{200E} 10:00", "\u{200E}A"] {
            try session.when(.note(text, prompt: "constats"), by: .ana)
        }
        try session.when(.join(name: "دانا\u{200F}", role: "elu", organisation: nil, language: "fr", credential: "new"), by: .guest)
    }
}
