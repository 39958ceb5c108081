@testable import AtelierCore
import Testing

/// `breakoutWithNotes`, rooms closed; Ana's and Bob's notes grouped in `g1`, unnamed.
private func afterBreakout() throws -> Scenario {
    var session = try Scenario.breakoutWithNotes()
    try session.when(.groupNotes(notes: ["n4", "n5"], cluster: nil, name: nil), by: .ana)
    try session.when(.closeRooms(afterSeconds: nil), by: .moderator)
    return session
}

/// `afterBreakout` in the synthesis slot with Chloé's note promoted (i1) and two recommendations, r1 and r2.
private func withRecommendations() throws -> Scenario {
    var session = try afterBreakout()
    try session.when(.goToSlot(slot: "synthese"), by: .moderator)
    try session.when(.promote(source: .note("n6"), text: nil), by: .moderator)
    try session.when(
        .draftRecommendation(text: "Encadrer les loyers", sources: [.promoted("i1")], room: "logement"), by: .moderator)
    try session.when(
        .draftRecommendation(text: "Bus toutes les 10 minutes", sources: [.note("n4")], room: nil), by: .moderator)
    return session
}

@Suite("Plenary synthesis")
struct SynthesisRulesTests {
    @Test("A moderator brings a note to the plenary with its text")
    func promoteNote() throws {
        var session = try afterBreakout()
        #expect(try session.when(.promote(source: .note("n6"), text: nil), by: .moderator)
            == [.itemPromoted(
                id: "i1", source: .note("n6"), board: .logement, text: "Loyers trop chers", at: session.now)])
        #expect(session.state.promoted.map(\.id) == ["i1"])
    }

    @Test("A promoted item may be reworded")
    func promoteWithText() throws {
        var session = try afterBreakout()
        let events = try session.when(.promote(source: .note("n6"), text: " Loyers "), by: .moderator)
        #expect(events
            == [.itemPromoted(id: "i1", source: .note("n6"), board: .logement, text: "Loyers", at: session.now)])
        #expect(try session.refusalCode(.promote(source: .note("n5"), text: "\u{0}"), by: .moderator)
            == .textControlCharacters)
    }

    @Test("A facilitator promotes their room's notes and groups; other participants cannot")
    func facilitatorPromotes() throws {
        var session = try afterBreakout()
        try session.when(.promote(source: .note("n5"), text: nil), by: .ana)
        #expect(try session.refused(.promote(source: .note("n4"), text: nil), by: .bob)
            == Refusal(
                .authFacilitatorOnly,
                "Only this room's facilitators and the moderators can promote items to the plenary."))
        #expect(try session.refusalCode(.promote(source: .note("n6"), text: nil), by: .ana) == .authFacilitatorOnly)
    }

    @Test("A named group is promoted under its name")
    func promoteNamedCluster() throws {
        var session = try afterBreakout()
        try session.when(.nameCluster(cluster: "g1", name: "Transports"), by: .ana)
        #expect(try session.when(.promote(source: .cluster("g1"), text: nil), by: .ana)
            == [.itemPromoted(id: "i1", source: .cluster("g1"), board: .mobilite, text: "Transports", at: session.now)])
    }

    @Test("An unnamed group is promoted only with a text")
    func unnamedClusterNeedsText() throws {
        var session = try afterBreakout()
        #expect(try session.refused(.promote(source: .cluster("g1"), text: nil), by: .ana)
            == Refusal(.clusterUnnamed, "Name the group, or give the text to show in plenary."))
        try session.when(.promote(source: .cluster("g1"), text: "Transports"), by: .ana)
        #expect(session.state.promoted.last?.text == "Transports")
    }

    @Test("Something already on the plenary list cannot be promoted again until taken off")
    func noDuplicates() throws {
        var session = try afterBreakout()
        try session.when(.promote(source: .note("n6"), text: nil), by: .moderator)
        #expect(try session.refused(.promote(source: .note("n6"), text: "Autrement dit"), by: .moderator)
            == Refusal(.synthesisAlreadyPromoted, "This is already on the plenary list."))
        try session.when(.demote(item: "i1"), by: .moderator)
        #expect(try session.when(.promote(source: .note("n6"), text: nil), by: .moderator).count == 1)
        #expect(session.state.promoted.map(\.id) == ["i2"])
    }

    @Test("Promoting needs an existing note or group and a started session")
    func promoteUnknownSource() throws {
        let session = try afterBreakout()
        #expect(try session.refusalCode(.promote(source: .note("n99"), text: nil), by: .moderator) == .noteUnknown)
        #expect(try session.refused(.promote(source: .cluster("g9"), text: nil), by: .moderator)
            == Refusal(.clusterUnknown, "There is no group \"g9\"."))
        let before = try Scenario.withCast()
        #expect(try before.refusalCode(.promote(source: .note("n1"), text: nil), by: .moderator) == .sessionNotStarted)
    }

    @Test("Only moderators take items off the plenary list: a facilitator proposes, even what they promoted")
    func demote() throws {
        var session = try afterBreakout()
        try session.when(.promote(source: .note("n4"), text: nil), by: .moderator)
        try session.when(.promote(source: .note("n5"), text: nil), by: .ana)
        let refusal = Refusal(.authModeratorOnly, "Only moderators can take items off the plenary list.")
        #expect(try session.refused(.demote(item: "i1"), by: .ana) == refusal)
        #expect(try session.refused(.demote(item: "i2"), by: .ana) == refusal)
        #expect(try session.refused(.demote(item: "i1"), by: .bob) == refusal)
        #expect(try session.when(.demote(item: "i1"), by: .moderator) == [.itemDemoted(id: "i1")])
        #expect(session.state.promoted.map(\.id) == ["i2"])
        #expect(try session.refused(.demote(item: "i1"), by: .moderator)
            == Refusal(.synthesisUnknownItem, "There is no plenary item \"i1\"."))
    }

    @Test("Plenary items can be voted on")
    func votePromoted() throws {
        var session = try withRecommendations()
        try session.when(.promote(source: .note("n4"), text: nil), by: .moderator)
        try session.when(.vote(on: .promoted), by: .moderator)
        let round = try #require(session.state.votes["v1"])
        #expect(round.boards.isEmpty)
        #expect(session.state.items(of: round, for: Cast.bob) == ["i1", "i2"])
        try session.when(.placeDot(vote: "v1", item: "i2"), by: .bob)
    }

    @Test("Taking an item off the plenary list during an open vote gives its dots back")
    func demotingRefundsDots() throws {
        var session = try afterBreakout()
        try session.when(.promote(source: .note("n4"), text: nil), by: .moderator)
        try session.when(.promote(source: .note("n6"), text: nil), by: .moderator)
        try session.when(.openVote(on: .promoted, dotsPerPerson: 2, maxDotsPerItem: 2, hidden: nil), by: .moderator)
        try session.dots(["i1", "i1"], in: "v1", by: .bob)
        try session.when(.demote(item: "i1"), by: .moderator)
        #expect(session.state.votes["v1"]?.dotsUsed(by: Cast.bob) == 0)
        try session.dots(["i2", "i2"], in: "v1", by: .bob)
    }

    @Test("A moderator drafts a recommendation from distinct existing sources")
    func draftRecommendation() throws {
        var session = try afterBreakout()
        try session.when(.promote(source: .note("n6"), text: nil), by: .moderator)
        let events = try session.when(
            .draftRecommendation(
                text: " Encadrer les loyers ", sources: [.promoted("i1"), .note("n6"), .promoted("i1")],
                room: "logement"),
            by: .moderator)
        #expect(events == [.recommendationDrafted(
            id: "r1", text: "Encadrer les loyers", sources: [.promoted("i1"), .note("n6")], room: "logement",
            by: Cast.moderator, at: session.now)])
        #expect(session.state.recommendationOrder == ["r1"])
        #expect(session.state.room(of: .promoted("i1")) == "logement")
    }

    @Test("Only moderators write, change, withdraw and order recommendations")
    func recommendationsAreForModerators() throws {
        let session = try withRecommendations()
        #expect(try session.refused(.draftRecommendation(text: "x", sources: [], room: nil), by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can write recommendations."))
        let edit = Command.editRecommendation(recommendation: "r1", text: "x", sources: nil, room: nil)
        #expect(try session.refusalCode(edit, by: .ana)
            == .authModeratorOnly)
        #expect(try session.refusalCode(.withdrawRecommendation(recommendation: "r1"), by: .ana) == .authModeratorOnly)
        #expect(try session.refusalCode(.orderRecommendations(order: ["r2", "r1"]), by: .ana) == .authModeratorOnly)
    }

    @Test("A recommendation's sources must exist")
    func unknownSources() throws {
        let session = try withRecommendations()
        #expect(try session.refused(.draftRecommendation(text: "x", sources: [.note("n99")], room: nil), by: .moderator)
            == Refusal(.recommendationUnknownSource, "There is no note \"n99\" in this session."))
        let edit = Command.editRecommendation(recommendation: "r1", text: nil, sources: [.promoted("i9")], room: nil)
        #expect(try session.refused(edit, by: .moderator)
            == Refusal(.recommendationUnknownSource, "There is no plenary item \"i9\" in this session."))
    }

    @Test("A recommendation's theme is a room of the workshop and its text follows the rules")
    func recommendationRoomAndText() throws {
        let session = try withRecommendations()
        #expect(try session.refusalCode(.draftRecommendation(text: "x", sources: [], room: "cuisine"), by: .moderator)
            == .roomsUnknownRoom)
        let long = Command.draftRecommendation(text: LocalizedText(String(repeating: "a", count: 1001)), sources: [], room: nil)
        #expect(try session.refused(long, by: .moderator)
            == Refusal(.textTooLong, "The recommendation is longer than 1000 characters."))
        let blank = Command.editRecommendation(recommendation: "r1", text: " ", sources: nil, room: nil)
        #expect(try session.refusalCode(blank, by: .moderator)
            == .textEmpty)
    }

    @Test("Editing changes only the fields given")
    func editRecommendation() throws {
        var session = try withRecommendations()
        let reworded = Command.editRecommendation(
            recommendation: "r1", text: "Plafonner les loyers", sources: nil, room: nil)
        #expect(try session.when(reworded, by: .moderator)
            == [.recommendationEdited(
                id: "r1", text: "Plafonner les loyers", sources: [.promoted("i1")], room: "logement")])
        let rethemed = Command.editRecommendation(recommendation: "r2", text: nil, sources: [], room: "mobilite")
        #expect(try session.when(rethemed, by: .moderator)
            == [.recommendationEdited(id: "r2", text: "Bus toutes les 10 minutes", sources: [], room: "mobilite")])
        #expect(session.state.recommendations["r2"]?.room == "mobilite")
        #expect(session.state.recommendations["r2"]?.sources == [])
    }

    @Test("A recommendation that does not exist is refused")
    func unknownRecommendation() throws {
        let session = try withRecommendations()
        #expect(try session.refused(.withdrawRecommendation(recommendation: "r9"), by: .moderator)
            == Refusal(.recommendationUnknown, "There is no recommendation \"r9\"."))
        let edit = Command.editRecommendation(recommendation: "r9", text: "x", sources: nil, room: nil)
        #expect(try session.refusalCode(edit, by: .moderator)
            == .recommendationUnknown)
    }

    @Test("A withdrawn recommendation leaves the list and its order")
    func withdrawRecommendation() throws {
        var session = try withRecommendations()
        #expect(try session.when(.withdrawRecommendation(recommendation: "r1"), by: .moderator)
            == [.recommendationWithdrawn(id: "r1")])
        #expect(session.state.recommendations["r1"] == nil)
        #expect(session.state.recommendationOrder == ["r2"])
        #expect(try session.refusalCode(.withdrawRecommendation(recommendation: "r1"), by: .moderator)
            == .recommendationUnknown)
    }

    @Test("Withdrawing a recommendation during an open vote gives its dots back")
    func withdrawingRefundsDots() throws {
        var session = try withRecommendations()
        try session.when(
            .openVote(on: .recommendations, dotsPerPerson: 1, maxDotsPerItem: nil, hidden: nil), by: .moderator)
        try session.when(.placeDot(vote: "v1", item: "r1"), by: .bob)
        try session.when(.withdrawRecommendation(recommendation: "r1"), by: .moderator)
        #expect(session.state.votes["v1"]?.totals == [:])
        try session.when(.placeDot(vote: "v1", item: "r2"), by: .bob)
    }

    @Test("The moderators order every recommendation exactly once")
    func orderRecommendations() throws {
        var session = try withRecommendations()
        #expect(try session.when(.orderRecommendations(order: ["r2", "r1"]), by: .moderator)
            == [.recommendationsOrdered(order: ["r2", "r1"])])
        #expect(session.state.recommendationOrder == ["r2", "r1"])
        for order: [RecommendationID] in [["r1"], ["r1", "r1"], ["r1", "r2", "r3"], ["r1", "r3"]] {
            #expect(try session.refused(.orderRecommendations(order: order), by: .moderator)
                == Refusal(.recommendationBadOrder, "List every recommendation exactly once."))
        }
    }

    @Test("Without a revealed vote, recommendations rank in the moderators' order")
    func rankedByModeratorOrder() throws {
        var session = try withRecommendations()
        try session.when(.orderRecommendations(order: ["r2", "r1"]), by: .moderator)
        #expect(session.state.rankedRecommendations == [
            RankedItem(item: "r2", dots: 0, rank: 1),
            RankedItem(item: "r1", dots: 0, rank: 2),
        ])
    }

    @Test("Recommendations rank by the last revealed vote on them; an unrevealed one does not count")
    func rankedByLastRevealedVote() throws {
        var session = try withRecommendations()
        try session.when(.draftRecommendation(text: "Budget participatif", sources: [], room: nil), by: .moderator)
        try session.when(.vote(on: .recommendations), by: .moderator)
        try session.dots(["r3"], in: "v1", by: .ana)
        try session.dots(["r2"], in: "v1", by: .bob)
        try session.when(.revealVote(vote: "v1"), by: .moderator)
        #expect(session.state.rankedRecommendations == [
            RankedItem(item: "r2", dots: 1, rank: 1),
            RankedItem(item: "r3", dots: 1, rank: 1),
            RankedItem(item: "r1", dots: 0, rank: 3),
        ])
        try session.when(.vote(on: .recommendations), by: .moderator)
        try session.dots(["r1", "r2"], in: "v2", by: .chloe)
        try session.when(.closeVote(vote: "v2"), by: .moderator)
        #expect(session.state.finalRecommendationVote?.id == "v1")
        try session.when(.orderRecommendations(order: ["r3", "r2", "r1"]), by: .moderator)
        #expect(session.state.rankedRecommendations.map(\.item) == ["r3", "r2", "r1"])
    }
}

