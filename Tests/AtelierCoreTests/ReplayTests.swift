@testable import AtelierCore
import Testing

/// A whole workshop played by a dozen people, its choices drawn from a seeded generator so every run is the same.
///
/// Each command is decided against the live state and its events applied one by one, as the server
/// does; after every command the live state is compared with the replay of the log so far.
private struct Play {
    private(set) var session: Scenario
    private var dice = SplitMix64(seed: 2025)
    private(set) var commands = 0
    private(set) var refusals: [Refusal.Code] = []
    private(set) var divergences = 0

    init() throws { session = try Scenario(seed: 99) }

    var state: SessionState { session.state }

    /// A command the script expects to succeed.
    @discardableResult
    mutating func perform(_ command: Command, by actor: Actor) throws -> [Event] {
        commands += 1
        let events = try session.when(command, by: actor)
        compareWithReplay()
        return events
    }

    /// A command that may be refused; its refusal is counted.
    mutating func attempt(_ command: Command, by actor: Actor) {
        commands += 1
        do {
            try session.when(command, by: actor)
        } catch {
            refusals.append(error.code)
        }
        compareWithReplay()
    }

    mutating func wait(minutes: Int64 = 0, seconds: Int64 = 0) { session.wait(minutes: minutes, seconds: seconds) }

    mutating func pick<T>(_ options: [T]) -> T? { options.randomElement(using: &dice) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &dice) < percent }

    /// Notes on `boards` that `person` can read, in creation order.
    func readableNotes(on boards: [BoardID], by person: ParticipantID) -> [NoteID] {
        state.noteOrder.filter { id in
            guard let board = state.notes[id]?.board else { return false }
            return boards.contains(board) && state.canRead(board, as: person)
        }
    }

    func notes(by person: ParticipantID) -> [NoteID] { state.noteOrder.filter { state.notes[$0]?.author == person } }

    func notes(on board: BoardID) -> [NoteID] { state.noteOrder.filter { state.notes[$0]?.board == board } }

    /// The items of the round opened last that `person` may vote on (all of them when nil).
    func items(for person: ParticipantID?) throws -> [String] {
        let round = try #require(state.voteOrder.last.flatMap { state.votes[$0] })
        return state.items(of: round, for: person)
    }

    private mutating func compareWithReplay() {
        if SessionState(replaying: session.log) != session.state { divergences += 1 }
    }
}

