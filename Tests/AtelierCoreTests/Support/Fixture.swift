@testable import AtelierCore

/// The workshop every scenario runs unless a test builds its own.
///
/// Agenda: `accueil` (plenary, no questions) → `ateliers` (breakout in both rooms) →
/// `vote` (plenary board with pre-filled options, its own voting rules) →
/// `synthese` (moves on by itself when time is up) → `cloture` (plenary with a feedback question).
enum Fixture {
    static let workshop = WorkshopDefinition(
        id: "gouvernance-locale",
        title: LocalizedText(translations: ["fr": "Gouvernance locale", "nl": "Lokaal bestuur"]),
        organiser: "Atelier asbl",
        date: "2025-06-14",
        timezone: "Europe/Brussels",
        languages: ["fr", "nl"],
        roles: [
            .init(id: "elu", label: LocalizedText(translations: ["fr": "Élu·e", "nl": "Verkozene"])),
            .init(id: "citoyen", label: LocalizedText("Citoyen·ne")),
            .init(id: "agent", label: LocalizedText("Agent·e")),
        ],
        addressees: [
            .init(id: "commune", label: LocalizedText(translations: ["fr": "Commune", "nl": "Gemeente"])),
            .init(id: "region", label: LocalizedText(translations: ["fr": "Région", "nl": "Gewest"])),
        ],
        rooms: [
            .init(id: "mobilite", theme: LocalizedText("Mobilité")),
            .init(
                id: "logement", theme: LocalizedText("Logement"),
                prompts: [.init(id: "besoins", text: LocalizedText("Quels besoins ?"))]),
        ],
        prompts: [
            .init(id: "constats", text: LocalizedText("Ce qui marche, ce qui coince")),
            .init(id: "pistes", text: LocalizedText("Pistes d'action")),
        ],
        agenda: [
            .init(id: "accueil", title: LocalizedText("Accueil"), start: "09:00", minutes: 15, kind: .plenary),
            .init(id: "ateliers", title: LocalizedText("Ateliers"), minutes: 45, kind: .breakout),
            .init(
                id: "vote", title: LocalizedText("Priorités"), minutes: 20, kind: .vote,
                prompts: [.init(
                    id: "priorites", text: LocalizedText("Que faire d'abord ?"),
                    items: [
                        LocalizedText(translations: ["fr": "Plus de bus", "nl": "Meer bussen"]),
                        LocalizedText("Logements sociaux"),
                        LocalizedText("Budget participatif"),
                    ])],
                voting: .init(dotsPerPerson: 5, maxDotsPerNote: 2, hiddenUntilReveal: true)),
            .init(id: "synthese", title: LocalizedText("Synthèse"), minutes: 30, kind: .synthesis, onTimeUp: .advance),
            .init(
                id: "cloture", title: LocalizedText("Clôture"), minutes: 10, kind: .plenary,
                prompts: [.init(id: "retours", text: LocalizedText("Vos retours"))]),
        ],
        voting: .init(dotsPerPerson: 3, maxDotsPerNote: 1, hiddenUntilReveal: false),
        assignment: .random)

    /// When every scenario's session is created.
    static let createdAt = Timestamp(milliseconds: 1_749_884_400_000)

    /// The notes the vote slot's question pre-fills, in creation order.
    static let prefilledNotes: [NoteID] = ["n1", "n2", "n3"]
}

/// The people of `Scenario.withCast()`, with the ids they get from joining in this order.
enum Cast {
    static let moderator: ParticipantID = "p1"
    static let ana: ParticipantID = "p2"
    static let bob: ParticipantID = "p3"
    static let chloe: ParticipantID = "p4"
    static let david: ParticipantID = "p5"
}

extension Actor {
    static let moderator = Actor.participant(Cast.moderator)
    static let ana = Actor.participant(Cast.ana)
    static let bob = Actor.participant(Cast.bob)
    static let chloe = Actor.participant(Cast.chloe)
    static let david = Actor.participant(Cast.david)
}

extension BoardID {
    static let mobilite = BoardID(slot: "ateliers", room: "mobilite")
    static let logement = BoardID(slot: "ateliers", room: "logement")
    static let priorites = BoardID(slot: "vote", room: plenaryRoom)
    static let retours = BoardID(slot: "cloture", room: plenaryRoom)
}

extension Fixture {
    /// The fixture workshop with one change.
    static func workshop(_ change: (inout WorkshopDefinition) -> Void) -> WorkshopDefinition {
        var workshop = Fixture.workshop
        change(&workshop)
        return workshop
    }
}

extension Int64 {
    /// Milliseconds in `count` minutes, as remaining times are measured.
    static func minutes(_ count: Int64) -> Int64 { count * 60_000 }
}

extension Command {
    /// A plain note: default colour, signed.
    static func note(_ text: String, prompt: PromptID, on board: BoardID? = nil) -> Command {
        .addNote(board: board, prompt: prompt, text: text, colour: nil, anonymous: nil)
    }

    /// A vote round with the slot's or workshop's rules.
    static func vote(on scope: VoteScope) -> Command {
        .openVote(on: scope, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil)
    }
}
