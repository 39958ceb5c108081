@testable import AtelierCore
import Testing

@Suite("Participants")
struct ParticipantRulesTests {
    @Test("Joining records the participant with a trimmed name, and the organisation when given")
    func joinTrimsName() throws {
        var session = try Scenario()
        let events = try session.when(
            .join(
                name: "  Ana Lopes \n", role: "elu", organisation: " Ville de Namur ", language: "nl",
                credential: "h1"),
            by: .guest)
        #expect(events == [.participantJoined(
            id: "p1", name: "Ana Lopes", role: "elu", organisation: "Ville de Namur", language: "nl",
            isModerator: false, credential: "h1", at: session.now)])
        let ana = try #require(session.state.participants["p1"])
        #expect(ana.isActive && !ana.isModerator && ana.room == nil && ana.facilitates == nil)
        #expect(session.state.activeParticipants.map(\.id) == ["p1"])
    }

    @Test("A blank organisation, of spaces or invisible characters only, is recorded as none")
    func blankOrganisationIsNone() throws {
        var session = try Scenario()
        for (index, blank) in ["   ", "\u{200B}\u{FEFF} "].enumerated() {
            let events = try session.when(
                .join(name: "Bob", role: "citoyen", organisation: blank, language: "fr", credential: "h\(index)"), by: .guest)
            guard case let .participantJoined(id, _, _, _, _, _, _, _)? = events.first else { throw Unexpected(events: events) }
            #expect(session.state.participants[id]?.organisation == nil)
        }
    }

    @Test("Participants get ids in the order they join")
    func idsFollowJoinOrder() throws {
        let session = try Scenario.withCast()
        #expect(session.state.participantOrder == [Cast.moderator, Cast.ana, Cast.bob, Cast.chloe, Cast.david])
    }

    @Test("A name that is empty once trimmed is refused")
    func emptyNameRefused() throws {
        let session = try Scenario()
        let refusal = try session.refused(
            .join(name: " \t ", role: "elu", organisation: nil, language: "fr", credential: "h1"), by: .guest)
        #expect(refusal == Refusal(.textEmpty, "The name is empty."))
    }

    @Test("A name longer than 80 characters is refused; 80 are fine")
    func longNameRefused() throws {
        var session = try Scenario()
        let refusal = try session.refused(
            .join(
                name: String(repeating: "é", count: 81), role: "elu", organisation: nil, language: "fr",
                credential: "h1"),
            by: .guest)
        #expect(refusal == Refusal(.textTooLong, "The name is longer than 80 characters."))
        try session.when(
            .join(
                name: String(repeating: "é", count: 80), role: "elu", organisation: nil, language: "fr",
                credential: "h1"),
            by: .guest)
    }

    @Test("A name with control characters is refused")
    func controlCharactersRefused() throws {
        let session = try Scenario()
        let refusal = try session.refused(
            .join(name: "Ana\u{7}", role: "elu", organisation: nil, language: "fr", credential: "h1"), by: .guest)
        #expect(refusal == Refusal(.textControlCharacters, "The name contains control characters."))
    }

    @Test("An organisation breaking the text rules is refused")
    func organisationIsChecked() throws {
        let session = try Scenario()
        let refusal = try session.refused(
            .join(
                name: "Ana", role: "elu", organisation: String(repeating: "x", count: 121), language: "fr",
                credential: "h1"),
            by: .guest)
        #expect(refusal == Refusal(.textTooLong, "The organisation is longer than 120 characters."))
    }

    @Test("An unknown role is refused with the roles to choose from")
    func unknownRoleListsChoices() throws {
        let session = try Scenario()
        let refusal = try session.refused(
            .join(name: "Ana", role: "maire", organisation: nil, language: "fr", credential: "h1"), by: .guest)
        #expect(refusal == Refusal(
            .participantUnknownRole, "\"maire\" is not a role of this workshop; choose one of: elu, citoyen, agent."))
    }

    @Test("A language the workshop does not offer is refused with the offered ones")
    func unknownLanguageRefused() throws {
        let session = try Scenario()
        let refusal = try session.refused(
            .join(name: "Ana", role: "elu", organisation: nil, language: "en", credential: "h1"), by: .guest)
        #expect(refusal == Refusal(
            .participantUnknownLanguage, "\"en\" is not offered in this workshop; choose one of: fr, nl."))
    }

    @Test("A credential already held by someone, empty or over 256 characters cannot be used")
    func unusableCredentialRefused() throws {
        let session = try Scenario.withCast()
        for credential in ["token-Ana", "", String(repeating: "h", count: 257)] {
            let refusal = try session.refused(
                .join(name: "Eve", role: "elu", organisation: nil, language: "fr", credential: credential), by: .guest)
            #expect(refusal
                == Refusal(.authUnknownToken, "This reconnect credential cannot be used; ask for a new one."))
            let moderator = Command.joinAsModerator(name: "Eve", language: "fr", credential: credential)
            #expect(try session.refusalCode(moderator, by: .guest)
                == .authUnknownToken)
        }
    }

    @Test("A connection that has joined cannot join again")
    func joinedConnectionCannotJoin() throws {
        let session = try Scenario.withCast()
        let refusal = try session.refused(
            .join(name: "Ana", role: "elu", organisation: nil, language: "fr", credential: "other"), by: .ana)
        #expect(refusal == Refusal(.authAlreadyJoined, "This connection has already joined the session."))
        #expect(try session.refusalCode(.rejoin(credential: "token-Bob"), by: .ana) == .authAlreadyJoined)
        #expect(try session.refusalCode(.joinAsModerator(name: "M", language: "fr", credential: "x"), by: .moderator)
            == .authAlreadyJoined)
    }

    @Test("A moderator joins without a role or organisation")
    func moderatorJoins() throws {
        var session = try Scenario()
        let events = try session.when(.joinAsModerator(name: " Mod ", language: "fr", credential: "m1"), by: .guest)
        #expect(events == [.participantJoined(
            id: "p1", name: "Mod", role: nil, organisation: nil, language: "fr", isModerator: true,
            credential: "m1", at: session.now)])
        #expect(session.state.participants["p1"]?.isModerator == true)
    }

    @Test("A moderator's name follows the text rules and language must be offered")
    func moderatorJoinIsChecked() throws {
        let session = try Scenario()
        #expect(try session.refusalCode(.joinAsModerator(name: "", language: "fr", credential: "m1"), by: .guest)
            == .textEmpty)
        #expect(try session.refusalCode(.joinAsModerator(name: "Mod", language: "de", credential: "m1"), by: .guest)
            == .participantUnknownLanguage)
    }

    @Test("Rejoining as an active participant changes nothing")
    func rejoinWhileActiveIsSilent() throws {
        var session = try Scenario.withCast()
        #expect(try session.when(.rejoin(credential: "token-Ana"), by: .guest) == [])
    }

    @Test("A participant who left comes back with their credential")
    func rejoinAfterLeaving() throws {
        var session = try Scenario.withCast()
        try session.when(.leave, by: .ana)
        session.wait(minutes: 3)
        let events = try session.when(.rejoin(credential: "token-Ana"), by: .guest)
        #expect(events == [.participantRejoined(id: Cast.ana, at: session.now)])
        #expect(session.state.participants[Cast.ana]?.isActive == true)
    }

    @Test("Rejoining with an unknown or empty credential is refused")
    func rejoinUnknownToken() throws {
        let session = try Scenario.withCast()
        let refusal = try session.refused(.rejoin(credential: "nope"), by: .guest)
        #expect(refusal == Refusal(.authUnknownToken, "This reconnect token is not known in this session; join again."))
        #expect(try session.refusalCode(.rejoin(credential: ""), by: .guest) == .authUnknownToken)
    }

    @Test("Leaving makes the participant inactive and takes them out of their room")
    func leaveDeactivates() throws {
        var session = try Scenario.inBreakout()
        let events = try session.when(.leave, by: .ana)
        #expect(events == [.participantLeft(id: Cast.ana, at: session.now)])
        let ana = try #require(session.state.participants[Cast.ana])
        #expect(!ana.isActive && ana.room == nil)
        #expect(!session.state.activeParticipants.map(\.id).contains(Cast.ana))
    }

    @Test("Someone who has not joined, or has left, can do nothing but join")
    func notJoinedRefused() throws {
        var session = try Scenario.running()
        let refusal = try session.refused(.setLanguage(language: "nl"), by: .guest)
        #expect(refusal == Refusal(.authNotJoined, "Join the session first."))
        try session.when(.leave, by: .ana)
        #expect(try session.refusalCode(.leave, by: .ana) == .authNotJoined)
        #expect(try session.refusalCode(.start, by: .system) == .authNotJoined)
    }

    @Test("A participant switches language; choosing the current one changes nothing")
    func setLanguage() throws {
        var session = try Scenario.withCast()
        #expect(try session.when(.setLanguage(language: "nl"), by: .ana)
            == [.languageChanged(participant: Cast.ana, language: "nl")])
        #expect(session.state.participants[Cast.ana]?.language == "nl")
        #expect(try session.when(.setLanguage(language: "nl"), by: .ana) == [])
        #expect(try session.refusalCode(.setLanguage(language: "de"), by: .ana) == .participantUnknownLanguage)
    }

    @Test("A moderator appoints and revokes a facilitator")
    func appointAndRevokeFacilitator() throws {
        var session = try Scenario.withCast()
        #expect(try session.when(.appointFacilitator(participant: Cast.ana, room: "mobilite"), by: .moderator)
            == [.facilitatorAppointed(participant: Cast.ana, room: "mobilite")])
        #expect(session.state.participants[Cast.ana]?.facilitates == "mobilite")
        #expect(try session.when(.appointFacilitator(participant: Cast.ana, room: nil), by: .moderator)
            == [.facilitatorAppointed(participant: Cast.ana, room: nil)])
        #expect(session.state.participants[Cast.ana]?.facilitates == nil)
    }

    @Test("A facilitator appointed while rooms are open moves into the room")
    func appointedFacilitatorMovesIn() throws {
        var session = try Scenario.inBreakout()
        let events = try session.when(.appointFacilitator(participant: Cast.ana, room: "logement"), by: .moderator)
        #expect(events == [
            .facilitatorAppointed(participant: Cast.ana, room: "logement"),
            .participantAssigned(participant: Cast.ana, room: "logement"),
        ])
        #expect(session.state.participants[Cast.ana]?.room == "logement")
        #expect(try session.when(.appointFacilitator(participant: Cast.chloe, room: "logement"), by: .moderator)
            == [.facilitatorAppointed(participant: Cast.chloe, room: "logement")])
    }

    @Test("Only moderators appoint facilitators")
    func appointIsModeratorOnly() throws {
        let session = try Scenario.withCast()
        let refusal = try session.refused(.appointFacilitator(participant: Cast.bob, room: "mobilite"), by: .ana)
        #expect(refusal == Refusal(.authModeratorOnly, "Only moderators can appoint facilitators."))
    }

    @Test("Appointing someone who is not an active participant is refused")
    func appointUnknownParticipant() throws {
        var session = try Scenario.withCast()
        let refusal = try session.refused(.appointFacilitator(participant: "p99", room: "mobilite"), by: .moderator)
        #expect(refusal == Refusal(.participantUnknown, "There is no participant \"p99\" in this session."))
        try session.when(.leave, by: .bob)
        #expect(try session.refusalCode(.appointFacilitator(participant: Cast.bob, room: "mobilite"), by: .moderator)
            == .participantUnknown)
    }

    @Test("A moderator cannot be made facilitator")
    func moderatorIsNotFacilitator() throws {
        let session = try Scenario.withCast()
        let refusal = try session.refused(
            .appointFacilitator(participant: Cast.moderator, room: "mobilite"), by: .moderator)
        #expect(refusal == Refusal(
            .participantIsModerator, "Mod is a moderator: moderators see every room and are not placed in one."))
    }

    @Test("A facilitator is appointed to a room of the workshop")
    func appointToUnknownRoom() throws {
        let session = try Scenario.withCast()
        let refusal = try session.refused(.appointFacilitator(participant: Cast.ana, room: "culture"), by: .moderator)
        #expect(refusal == Refusal(.roomsUnknownRoom, "There is no room \"culture\" in this workshop."))
    }

    @Test("A moderator who never joined enters an ended session, to curate and export it; a participant cannot")
    func moderatorJoinsAfterEnd() throws {
        var session = try Scenario.running()
        try session.when(.end, by: .moderator)
        let organiser = try session.joinModerator("Organiser")
        #expect(session.state.participants[organiser]?.isModerator == true)
        try session.when(.writeSynthesisText(part: .introduction, text: "Une matinée."), by: .participant(organiser))
        #expect(try session.refusalCode(
            .join(name: "Late", role: "citoyen", organisation: nil, language: "fr", credential: "late"), by: .guest)
            == .sessionEnded)
    }
}
