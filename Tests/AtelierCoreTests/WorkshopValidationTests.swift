@testable import AtelierCore
import Testing

/// The issues of the fixture workshop after one change.
private func issues(_ change: (inout WorkshopDefinition) -> Void) -> [WorkshopIssue] {
    Fixture.workshop(change).validate()
}

private func issue(_ path: String, _ message: String) -> WorkshopIssue { WorkshopIssue(path: path, message: message) }

private let identifierRule = "must be 1 to 64 lowercase letters, digits and single dashes, like \"local-governance\""

@Suite("Workshop validation")
struct WorkshopValidationTests {
    @Test("The fixture workshop is valid")
    func fixtureIsValid() {
        #expect(Fixture.workshop.validate() == [])
    }

    @Test("The format is 1")
    func format() {
        #expect(issues { $0.format = 2 } == [issue("format", "must be 1 (the only version of the format)")])
    }

    @Test("Identifiers are 1 to 64 lowercase letters, digits and single dashes")
    func identifiers() {
        for bad in ["", "Gouvernance", "a--b", "-a", "a-", "a_b", "é", String(repeating: "a", count: 65)] {
            #expect(issues { $0.id = bad } == [issue("id", identifierRule)])
        }
        #expect(issues { $0.id = String(repeating: "a", count: 64) } == [])
        #expect(issues { $0.id = "atelier-2025-b" } == [])
    }

