import AtelierCore
import AtelierExport
import AtelierWire
import Foundation
import Testing

/// The disclosure rule at the workshop's default of 3: a role of fewer people is never shown alone.
@Suite struct DisclosureTests {
    static let officerNote = "Les patrouilles de nuit manquent"
    static let officerComment = "Nous le voyons chaque week-end"
    static let officerLabel = "Policier·ère municipal·e"

    /// The survey, with one police officer (p4) among three elected officials (p1–p3) and `mediators` mediators.
    /// The officer writes a note and a comment and votes alone for n3; p1 comments too.
    func session(mediators: Int = 0) throws -> SessionState {
        var events = try ExportFixture.creation(minimumRoleGroup: WorkshopDefinition.defaultMinimumRoleGroup)
        let at = ExportFixture.start
        let people = [("p1", "elu"), ("p2", "elu"), ("p3", "elu"), ("p4", "policier")]
            + (0..<mediators).map { ("p\(5 + $0)", "mediateur") }
        for (id, role) in people {
            events.append(.participantJoined(
                id: id, name: "Nom \(id)", role: role, organisation: "Ville \(id)", language: "fr", isModerator: false,
                credential: "c-\(id)", at: at))
        }
        let board = BoardID(slot: "sondage", room: plenaryRoom)
        events += [
            .noteAdded(id: "n4", board: board, prompt: "phenomene", author: "p4", text: Self.officerNote, colour: .yellow,
                       anonymous: false, at: at),
            .commentAdded(id: "c1", note: "n1", author: "p4", text: Self.officerComment, at: at),
            .commentAdded(id: "c2", note: "n1", author: "p1", text: "Surtout en centre-ville", at: at),
            .voteOpened(id: "v1", scope: .boards, slot: "sondage", boards: [board], dotsPerPerson: 2, maxDotsPerItem: 1,
                        hidden: true, at: at),
        ]
        let dots = [("p1", "n1"), ("p2", "n1"), ("p3", "n2"), ("p4", "n3")]
            + (0..<mediators).map { ("p\(5 + $0)", "n2") }
        for (participant, item) in dots { events.append(.dotPlaced(vote: "v1", item: item, participant: participant)) }
        events += [.voteClosed(id: "v1", at: at), .voteRevealed(id: "v1", at: at)]
        return try #require(SessionState(replaying: events))
    }

