@testable import AtelierCore
import Testing

/// `breakoutWithNotes` (Ana facilitates mobilite, where she wrote n4 and Bob n5; Chloé wrote n6 in
/// logement), Bob's comment c1 on n4, rooms closed, at the synthesis with r1 on logement and r2 without a theme.
private func curating() throws -> Scenario {
    var session = try Scenario.breakoutWithNotes()
    try session.when(.addComment(note: "n4", text: "Le soir surtout"), by: .bob)
    try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
    try session.when(.goToSlot(slot: "synthese"), by: .moderator)
    try session.when(.draftRecommendation(text: "Encadrer les loyers", sources: [.note("n6")], room: "logement"), by: .moderator)
    try session.when(.draftRecommendation(text: "Bus toutes les 10 minutes", sources: [.note("n4")], room: nil), by: .moderator)
    return session
}

@Suite("Curating the synthesis")
struct CurationRulesTests {
    @Test("A room's facilitator writes its findings, a moderator any room's; other participants cannot")
    func findingsByCurators() throws {
        var session = try curating()
        #expect(try session.when(.writeFindings(room: "mobilite", text: "Les **bus** manquent le soir."), by: .ana)
            == [.findingsWritten(room: "mobilite", text: "Les **bus** manquent le soir.", by: Cast.ana, at: session.now)])
        try session.when(.writeFindings(room: "logement", text: "Les loyers pèsent."), by: .moderator)
        #expect(try session.refused(.writeFindings(room: "mobilite", text: "Autre"), by: .bob)
            == Refusal(.authFacilitatorOnly, "Only this room's facilitators and the moderators can write a theme's findings."))
        #expect(try session.refusalCode(.writeFindings(room: "logement", text: "Autre"), by: .ana) == .authFacilitatorOnly)
        #expect(session.state.findings == ["mobilite": "Les **bus** manquent le soir.", "logement": "Les loyers pèsent."])
    }

    @Test("New findings replace the old, per language if given so, and no text clears them")
    func findingsReplacedAndCleared() throws {
        var session = try curating()
        try session.when(.writeFindings(room: "mobilite", text: "Premier jet"), by: .ana)
        let translated = LocalizedText(translations: ["fr": "Les bus manquent.", "nl": "Er zijn te weinig bussen."])
        try session.when(.writeFindings(room: "mobilite", text: translated), by: .ana)
        #expect(session.state.findings["mobilite"] == translated)
        try session.when(.writeFindings(room: "mobilite", text: nil), by: .moderator)
        #expect(session.state.findings.isEmpty)
    }

    @Test("Findings follow the text rules, up to 4,000 characters, in the workshop's languages, of one of its rooms")
    func findingsTextRules() throws {
        var session = try curating()
        let findings = { (text: LocalizedText) in Command.writeFindings(room: "mobilite", text: text) }
        #expect(try session.refused(findings(" \n "), by: .ana) == Refusal(.textEmpty, "The findings is empty."))
        #expect(try session.refused(findings(LocalizedText(String(repeating: "a", count: 4001))), by: .ana)
            == Refusal(.textTooLong, "The findings is longer than 4000 characters."))
        #expect(try session.refusalCode(findings("Bus \u{202E}cher"), by: .ana) == .textBidiControl)
        #expect(try session.refusalCode(findings(LocalizedText(translations: ["de": "Busse"])), by: .ana) == .textUnknownLanguage)
        #expect(try session.refused(.writeFindings(room: "culture", text: "Rien"), by: .moderator)
            == Refusal(.roomsUnknownRoom, "There is no room \"culture\" in this workshop."))
        try session.when(findings(LocalizedText(String(repeating: "a", count: 4000))), by: .ana)
    }

    @Test("Nothing is curated before the session starts")
    func curationNeedsStart() throws {
        let session = try Scenario.withCast()
        #expect(try session.refusalCode(.writeFindings(room: "mobilite", text: "Tôt"), by: .moderator) == .sessionNotStarted)
        #expect(try session.refusalCode(.writeSynthesisText(part: .introduction, text: "Tôt"), by: .moderator)
            == .sessionNotStarted)
    }

    @Test("A note or a comment is featured once, and unfeatured only while featured")
    func featureOnce() throws {
        var session = try curating()
        #expect(try session.when(.featureQuote(quote: .note("n5")), by: .ana) == [.quoteFeatured(quote: .note("n5"), by: Cast.ana)])
        try session.when(.featureQuote(quote: .comment("c1")), by: .moderator)
        #expect(try session.refused(.featureQuote(quote: .note("n5")), by: .moderator)
            == Refusal(.quoteAlreadyFeatured, "This is already quoted in the synthesis."))
        #expect(session.state.featuredQuotes == [.note("n5"), .comment("c1")])
        try session.when(.unfeatureQuote(quote: .note("n5")), by: .ana)
        #expect(try session.refused(.unfeatureQuote(quote: .note("n5")), by: .ana)
            == Refusal(.quoteNotFeatured, "This is not quoted in the synthesis."))
        #expect(session.state.featuredQuotes == [.comment("c1")])
    }

    @Test("A facilitator quotes their own room only; a participant not at all")
    func quotesByCurators() throws {
        var session = try curating()
        #expect(try session.refusalCode(.featureQuote(quote: .note("n6")), by: .ana) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.featureQuote(quote: .note("n4")), by: .bob) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.featureQuote(quote: .comment("c1")), by: .bob) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.featureQuote(quote: .note("n1")), by: .ana) == .authFacilitatorOnly)
        try session.when(.featureQuote(quote: .note("n1")), by: .moderator)
    }

    @Test("Only existing notes and comments are quoted")
    func unknownQuotes() throws {
        let session = try curating()
        #expect(try session.refused(.featureQuote(quote: .note("n99")), by: .moderator)
            == Refusal(.noteUnknown, "There is no note \"n99\"."))
        #expect(try session.refused(.featureQuote(quote: .comment("c9")), by: .moderator)
            == Refusal(.commentUnknown, "There is no comment \"c9\"."))
    }

    @Test("A deleted note leaves the quotes, and so do its comments")
    func deletedNoteUnquoted() throws {
        var session = try curating()
        try session.when(.featureQuote(quote: .note("n4")), by: .moderator)
        try session.when(.featureQuote(quote: .comment("c1")), by: .moderator)
        try session.when(.featureQuote(quote: .note("n5")), by: .moderator)
        try session.when(.deleteNote(note: "n4"), by: .moderator)
        #expect(session.state.featuredQuotes == [.note("n5")])
    }

    @Test("A moderator gives a recommendation a theme and one of the workshop's addressees, or takes them off")
    func classify() throws {
        var session = try curating()
        #expect(try session.when(.classifyRecommendation(recommendation: "r2", theme: "mobilite", addressee: "commune"), by: .moderator)
            == [.recommendationClassified(id: "r2", theme: "mobilite", addressee: "commune")])
        #expect(session.state.recommendations["r2"]?.room == "mobilite")
        #expect(session.state.recommendations["r2"]?.addressee == "commune")
        #expect(try session.refused(.classifyRecommendation(recommendation: "r2", theme: nil, addressee: "europe"), by: .moderator)
            == Refusal(.recommendationUnknownAddressee, "There is no addressee \"europe\" in this workshop; use one of: commune, region."))
        #expect(try session.refusalCode(.classifyRecommendation(recommendation: "r2", theme: "culture", addressee: nil), by: .moderator)
            == .roomsUnknownRoom)
        #expect(try session.refusalCode(.classifyRecommendation(recommendation: "r9", theme: nil, addressee: nil), by: .moderator)
            == .recommendationUnknown)
        #expect(try session.refusalCode(.classifyRecommendation(recommendation: "r2", theme: nil, addressee: nil), by: .ana)
            == .authModeratorOnly)
        try session.when(.classifyRecommendation(recommendation: "r2", theme: nil, addressee: nil), by: .moderator)
        #expect(session.state.recommendations["r2"]?.room == nil)
        #expect(session.state.recommendations["r2"]?.addressee == nil)
    }

    @Test("A workshop that lists no addressees says so when one is given")
    func noAddressees() throws {
        var workshop = Fixture.workshop
        workshop.addressees = nil
        var session = try Scenario.at("synthese", in: workshop)
        try session.when(.draftRecommendation(text: "Bus", sources: [], room: nil), by: .moderator)
        #expect(try session.refused(.classifyRecommendation(recommendation: "r1", theme: nil, addressee: "commune"), by: .moderator)
            == Refusal(.recommendationUnknownAddressee, "This workshop lists no addressees; add them to the workshop file."))
    }

    @Test("Reservations are recorded by moderators and the theme's facilitators, withdrawn, and leave with their recommendation")
    func reservations() throws {
        var session = try curating()
        try session.when(.classifyRecommendation(recommendation: "r2", theme: "mobilite", addressee: nil), by: .moderator)
        #expect(try session.when(.addReservation(recommendation: "r2", text: "Pas la nuit"), by: .ana)
            == [.reservationAdded(id: "rv1", recommendation: "r2", text: "Pas la nuit", by: Cast.ana, at: session.now)])
        try session.when(.addReservation(recommendation: "r1", text: "Les propriétaires s'y opposent"), by: .moderator)
        #expect(try session.refusalCode(.addReservation(recommendation: "r1", text: "Non"), by: .ana) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.addReservation(recommendation: "r2", text: "Non"), by: .bob) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.addReservation(recommendation: "r9", text: "Non"), by: .moderator) == .recommendationUnknown)
        #expect(try session.refusalCode(.addReservation(recommendation: "r2", text: " "), by: .ana) == .textEmpty)
        #expect(try session.refusalCode(.withdrawReservation(reservation: "rv2"), by: .ana) == .authFacilitatorOnly)
        try session.when(.withdrawReservation(reservation: "rv1"), by: .ana)
        #expect(try session.refused(.withdrawReservation(reservation: "rv1"), by: .moderator)
            == Refusal(.reservationUnknown, "There is no reservation \"rv1\"."))
        try session.when(.withdrawRecommendation(recommendation: "r1"), by: .moderator)
        #expect(session.state.reservations.isEmpty)
    }

    @Test("The introduction and the conclusion are the moderators' to write and to clear")
    func synthesisTexts() throws {
        var session = try curating()
        #expect(try session.when(.writeSynthesisText(part: .introduction, text: "Une matinée d'échanges."), by: .moderator)
            == [.synthesisTextWritten(part: .introduction, text: "Une matinée d'échanges.", by: Cast.moderator, at: session.now)])
        try session.when(.writeSynthesisText(part: .conclusion, text: "À suivre."), by: .moderator)
        #expect(try session.refused(.writeSynthesisText(part: .conclusion, text: "Non"), by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can write the synthesis's conclusion."))
        try session.when(.writeSynthesisText(part: .conclusion, text: nil), by: .moderator)
        #expect(session.state.synthesisTexts == [.introduction: "Une matinée d'échanges."])
    }

    @Test("After the end, moderators and facilitators go on curating, with the same rules")
    func curationAfterEnd() throws {
        var session = try curating()
        try session.when(.end, by: .moderator)
        try session.when(.writeFindings(room: "mobilite", text: "Les bus manquent."), by: .ana)
        try session.when(.featureQuote(quote: .note("n4")), by: .ana)
        try session.when(.classifyRecommendation(recommendation: "r2", theme: "mobilite", addressee: "region"), by: .moderator)
        try session.when(.addReservation(recommendation: "r2", text: "Coût"), by: .ana)
        try session.when(.writeSynthesisText(part: .conclusion, text: "À suivre."), by: .moderator)
        #expect(try session.refusalCode(.writeFindings(room: "mobilite", text: "Moi aussi"), by: .bob) == .authFacilitatorOnly)
        #expect(try session.refusalCode(.editRecommendation(recommendation: "r2", text: "Autre", sources: nil, room: nil), by: .moderator)
            == .sessionEnded)
        #expect(session.state.status == .ended)
    }

    @Test("Curation reaches the moderators and the room's facilitators; a recommendation's classification everyone")
    func curationAudiences() throws {
        var session = try curating()
        let findings = try #require(try session.when(.writeFindings(room: "mobilite", text: "Bus"), by: .ana).first)
        let seeing = { (event: Event) in
            let disclosures = session.state.disclosures(of: event)
            return Set(session.state.participants.keys.filter { session.state.form(for: $0, among: disclosures) != nil })
        }
        #expect(seeing(findings) == [Cast.moderator, Cast.ana])
        #expect(seeing(.quoteFeatured(quote: .comment("c1"), by: Cast.ana)) == [Cast.moderator, Cast.ana])
        #expect(seeing(.quoteFeatured(quote: .note("n6"), by: Cast.moderator)) == [Cast.moderator])
        #expect(seeing(.synthesisTextWritten(part: .introduction, text: "Intro", by: Cast.moderator, at: session.now))
            == [Cast.moderator])
        #expect(seeing(.reservationAdded(id: "rv1", recommendation: "r1", text: "Non", by: Cast.moderator, at: session.now))
            == [Cast.moderator])
        #expect(seeing(.recommendationClassified(id: "r1", theme: nil, addressee: "commune")).count == 5)
        #expect(session.state.formForEveryone(among: session.state.disclosures(of: findings)) == nil)
    }
}