    @Test("A text is not empty, in every language it is given in")
    func localizedTextNotEmpty() {
        #expect(issues { $0.title = LocalizedText(translations: [:]) } == [issue("title", "must not be empty")])
        #expect(issues { $0.title = LocalizedText("  ") } == [issue("title", "must not be empty")])
        #expect(issues { $0.title = LocalizedText(translations: ["fr": "Titre", "nl": " "]) }
            == [issue("title.nl", "must not be empty")])
    }

    @Test("A workshop text made only of invisible characters is empty, as in sessions")
    func invisibleWorkshopTextIsEmpty() {
        #expect(issues { $0.title = LocalizedText("\u{200B}\u{FEFF}") } == [issue("title", "must not be empty")])
        #expect(issues { $0.organiser = " \u{2060}" } == [issue("organiser", "must not be empty")])
    }

    @Test("A text is given only in the workshop's languages")
    func localizedTextLanguages() {
        #expect(issues { $0.title = LocalizedText(translations: ["fr": "Titre", "en": "Title"]) }
            == [issue("title.en", "\"en\" is not one of the workshop's languages (fr, nl)")])
    }

    @Test("The organiser is named")
    func organiser() {
        #expect(issues { $0.organiser = " " } == [issue("organiser", "must not be empty")])
    }

    @Test("The privacy contact, when given, says whom to contact in 1 to 200 characters")
    func contact() {
        let rule = "must be 1 to 200 characters saying whom to contact (an address, a mail or a phone number)"
        #expect(issues { $0.contact = " \u{200B}" } == [issue("contact", rule)])
        #expect(issues { $0.contact = String(repeating: "a", count: 201) } == [issue("contact", rule)])
        #expect(issues { $0.contact = "privacy@atelier.example, +32 2 000 00 00" } == [])
    }

    @Test("The retention, when given, is 1 to 3650 days")
    func retentionDays() {
        let rule = "must be a whole number of days from 1 to 3650"
        for bad in [0, -1, 3651] { #expect(issues { $0.retentionDays = bad } == [issue("retentionDays", rule)]) }
        #expect(issues { $0.retentionDays = 1 } == [])
        #expect(issues { $0.retentionDays = 3650 } == [])
    }

    @Test("The smallest role shown alone, when given, is 1 to 100 people, and 3 when not")
    func minimumRoleGroup() {
        let rule = "must be a whole number of people from 1 to 100"
        for bad in [0, -3, 101] { #expect(issues { $0.minimumRoleGroup = bad } == [issue("minimumRoleGroup", rule)]) }
        #expect(issues { $0.minimumRoleGroup = 1 } == [])
        #expect(issues { $0.minimumRoleGroup = 100 } == [])
        #expect(Fixture.workshop { $0.minimumRoleGroup = nil }.disclosureMinimumGroup == 3)
        #expect(Fixture.workshop { $0.minimumRoleGroup = 5 }.disclosureMinimumGroup == 5)
    }

    @Test("The privacy notice names the organiser and a 30-day retention when the file gives neither, and says so")
    func privacyDefaultsAreStated() {
        let bare = Fixture.workshop { $0.contact = nil; $0.retentionDays = nil }
        #expect(bare.noticeContact == "Atelier asbl")
        #expect(bare.noticeRetentionDays == 30)
        #expect(bare.statedDefaults.map(\.description) == [
            "contact: not given: the privacy notice names the organiser, Atelier asbl, as the contact",
            "retentionDays: not given: the privacy notice says names are kept 30 days after the session",
        ])
        let given = Fixture.workshop { $0.contact = "dpo@atelier.example"; $0.retentionDays = 90 }
        #expect(given.noticeContact == "dpo@atelier.example")
        #expect(given.noticeRetentionDays == 90)
        #expect(given.statedDefaults == [])
    }

    @Test("The date is a real calendar date written YYYY-MM-DD")
    func date() {
        for bad in ["2025-02-29", "2025-13-01", "2025-04-31", "2025-6-14", "14/06/2025", "2025-06-00", ""] {
            #expect(issues { $0.date = bad } == [issue("date", "must be a date written YYYY-MM-DD")])
        }
        #expect(issues { $0.date = "2024-02-29" } == [])
        #expect(issues { $0.date = "2000-02-29" } == [])
        #expect(issues { $0.date = "1900-02-29" } == [issue("date", "must be a date written YYYY-MM-DD")])
    }

    @Test("The time zone is a zone name or UTC")
    func timezone() {
        for bad in ["Brussels", "Europe/", "Europe/Brussels time", "+02:00", ""] {
            #expect(issues { $0.timezone = bad }
                == [issue("timezone", "must be a time zone name such as Europe/Brussels")])
        }
        for good in ["UTC", "America/Argentina/Buenos_Aires", "America/Port-au-Prince"] {
            #expect(issues { $0.timezone = good } == [])
        }
    }

    @Test("Languages are supported ones, listed once, at least one")
    func languages() {
        #expect(issues { $0.languages = [] }.contains(issue("languages", "must list at least one language")))
        #expect(issues { $0.languages = ["fr", "nl", "de"] }
            == [issue("languages[2]", "\"de\" is not supported (use fr, nl or en)")])
        #expect(issues { $0.languages = ["fr", "nl", "fr"] } == [issue("languages[2]", "\"fr\" is listed twice")])
    }

    @Test("The description, when given, follows the text rules")
    func description() {
        #expect(issues { $0.description = LocalizedText("") } == [issue("description", "must not be empty")])
    }

    @Test("Roles: at least one, each with an identifier and a label, ids unique")
    func roles() {
        #expect(issues { $0.roles = [] } == [issue("roles", "must offer at least one role")])
        #expect(issues { $0.roles[0].id = "Élu" } == [issue("roles[0].id", identifierRule)])
        #expect(issues { $0.roles[1].label = LocalizedText(" ") } == [issue("roles[1].label", "must not be empty")])
        #expect(issues { $0.roles[2].id = "elu" } == [issue("roles[2].id", "\"elu\" is used twice")])
    }

    @Test("Addressees, when listed, each have an identifier and a label, ids unique")
    func addressees() {
        #expect(issues { $0.addressees = nil }.isEmpty)
        #expect(issues { $0.addressees?[0].id = "Commune" } == [issue("addressees[0].id", identifierRule)])
        #expect(issues { $0.addressees?[1].label = LocalizedText(" ") } == [issue("addressees[1].label", "must not be empty")])
        #expect(issues { $0.addressees?[1].id = "commune" } == [issue("addressees[1].id", "\"commune\" is used twice")])
    }

    @Test("Rooms: identifiers, not named plenary, with a theme, ids unique")
    func rooms() {
        #expect(issues { $0.rooms[0].id = "Mobilité" } == [issue("rooms[0].id", identifierRule)])
        #expect(issues { $0.rooms[0].id = "plenary" }.first
            == issue("rooms[0].id", "\"plenary\" is reserved for the plenary board"))
        #expect(issues { $0.rooms[1].theme = LocalizedText("") } == [issue("rooms[1].theme", "must not be empty")])
        #expect(issues { $0.rooms[1].id = "mobilite" } == [issue("rooms[1].id", "\"mobilite\" is used twice")])
    }

    @Test("Questions: a list is not empty, each has an identifier and a text, ids unique in their list")
    func prompts() {
        #expect(issues { $0.rooms[1].prompts = [] } == [
            issue("rooms[1].prompts", "must list at least one question when present"),
            issue("agenda[1]", "room \"logement\" has no question: give prompts to the room, the slot or the workshop"),
        ])
        #expect(issues { $0.prompts?[0].id = "Constats" } == [issue("prompts[0].id", identifierRule)])
        #expect(issues { $0.prompts?[1].text = LocalizedText(" ") } == [issue("prompts[1].text", "must not be empty")])
        #expect(issues { $0.prompts?[1].id = "constats" } == [issue("prompts[1].id", "\"constats\" is used twice")])
        #expect(issues { $0.rooms[1].prompts?.append(.init(id: "constats", text: LocalizedText("Constats"))) } == [])
    }

    @Test("Pre-filled items follow the text rules")
    func promptItems() {
        #expect(issues { $0.agenda[2].prompts?[0].items?[1] = LocalizedText("") }
            == [issue("agenda[2].prompts[0].items[1]", "must not be empty")])
    }

    @Test("The agenda has at least one slot, with unique identifiers and titles")
    func agendaSlots() {
        #expect(issues { $0.agenda = [] } == [issue("agenda", "must have at least one slot")])
        #expect(issues { $0.agenda[3].id = "vote" } == [issue("agenda[3].id", "\"vote\" is used twice")])
        #expect(issues { $0.agenda[0].id = "" } == [issue("agenda[0].id", identifierRule)])
        #expect(issues { $0.agenda[4].title = LocalizedText("") } == [issue("agenda[4].title", "must not be empty")])
        #expect(issues { $0.agenda[0].description = LocalizedText(" ") }
            == [issue("agenda[0].description", "must not be empty")])
    }

    @Test("A slot lasts 1 to 1440 minutes")
    func slotMinutes() {
        for bad in [0, -10, 1441] {
            #expect(issues { $0.agenda[1].minutes = bad }
                == [issue("agenda[1].minutes", "must be a positive integer of at most 1440")])
        }
        #expect(issues { $0.agenda[1].minutes = 1440 } == [])
    }

    @Test("A planned start is written HH:MM and not before the previous slot ends")
    func slotStart() {
        for bad in ["9:00", "24:00", "09:60", "09h00"] {
            #expect(issues { $0.agenda[0].start = bad } == [issue("agenda[0].start", "must be a time written HH:MM")])
        }
        #expect(issues { $0.agenda[1].start = "09:14" }
            == [issue("agenda[1].start", "09:14 is before the previous slot ends")])
        #expect(issues { $0.agenda[1].start = "09:15" } == [])
        #expect(issues { $0.agenda[2].start = "09:59" }
            == [issue("agenda[2].start", "09:59 is before the previous slot ends")])
        #expect(issues { $0.agenda[0].start = nil; $0.agenda[2].start = "08:00" } == [])
    }

    @Test("Only a breakout slot lists rooms")
    func roomsOnlyInBreakout() {
        #expect(issues { $0.agenda[0].rooms = ["mobilite"] }
            == [issue("agenda[0].rooms", "only a breakout slot opens rooms")])
    }

    @Test("A breakout needs the workshop to have rooms")
    func breakoutNeedsRooms() {
        #expect(issues { $0.rooms = [] }
            == [issue("agenda[1].kind", "a breakout needs rooms, and the workshop has none")])
    }

    @Test("A breakout lists workshop rooms, each once, at least one")
    func breakoutRooms() {
        #expect(issues { $0.agenda[1].rooms = ["mobilite", "cuisine"] }
            == [issue("agenda[1].rooms[1]", "\"cuisine\" is not a room of the workshop")])
        #expect(issues { $0.agenda[1].rooms = ["logement", "logement"] }
            == [issue("agenda[1].rooms[1]", "\"logement\" is listed twice")])
        #expect(issues { $0.agenda[1].rooms = [] }
            == [issue("agenda[1].rooms", "must list at least one room when present")])
    }

    @Test("Every room of a breakout has questions: its own, the slot's or the workshop's")
    func breakoutRoomsHaveQuestions() {
        #expect(issues { $0.prompts = nil } == [issue(
            "agenda[1]", "room \"mobilite\" has no question: give prompts to the room, the slot or the workshop")])
        #expect(issues { $0.prompts = nil; $0.agenda[1].rooms = ["logement"] } == [])
        #expect(issues { $0.prompts = nil; $0.agenda[1].prompts = [.init(id: "idees", text: LocalizedText("Idées"))] }
            == [])
    }

    @Test("Voting rules give 1 to 100 dots and 1 to that many per note, in the workshop and in slots")
    func voting() {
        #expect(issues { $0.voting.dotsPerPerson = 0 }
            == [issue("voting.dotsPerPerson", "must be an integer from 1 to 100")])
        #expect(issues { $0.voting.dotsPerPerson = 101; $0.voting.maxDotsPerNote = 101 }
            == [issue("voting.dotsPerPerson", "must be an integer from 1 to 100")])
        #expect(issues { $0.agenda[2].voting?.maxDotsPerNote = 6 }
            == [issue("agenda[2].voting.maxDotsPerNote", "must be an integer from 1 to dotsPerPerson")])
        #expect(issues { $0.agenda[2].voting?.maxDotsPerNote = 0 }
            == [issue("agenda[2].voting.maxDotsPerNote", "must be an integer from 1 to dotsPerPerson")])
    }

    @Test("Issues come in file order")
    func fileOrder() {
        let found = issues {
            $0.voting.dotsPerPerson = 3; $0.voting.maxDotsPerNote = 9
            $0.agenda[3].minutes = 0
            $0.rooms[0].theme = LocalizedText("")
            $0.organiser = ""
        }
        #expect(found.map(\.path) == ["organiser", "rooms[0].theme", "agenda[3].minutes", "voting.maxDotsPerNote"])
    }

    @Test("An issue reads as its path and message")
    func issueDescription() {
        #expect(issue("agenda[1].minutes", "must be a positive integer").description
            == "agenda[1].minutes: must be a positive integer")
        #expect(issue("", "is empty").description == "is empty")
    }
}