@Suite("Announcements")
struct AnnouncementRulesTests {
    @Test("A moderator announces to everyone or to one room")
    func announce() throws {
        var session = try Scenario.inBreakout()
        #expect(try session.when(.announce(text: " Pause café ", room: nil), by: .moderator)
            == [.announced(id: "a1", text: "Pause café", room: nil, by: Cast.moderator, at: session.now)])
        #expect(try session.when(.announce(text: "Encore 5 minutes", room: "logement"), by: .moderator)
            == [.announced(id: "a2", text: "Encore 5 minutes", room: "logement", by: Cast.moderator, at: session.now)])
        #expect(session.state.announcements.map(\.id) == ["a1", "a2"])
    }

    @Test("Only moderators announce, to a room of the workshop, within the text rules")
    func announceIsChecked() throws {
        let session = try Scenario.inBreakout()
        #expect(try session.refused(.announce(text: "Salut", room: nil), by: .ana)
            == Refusal(.authModeratorOnly, "Only moderators can make announcements."))
        #expect(try session.refusalCode(.announce(text: "Salut", room: "cuisine"), by: .moderator) == .roomsUnknownRoom)
        #expect(try session.refused(.announce(text: "", room: nil), by: .moderator)
            == Refusal(.textEmpty, "The announcement is empty."))
    }

    @Test("Announcements and recommendations carry their translations, each cleaned, beside the original")
    func textsCarryTranslations() throws {
        var session = try withRecommendations()
        let pause = LocalizedText(translations: ["": " Pause café ", "nl": " Koffiepauze "])
        #expect(try session.when(.announce(text: pause, room: nil), by: .moderator)
            == [.announced(id: "a1", text: LocalizedText(translations: ["": "Pause café", "nl": "Koffiepauze"]),
                           room: nil, by: Cast.moderator, at: session.now)])
        let bus = LocalizedText(translations: ["fr": "Des bus le soir", "nl": "Avondbussen"])
        try session.when(.draftRecommendation(text: bus, sources: [], room: nil), by: .moderator)
        let id = try #require(session.state.recommendationOrder.last)
        #expect(session.state.recommendations[id]?.text.text(in: "nl") == "Avondbussen")
        #expect(session.state.recommendations[id]?.text.text(in: "fr") == "Des bus le soir")
    }

    @Test("A translation is in one of the workshop's languages, and each follows the text rules")
    func translationsMustBeInWorkshopLanguages() throws {
        let session = try withRecommendations()
        let german = LocalizedText(translations: ["fr": "Pause café", "de": "Kaffeepause"])
        #expect(try session.refused(.announce(text: german, room: nil), by: .moderator)
            == Refusal(.textUnknownLanguage,
                       "The announcement is given in \"de\", which this workshop does not offer; use one of: fr, nl."))
        let edit = Command.editRecommendation(recommendation: "r1", text: LocalizedText(translations: ["en": "Buses"]),
                                              sources: nil, room: nil)
        #expect(try session.refusalCode(edit, by: .moderator) == .textUnknownLanguage)
        let blankDutch = LocalizedText(translations: ["fr": "Des bus", "nl": " \u{200B} "])
        #expect(try session.refused(.draftRecommendation(text: blankDutch, sources: [], room: nil), by: .moderator)
            == Refusal(.textEmpty, "The recommendation is empty."))
        let reorderedDutch = LocalizedText(translations: ["fr": "Pause", "nl": "Pauze \u{202E}"])
        #expect(try session.refusalCode(.announce(text: reorderedDutch, room: nil), by: .moderator) == .textBidiControl)
        let longDutch = LocalizedText(translations: ["nl": String(repeating: "a", count: 501)])
        #expect(try session.refused(.announce(text: longDutch, room: nil), by: .moderator)
            == Refusal(.textTooLong, "The announcement is longer than 500 characters."))
        #expect(try session.refused(.announce(text: LocalizedText(translations: [:]), room: nil), by: .moderator)
            == Refusal(.textEmpty, "The announcement is empty."))
    }
}