    func files(of state: SessionState, options: TranscriptOptions = TranscriptOptions()) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ExportFixture.allFiles(of: state, options: options).map { ($0.fileName, $0.text) })
    }

    /// The lines of a Markdown or HTML file that are not the attendance, which lists every role with its count.
    func linesOutsideAttendance(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { !$0.contains("| \(Self.officerLabel) | 1 |") && !$0.contains("<td>\(Self.officerLabel)</td>") }
    }

    @Test("A role of one person is in no vote breakdown and signs nothing, in any format")
    func singleMemberRoleIsNeverShown() throws {
        let state = try session()
        let transcript = Transcript(state: state)
        let vote = try #require(transcript.votes.first)
        #expect(vote.roles.isEmpty, "the merged group (the officer) has one person: no breakdown at all")
        #expect(vote.items.allSatisfy(\.byRole.isEmpty) && vote.topByRole.isEmpty && vote.divergence.isEmpty)
        #expect(vote.items.map(\.dots) == [2, 1, 1, 0], "the totals stay")
        #expect(transcript.attributions.allSatisfy { $0.role.id == "elu" })
        #expect(transcript.quotes.first { $0.comment == "c1" }?.attribution == nil)
        #expect(transcript.quotes.first { $0.comment == "c2" }?.attribution?.role.label == "Élu·e")

        let files = files(of: state)
        #expect(files.count == 6)
        for (name, text) in files where name.hasSuffix(".csv") {
            #expect(!text.contains(Self.officerLabel), "\(name) names the officer's role")
        }
        for name in ["atelier-test-GOLDEN.md", "atelier-test-GOLDEN.html"] {
            let lines = linesOutsideAttendance(try #require(files[name]))
            #expect(!lines.contains { $0.contains(Self.officerLabel) }, "\(name) names the officer's role outside the attendance")
            #expect(lines.contains { $0.contains("Élu·e") }, "\(name) still signs the elected officials' comment")
        }
        let json = try JSONValue.parse(Array(try #require(files["atelier-test-GOLDEN.json"]).utf8), limits: .file)
        #expect(json["votes"]?[0]?["roles"] == .array([]))
        for key in ["boards", "quotes", "votes"] {
            let section = try #require(json[key]).serialized()
            #expect(!section.contains("policier") && !section.contains(Self.officerLabel), "the JSON's \(key) name the officer's role")
        }
    }

    @Test("A quote featured from a role of one person is unsigned in every format, and signed other roles once that group is big enough")
    func featuredQuoteOfSingleMemberRole() throws {
        for mediators in [0, 2] {
            var started = try session(mediators: mediators)
            started.apply(.participantJoined(
                id: "m1", name: "Modération", role: nil, organisation: nil, language: "fr", isModerator: true, credential: "c-m1",
                at: ExportFixture.start))
            started.apply(.sessionStarted(at: ExportFixture.start))
            let state = try started.curated([.featureQuote(quote: .note("n4")), .featureQuote(quote: .comment("c1"))])
            let quotes = try #require(Transcript(state: state).findings.first?.quotes)
            #expect(quotes.map(\.id) == ["n4", "c1"])
            #expect(quotes.allSatisfy { $0.attribution?.role.id == (mediators == 0 ? nil : "others") })
            let files = files(of: state)
            let markdown = try #require(files["atelier-test-GOLDEN.md"])
            let html = try #require(files["atelier-test-GOLDEN.html"])
            for text in [Self.officerNote, Self.officerComment] {
                #expect(markdown.contains("> *\(text)*" + (mediators == 0 ? "\n" : " — autres rôles\n")))
                #expect(html.contains("<blockquote>\(text)</blockquote>\n" + (mediators == 0 ? "</figure>" : "<figcaption>— autres rôles</figcaption>")))
            }
            // The JSON's attendance counts every role; its findings are checked below.
            for (name, text) in files where !name.hasSuffix(".json") {
                #expect(!linesOutsideAttendance(text).contains { $0.contains(Self.officerLabel) }, "\(name) names the officer's role")
            }
            let json = try JSONValue.parse(Array(try #require(files["atelier-test-GOLDEN.json"]).utf8), limits: .file)
            let findings = try #require(json["findings"]).serialized()
            #expect(!findings.contains("policier") && !findings.contains(Self.officerLabel))
        }
    }

    @Test("Roles of too few people are merged into other roles once the merged group reaches the minimum")
    func smallRolesAreMergedIntoOtherRoles() throws {
        let state = try session(mediators: 2)
        let transcript = Transcript(state: state)
        let vote = try #require(transcript.votes.first)
        #expect(vote.roles.map(\.role.id) == ["elu", "others"])
        #expect(vote.roles.map(\.role.label) == ["Élu·e", "Autres rôles"])
        #expect(vote.roles.map(\.voters) == [3, 3])
        #expect(vote.items.map(\.item) == ["n2", "n1", "n3", "n4"])
        #expect(vote.items.map(\.byRole) == [[1, 2], [2, 0], [0, 1], [0, 0]])
        #expect(transcript.quotes.first { $0.comment == "c1" }?.attribution?.role.label == "Autres rôles")

        for (name, text) in files(of: state) {
            #expect(text.contains("Autres rôles"), "\(name) lacks the merged group")
            if name.hasSuffix(".csv") {
                #expect(!text.contains(Self.officerLabel) && !text.contains("Médiateur·rice"), "\(name) names a merged role")
            }
        }
        let english = try #require(TranscriptExporter.render(state: state, format: .md, options: .init(language: "en")).first)
        #expect(english.text.contains("Other roles"))
    }

    @Test("The document states the rule it applied, in its language")
    func ruleIsStated() throws {
        let state = try session()
        let markdown = try #require(TranscriptExporter.render(state: state, format: .md).first).text
        #expect(markdown.contains("Un rôle de moins de 3 personnes n'apparaît jamais seul dans les votes par rôle ni à côté d'une citation"))
        let html = try #require(TranscriptExporter.render(state: state, format: .html).first).text
        #expect(html.contains("<p class=\"privacy\">Les citations sont attribuées par rôle ; aucun nom de participant n'y figure. Un rôle de moins de 3 personnes"))
        let dutch = try #require(TranscriptExporter.render(state: state, format: .md, options: .init(language: "nl")).first).text
        #expect(dutch.contains("Een rol van minder dan 3 personen staat nooit apart"))
    }

    @Test("--names still prints each author's name and role; vote breakdowns keep the rule")
    func namesStillPrintNames() throws {
        let state = try session()
        let transcript = Transcript(state: state, options: TranscriptOptions(names: true))
        let officer = try #require(transcript.quotes.first { $0.comment == "c1" }?.attribution)
        #expect(officer.name == "Nom p4" && officer.organisation == "Ville p4" && officer.role.label == Self.officerLabel)
        #expect(transcript.votes.first?.roles.isEmpty == true)
        let markdown = try #require(TranscriptExporter.render(transcript, format: .md).first).text
        #expect(markdown.contains("Nom p4, \(Self.officerLabel) (Ville p4)"))
        #expect(markdown.contains("dans les votes par rôle :"), "with names the rule covers the votes only")
    }
}