@Suite("Session creation")
struct SessionCreationTests {
    @Test("Creating a session records the workshop and pre-fills the items of its questions, in the first language")
    func createPrefillsItems() throws {
        let at = Fixture.createdAt
        let events = try SessionEngine.create(id: "s1", joinCode: "ABCD", workshop: Fixture.workshop, at: at)
        func item(_ id: NoteID, _ text: String) -> Event {
            .noteAdded(
                id: id, board: .priorites, prompt: "priorites", author: nil, text: text, colour: .yellow,
                anonymous: false, at: at)
        }
        #expect(events == [
            .sessionCreated(id: "s1", joinCode: "ABCD", workshop: Fixture.workshop, at: at),
            item("n1", "Plus de bus"),
            item("n2", "Logements sociaux"),
            item("n3", "Budget participatif"),
        ])
        let state = try #require(SessionState(replaying: events))
        #expect(state.status == .created)
        #expect(state.noteOrder == Fixture.prefilledNotes)
        #expect(state.counters.notes == 3)
    }

    @Test("Workshop-level items are pre-filled on every room board that uses the workshop's questions")
    func workshopItemsOnEveryRoomBoard() throws {
        let workshop = Fixture.workshop {
            $0.prompts?[0].items = [LocalizedText("Exemple")]
            $0.agenda[2].prompts?[0].items = nil
        }
        let events = try SessionEngine.create(id: "s1", joinCode: "ABCD", workshop: workshop, at: Fixture.createdAt)
        #expect(events.dropFirst() == [.noteAdded(
            id: "n1", board: .mobilite, prompt: "constats", author: nil, text: "Exemple", colour: .yellow,
            anonymous: false, at: Fixture.createdAt)])
    }

    @Test("An invalid workshop cannot start a session; the refusal names the first issue")
    func invalidWorkshopRefused() throws {
        let workshop = Fixture.workshop { $0.agenda[1].minutes = 0; $0.voting.dotsPerPerson = 0 }
        let refusal = Refusal(
            .workshopInvalid,
            "The workshop is not valid: agenda[1].minutes: must be a positive integer of at most 1440")
        #expect(throws: refusal) {
            try SessionEngine.create(id: "s1", joinCode: "ABCD", workshop: workshop, at: Fixture.createdAt)
        }
    }

    @Test("A log that does not begin with the session's creation replays to nothing")
    func replayNeedsCreation() {
        #expect(SessionState(replaying: [Event.sessionStarted(at: Fixture.createdAt)]) == nil)
        #expect(SessionState(replaying: [Event]()) == nil)
    }
}