/// Plays the fixture workshop from the first join to the end.
private func playWorkshop() throws -> Play {
    var play = try Play()
    let moderator = Actor.participant("p1")
    let coModerator = Actor.participant("p2")
    let colours = NoteColour.allCases
    let roles = ["elu", "citoyen", "agent"]

    // Arrivals.
    try play.perform(.joinAsModerator(name: "Mod", language: "fr", credential: "m1"), by: .guest)
    try play.perform(.joinAsModerator(name: "Co-mod", language: "nl", credential: "m2"), by: .guest)
    var people: [ParticipantID] = []
    let names = ["Ana", "Bob", "Chloé", "David", "Emma", "Farid", "Greet", "Hugo", "Inès", "Jan"]
    for (index, name) in names.enumerated() {
        try play.perform(
            .join(
                name: name, role: roles[index % roles.count],
                organisation: index.isMultiple(of: 3) ? "Commune \(index)" : nil,
                language: index.isMultiple(of: 2) ? "fr" : "nl", credential: "t-\(name)"),
            by: .guest)
        people.append("p\(index + 3)")
    }
    let (mobiliteFacilitator, logementFacilitator) = (people[0], people[1])
    play.attempt(.join(name: "Ana", role: "elu", organisation: nil, language: "fr", credential: "t-Ana"), by: .guest)
    try play.perform(.rejoin(credential: "t-Bob"), by: .guest)
    try play.perform(.leave, by: .participant(people[9]))
    try play.perform(.rejoin(credential: "t-Jan"), by: .guest)
    for person in people.prefix(4) { try play.perform(.setLanguage(language: "nl"), by: .participant(person)) }
    try play.perform(.appointFacilitator(participant: mobiliteFacilitator, room: "mobilite"), by: moderator)
    try play.perform(.appointFacilitator(participant: logementFacilitator, room: "logement"), by: moderator)

    // Welcome, with a pause and an extension.
    try play.perform(.start, by: moderator)
    play.wait(minutes: 4)
    try play.perform(.pause, by: moderator)
    play.wait(minutes: 2)
    try play.perform(.extendSlot(minutes: 5), by: moderator)
    try play.perform(.resume, by: moderator)
    play.wait(minutes: 17)
    try play.perform(.expireSlot, by: .system)
    try play.perform(.nextSlot, by: moderator)

    // Breakout: writing, a latecomer, a move, comments, edits and deletions.
    try play.perform(.openRooms(mode: .random), by: moderator)
    try play.perform(.announce(text: "Bienvenue dans les ateliers", room: nil), by: coModerator)
    for round in 0..<3 {
        for person in people {
            let board = try #require(play.state.currentBoard(of: person))
            let prompts = play.state.workshop.prompts(of: board)
            try play.perform(
                .addNote(
                    board: nil, prompt: prompts[round % prompts.count].id, text: "Idée \(round) de \(person)",
                    colour: play.pick(colours), anonymous: play.chance(20)),
                by: .participant(person))
            play.wait(seconds: 20)
        }
    }
    try play.perform(
        .join(name: "Karim", role: "citoyen", organisation: nil, language: "fr", credential: "t-Karim"), by: .guest)
    people.append("p13")
    let moved = people[2]
    try play.perform(
        .assign(participant: moved, room: play.state.participants[moved]?.room == "mobilite" ? "logement" : "mobilite"),
        by: moderator)
    try play.perform(.announce(text: "Encore 10 minutes", room: "logement"), by: moderator)
    for person in people {
        let actor = Actor.participant(person)
        let readable = play.readableNotes(on: play.state.openBoards, by: person)
        for _ in 0..<2 {
            if let note = play.pick(readable) {
                try play.perform(.addComment(note: note, text: "Je rejoins \(note)"), by: actor)
            }
        }
        if let mine = play.pick(play.notes(by: person)) {
            play.attempt(.editNote(note: mine, text: "Précisé par \(person)", colour: play.pick(colours)), by: actor)
        }
        if play.chance(30), let mine = play.notes(by: person).last {
            play.attempt(.deleteNote(note: mine), by: actor)
        }
        if let any = play.pick(play.state.noteOrder) {
            play.attempt(.editNote(note: any, text: "Pas à moi", colour: nil), by: actor)
        }
    }

    // Facilitators organise their boards.
    for (facilitator, board) in [(mobiliteFacilitator, BoardID.mobilite), (logementFacilitator, BoardID.logement)] {
        let actor = Actor.participant(facilitator)
        let notes = play.notes(on: board)
        try #require(notes.count >= 4)
        let (first, second) = (Array(notes.prefix(notes.count / 2)), Array(notes.dropFirst(notes.count / 2)))
        try play.perform(.groupNotes(notes: first, cluster: nil, name: "Thème A"), by: actor)
        let events = try play.perform(.groupNotes(notes: second, cluster: nil, name: nil), by: actor)
        guard case let .clusterCreated(themeB, _, _) = events.first else { throw Unexpected(events: events) }
        try play.perform(.nameCluster(cluster: themeB, name: "Thème B"), by: actor)
        try play.perform(.groupNotes(notes: [notes[0]], cluster: themeB, name: nil), by: actor)
        try play.perform(.groupNotes(notes: [notes[1]], cluster: nil, name: "Divers"), by: actor)
        try play.perform(.ungroupNotes(notes: [notes[1]]), by: actor)
        play.attempt(.ungroupNotes(notes: [notes[1]]), by: actor)
    }

    // A hidden vote in the rooms.
    try play.perform(.openVote(on: .boards, dotsPerPerson: 4, maxDotsPerItem: 2, hidden: true), by: moderator)
    for person in people {
        let actor = Actor.participant(person)
        let items = try play.items(for: person)
        for _ in 0..<5 {
            if let item = play.pick(items) { play.attempt(.placeDot(vote: "v1", item: item), by: actor) }
        }
        if play.chance(40), let placed = play.state.votes["v1"]?.dots[person]?.keys.sorted().first {
            try play.perform(.removeDot(vote: "v1", item: placed), by: actor)
        }
        if let any = play.pick(try play.items(for: nil)) { play.attempt(.placeDot(vote: "v1", item: any), by: actor) }
    }
    if let dotted = play.state.votes["v1"]?.totals.keys.sorted().first, let author = play.state.notes[dotted]?.author {
        try play.perform(.deleteNote(note: dotted), by: .participant(author))
    }
    try play.perform(.revealVote(vote: "v1"), by: moderator)
    for cluster in play.state.clusterOrder {
        let facilitator = play.state.clusters[cluster]?.board == .mobilite ? mobiliteFacilitator : logementFacilitator
        play.attempt(.promote(source: .cluster(cluster), text: nil), by: .participant(facilitator))
    }
    try play.perform(.closeRooms(afterSeconds: 60), by: moderator)
    play.attempt(.closeRooms(afterSeconds: nil), by: .system)
    play.wait(seconds: 60)
    try play.perform(.closeRooms(afterSeconds: nil), by: .system)
    for person in people.prefix(6) {
        if let note = play.pick(play.readableNotes(on: [.mobilite, .logement], by: person)) {
            try play.perform(.addComment(note: note, text: "Vu en plénière"), by: .participant(person))
        }
    }

    // The vote slot.
    try play.perform(.nextSlot, by: moderator)
    for person in people.prefix(5) {
        try play.perform(
            .note("Option de \(person)", prompt: "priorites"), by: .participant(person))
    }
    try play.perform(.vote(on: .boards), by: moderator)
    let priorities = try #require(play.state.voteOrder.last)
    for person in people {
        for _ in 0..<7 {
            if let item = play.pick(try play.items(for: person)) {
                play.attempt(.placeDot(vote: priorities, item: item), by: .participant(person))
            }
        }
    }
    play.attempt(.placeDot(vote: priorities, item: "n1"), by: moderator)
    try play.perform(.closeVote(vote: priorities), by: moderator)
    try play.perform(.revealVote(vote: priorities), by: moderator)
    let round = try #require(play.state.votes[priorities])
    for ranked in play.state.results(of: round).prefix(3) {
        play.attempt(.promote(source: .note(ranked.item), text: nil), by: moderator)
    }

    // Synthesis.
    try play.perform(.nextSlot, by: moderator)
    let promoted = play.state.promoted.map(\.id)
    try #require(promoted.count >= 3)
    for (index, item) in promoted.enumerated() {
        let room = play.state.room(of: .promoted(item))
        let theme = room == plenaryRoom ? nil : room
        try play.perform(
            .draftRecommendation(text: LocalizedText("Recommandation \(index + 1)"), sources: [.promoted(item)], room: theme),
            by: index.isMultiple(of: 2) ? moderator : coModerator)
    }
    let drafted = play.state.recommendationOrder
    try play.perform(
        .editRecommendation(recommendation: drafted[0], text: "Recommandation reformulée", sources: nil, room: nil),
        by: moderator)
    try play.perform(.withdrawRecommendation(recommendation: drafted[1]), by: moderator)
    try play.perform(.orderRecommendations(order: play.state.recommendationOrder.reversed()), by: moderator)
    play.attempt(.orderRecommendations(order: drafted), by: moderator)
    try play.perform(.demote(item: promoted[promoted.count - 1]), by: moderator)
    try play.perform(.openVote(on: .recommendations, dotsPerPerson: 2, maxDotsPerItem: 1, hidden: false), by: moderator)
    let final = try #require(play.state.voteOrder.last)
    for person in people {
        for _ in 0..<3 {
            if let item = play.pick(play.state.recommendationOrder) {
                play.attempt(.placeDot(vote: final, item: item), by: .participant(person))
            }
        }
    }
    try play.perform(.revealVote(vote: final), by: moderator)
    play.wait(minutes: 30)
    try play.perform(.expireSlot, by: .system)

    // Closing.
    for person in people {
        try play.perform(
            .addNote(
                board: nil, prompt: "retours", text: "Merci de \(person)", colour: .green, anonymous: play.chance(50)),
            by: .participant(person))
    }
    try play.perform(.leave, by: .participant(people[3]))
    try play.perform(.end, by: moderator)

    // Curation, during the synthesis already written above and after the end.
    let kept = play.state.recommendationOrder
    try play.perform(.writeFindings(room: "mobilite", text: "Les **bus** manquent."), by: .participant(mobiliteFacilitator))
    try play.perform(.writeFindings(room: "logement", text: "Les loyers pèsent."), by: moderator)
    try play.perform(.writeFindings(room: "logement", text: nil), by: .participant(logementFacilitator))
    let quoted = try #require(play.readableNotes(on: [.mobilite], by: mobiliteFacilitator).first)
    try play.perform(.featureQuote(quote: .note(quoted)), by: .participant(mobiliteFacilitator))
    try play.perform(.featureQuote(quote: .comment(try #require(play.state.commentOrder.first))), by: moderator)
    try play.perform(.unfeatureQuote(quote: .note(quoted)), by: moderator)
    try play.perform(.classifyRecommendation(recommendation: kept[0], theme: "mobilite", addressee: "commune"), by: moderator)
    try play.perform(.addReservation(recommendation: kept[0], text: "Pas partout"), by: .participant(mobiliteFacilitator))
    try play.perform(.addReservation(recommendation: kept[0], text: "Coût"), by: coModerator)
    try play.perform(.withdrawReservation(reservation: "rv2"), by: moderator)
    try play.perform(.writeSynthesisText(part: .introduction, text: "Une matinée d'échanges."), by: moderator)
    try play.perform(.writeSynthesisText(part: .conclusion, text: "À suivre."), by: coModerator)
    play.attempt(.note("Trop tard", prompt: "retours"), by: .participant(people[0]))
    return play
}

@Suite("Replay")
struct ReplayTests {
    @Test("A long session's live state equals the replay of its log after every command")
    func liveStateEqualsReplay() throws {
        let play = try playWorkshop()
        #expect(play.commands >= 300)
        #expect(play.divergences == 0)
        #expect(SessionState(replaying: play.session.log) == play.state)
        #expect(play.state.status == .ended)
        #expect(play.state.votes.count == 3)
        #expect(play.state.votes.values.allSatisfy { $0.status == .revealed })
        #expect(play.state.finalRecommendationVote?.id == "v3")
        #expect(play.state.agenda.runs.map(\.slot) == ["accueil", "ateliers", "vote", "synthese", "cloture"])
        #expect(play.session.log.contains(.clusterDissolved(id: "g3")))
        #expect(play.refusals.contains(.voteBudgetExhausted))
        #expect(play.refusals.last == .sessionEnded)
        #expect(play.state.findings.keys.sorted() == ["mobilite"])
        #expect(play.state.featuredQuotes.count == 1)
        #expect(play.state.reservations.map(\.id) == ["rv1"])
        #expect(play.state.synthesisTexts.count == 2)
    }

    @Test("The same script gives the same log")
    func scriptIsDeterministic() throws {
        #expect(try playWorkshop().session.log == playWorkshop().session.log)
    }

    @Test("Replaying in one go equals applying event by event")
    func replayEqualsStepwise() throws {
        let session = try Scenario.breakoutWithNotes()
        var stepwise = try #require(SessionState(created: session.log[0]))
        for event in session.log.dropFirst() { stepwise.apply(event) }
        #expect(stepwise == session.state)
        #expect(SessionState(replaying: session.log) == stepwise)
    }
}
