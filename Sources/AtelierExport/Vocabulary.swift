/// The words a transcript uses around the session's own texts, in French, Dutch or English.
///
/// Renderers take every heading and label from here, so a transcript reads in the workshop's
/// language; a language without a catalogue gets English.
struct Vocabulary: Sendable {
    let organiser: String
    let date: String
    let session: String
    let privacyWithoutNames: String
    let privacyWithNames: String
    /// The disclosure rule for a minimum group, and whether it also applies to attributions (it does not with names).
    let disclosureRule: @Sendable (_ minimum: Int, _ attributions: Bool) -> String
    let otherRoles: String
    let participants: String
    let participantCount: @Sendable (Int) -> String
    let role: String
    let organisationsPresent: String
    let agenda: String
    let slot: String
    let planned: String
    let actual: String
    let delay: String
    let notRun: String
    let stillRunning: String
    let extended: @Sendable (Int) -> String
    let findings: String
    let context: String
    /// Said of findings drawn from the session because nobody has written them yet.
    let notYetEdited: String
    let mostVoted: String
    let groups: String
    let noteCount: @Sendable (Int) -> String
    /// Heading of the recommendations filed under no theme.
    let otherRecommendations: String
    let annex: String
    let roomNotes: String
    /// Time a slot ran in all, when it ran more than once.
    let totalMinutes: @Sendable (Int) -> String
    let questions: String
    let question: @Sendable (Int) -> String
    let group: String
    let unnamedGroup: String
    let noNotes: String
    let voteResults: String
    let rank: String
    let item: String
    let dots: String
    let dotCount: @Sendable (Int) -> String
    let voters: String
    let promoted: String
    let promotedMark: String
    let fromOrganiser: String
    let anonymous: String
    let quotes: String
    let about: String
    let recommendations: String
    let rankedByVote: String
    let moderatorsOrder: String
    let sources: String
    let removedSource: String
    let votesByRole: String
    let total: String
    let topChoices: String
    let agreement: String
    let divergence: String
    let favouredBy: String
    let noDotsFrom: String
    let none: String
    let moderation: String
    let unspecifiedRole: String
    let scopes: [String: String]
    let statuses: [String: String]
    let kinds: [String: String]
    let months: [String]
    /// What separates a label from its value: ` : ` in French typography, `: ` elsewhere.
    let colon: String
    let openQuote: String
    let closeQuote: String
    /// What separates the items of a run-in list: a spaced semicolon in French typography.
    let listSeparator: String
    let dotsEach: @Sendable (Int) -> String
    /// Heading of the annex's list of every comment.
    let comments: String
    let conclusion: String
    /// Heading of the recommendations nobody has given an addressee yet.
    let addresseeUnset: String
    let reservation: String
    let room: String
    let yes: String
    let no: String
    /// The spreadsheets' column headers, by the column's key (`note_id`, `author_role`…).
    let columns: [String: String]
    /// A role label as the subject of a quote, with the language's indefinite article: `un·e policier·ère`.
    let withArticle: @Sendable (String) -> String

    /// What the transcript says about people's privacy: whether names appear, and the disclosure rule unless it is off.
    func privacy(_ transcript: Transcript) -> [String] {
        [transcript.namesIncluded ? privacyWithNames : privacyWithoutNames]
            + (transcript.minimumRoleGroup > 1 ? [disclosureRule(transcript.minimumRoleGroup, !transcript.namesIncluded)] : [])
    }

    /// Who a quote in the document's body is by: names and roles when the options include names, else the
    /// role with its article (`un·e policier·ère`), or the merged group as it is named (`autres rôles`).
    func signature(_ attribution: Transcript.Attribution) -> String {
        if attribution.name != nil { return self.attribution(attribution) }
        let label = Self.lowercasedInitial(attribution.role.label)
        return ["others", "moderation", "unspecified"].contains(attribution.role.id) ? label : withArticle(label)
    }

    /// `text` with its first letter lowercased, unless the word is an acronym (`CPAS`).
    static func lowercasedInitial(_ text: String) -> String {
        guard let first = text.first, text.dropFirst().first?.isUppercase != true else { return text }
        return first.lowercased() + text.dropFirst()
    }

    /// `text` between the language's quotation marks.
    func quoted(_ text: String) -> String { openQuote + text + closeQuote }

    /// The catalogue for `language`, English when there is none.
    static func `for`(_ language: String) -> Vocabulary {
        switch language {
        case "fr": french
        case "nl": dutch
        default: english
        }
    }

    /// Languages with a catalogue of their own.
    static let languages = ["fr", "nl", "en"]

    /// `2021-01-21` as `21 janvier 2021` (day, month, year in all three languages); the text as given when it is not such a date.
    func longDate(_ isoDate: String) -> String {
        let parts = isoDate.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return isoDate }
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }

    /// A role label with what the transcript says about the person, e.g. `Policier·ère` or `Amina, Policier·ère (Ville de Mons)`.
    func attribution(_ attribution: Transcript.Attribution) -> String {
        var text = attribution.role.label
        if let name = attribution.name { text = "\(name), \(text)" }
        if let organisation = attribution.organisation { text += " (\(organisation))" }
        return text
    }

    static let french = Vocabulary(
        organiser: "Organisation", date: "Date", session: "Session",
        privacyWithoutNames: "Les citations sont attribuées par rôle ; aucun nom de participant n'y figure.",
        privacyWithNames: "Les citations portent le nom et l'organisation de leurs auteurs, sauf les notes anonymes.",
        disclosureRule: { minimum, attributions in
            "Un rôle de moins de \(minimum) personnes n'apparaît jamais seul \(attributions ? "dans les votes par rôle ni à côté d'une citation" : "dans les votes par rôle")"
                + " : il est compté dans « Autres rôles », et là où ce groupe compterait encore moins de \(minimum) personnes, il n'est pas donné."
        },
        otherRoles: "Autres rôles",
        participants: "Participants", participantCount: { "\($0) participant\($0 == 1 ? "" : "s")" },
        role: "Rôle", organisationsPresent: "Organisations présentes",
        agenda: "Programme tel que déroulé", slot: "Séquence", planned: "Prévu", actual: "Réel", delay: "Écart",
        notRun: "non tenue", stillRunning: "en cours", extended: { "prolongée de \($0) min" },
        findings: "État des lieux", context: "Contexte",
        notYetEdited: "Pas encore rédigé : les propositions les plus votées et les groupes formés, tels que la séance les a laissés.",
        mostVoted: "Les plus votées", groups: "Groupes", noteCount: { "\($0) note\($0 == 1 ? "" : "s")" },
        otherRecommendations: "Autres mesures", annex: "Annexe", roomNotes: "Notes des salles",
        totalMinutes: { "\($0) min au total" }, questions: "Questions", question: { "Question \($0)" },
        group: "Groupe", unnamedGroup: "Groupe sans nom", noNotes: "Aucune note.",
        voteResults: "Résultats du vote", rank: "Rang", item: "Proposition", dots: "Points",
        dotCount: { "\($0) point\($0 == 1 ? "" : "s")" }, voters: "Votants",
        promoted: "Remonté en plénière", promotedMark: "remontée en plénière", fromOrganiser: "proposée par l'organisation",
        anonymous: "anonyme", quotes: "Ils et elles ont dit", about: "à propos de",
        recommendations: "Mesures préconisées", rankedByVote: "Classées selon le vote en plénière.",
        moderatorsOrder: "Dans l'ordre établi par la modération, sans vote en plénière.",
        sources: "Sources", removedSource: "source retirée",
        votesByRole: "Votes par rôle", total: "Total", topChoices: "Premier choix par rôle",
        agreement: "Points d'accord", divergence: "Points de divergence",
        favouredBy: "premier choix de", noDotsFrom: "aucun point de", none: "aucun",
        moderation: "Équipe d'animation", unspecifiedRole: "Rôle non précisé",
        scopes: ["boards": "notes des salles", "promoted": "propositions en plénière", "recommendations": "recommandations"],
        statuses: ["closed": "clos, non dévoilé", "revealed": "dévoilé"],
        kinds: ["plenary": "plénière", "breakout": "ateliers", "vote": "vote", "synthesis": "synthèse", "break": "pause"],
        months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"],
        colon: " : ", openQuote: "« ", closeQuote: " »", listSeparator: " ; ", dotsEach: { "\($0) point\($0 == 1 ? "" : "s") par personne" },
        comments: "Commentaires", conclusion: "Conclusion", addresseeUnset: "Destinataire à préciser", reservation: "Réserve",
        room: "Salle", yes: "oui", no: "non",
        columns: ["note_id": "Note", "slot": "Séquence", "room": "Salle", "theme": "Thème", "question": "Question", "group": "Groupe",
                  "text": "Texte", "anonymous": "Anonyme", "author_role": "Rôle de l'auteur", "author_name": "Nom de l'auteur",
                  "author_organisation": "Organisation de l'auteur", "created_at": "Écrit le", "dots": "Points",
                  "promoted": "Remonté en plénière", "comment_id": "Commentaire", "note": "Texte de la note", "vote_id": "Vote",
                  "scope": "Objet du vote", "status": "Statut", "rank": "Rang", "item_id": "Identifiant", "item": "Proposition",
                  "voters": "Votants"],
        // Inclusive labels (policier·ère) take the inclusive article.
        withArticle: { "un·e \($0)" })

    static let dutch = Vocabulary(
        organiser: "Organisatie", date: "Datum", session: "Sessie",
        privacyWithoutNames: "Citaten staan op naam van een rol; namen van deelnemers komen er niet in voor.",
        privacyWithNames: "Citaten vermelden naam en organisatie van wie ze schreef, behalve anonieme notities.",
        disclosureRule: { minimum, attributions in
            "Een rol van minder dan \(minimum) personen staat nooit apart \(attributions ? "in de stemmen per rol of bij een citaat" : "in de stemmen per rol")"
                + ": ze telt mee bij ‘Andere rollen’, en waar die groep nog minder dan \(minimum) personen telt, wordt ze niet gegeven."
        },
        otherRoles: "Andere rollen",
        participants: "Deelnemers", participantCount: { "\($0) deelnemer\($0 == 1 ? "" : "s")" },
        role: "Rol", organisationsPresent: "Aanwezige organisaties",
        agenda: "Programma zoals het verliep", slot: "Onderdeel", planned: "Gepland", actual: "Werkelijk",
        delay: "Verschil", notRun: "niet gehouden", stillRunning: "loopt nog", extended: { "\($0) min verlengd" },
        findings: "Stand van zaken", context: "Context",
        notYetEdited: "Nog niet bewerkt: de voorstellen met de meeste stemmen en de gevormde groepen, zoals de sessie ze achterliet.",
        mostVoted: "Meeste stemmen", groups: "Groepen", noteCount: { "\($0) notitie\($0 == 1 ? "" : "s")" },
        otherRecommendations: "Overige maatregelen", annex: "Bijlage", roomNotes: "Notities per zaal",
        totalMinutes: { "\($0) min in totaal" }, questions: "Vragen", question: { "Vraag \($0)" },
        group: "Groep", unnamedGroup: "Groep zonder naam", noNotes: "Geen notities.",
        voteResults: "Stemresultaten", rank: "Plaats", item: "Voorstel", dots: "Stippen",
        dotCount: { "\($0) stip\($0 == 1 ? "" : "pen")" }, voters: "Stemmers",
        promoted: "Naar de plenaire sessie gebracht", promotedMark: "naar de plenaire sessie gebracht",
        fromOrganiser: "voorgesteld door de organisatie",
        anonymous: "anoniem", quotes: "Zij zeiden", about: "over",
        recommendations: "Aanbevolen maatregelen", rankedByVote: "Gerangschikt volgens de plenaire stemming.",
        moderatorsOrder: "In de volgorde van de moderatoren, zonder plenaire stemming.",
        sources: "Bronnen", removedSource: "bron verwijderd",
        votesByRole: "Stemmen per rol", total: "Totaal", topChoices: "Eerste keuze per rol",
        agreement: "Overeenstemming", divergence: "Verschillen",
        favouredBy: "eerste keuze van", noDotsFrom: "geen stip van", none: "geen",
        moderation: "Moderatieteam", unspecifiedRole: "Rol niet opgegeven",
        scopes: ["boards": "notities van de zalen", "promoted": "plenaire voorstellen", "recommendations": "aanbevelingen"],
        statuses: ["closed": "gesloten, niet getoond", "revealed": "getoond"],
        kinds: ["plenary": "plenair", "breakout": "workshops", "vote": "stemming", "synthesis": "synthese", "break": "pauze"],
        months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                 "november", "december"],
        colon: ": ", openQuote: "‘", closeQuote: "’", listSeparator: "; ", dotsEach: { "\($0) stip\($0 == 1 ? "" : "pen") per persoon" },
        comments: "Opmerkingen", conclusion: "Conclusie", addresseeUnset: "Nog geen bestemmeling", reservation: "Voorbehoud",
        room: "Zaal", yes: "ja", no: "nee",
        columns: ["note_id": "Notitie", "slot": "Onderdeel", "room": "Zaal", "theme": "Thema", "question": "Vraag", "group": "Groep",
                  "text": "Tekst", "anonymous": "Anoniem", "author_role": "Rol van de auteur", "author_name": "Naam van de auteur",
                  "author_organisation": "Organisatie van de auteur", "created_at": "Geschreven op", "dots": "Stippen",
                  "promoted": "Naar de plenaire sessie", "comment_id": "Opmerking", "note": "Tekst van de notitie", "vote_id": "Stemming",
                  "scope": "Onderwerp", "status": "Status", "rank": "Plaats", "item_id": "Id", "item": "Voorstel", "voters": "Stemmers"],
        withArticle: { "een \($0)" })

    static let english = Vocabulary(
        organiser: "Organiser", date: "Date", session: "Session",
        privacyWithoutNames: "Quotes are attributed by role; no participant's name appears.",
        privacyWithNames: "Quotes carry their authors' names and organisations, except anonymous notes.",
        disclosureRule: { minimum, attributions in
            "A role with fewer than \(minimum) people is never shown alone \(attributions ? "in the votes by role or next to a quote" : "in the votes by role")"
                + ": it is counted under “Other roles”, and where that group would still have fewer than \(minimum), it is left out."
        },
        otherRoles: "Other roles",
        participants: "Participants", participantCount: { "\($0) participant\($0 == 1 ? "" : "s")" },
        role: "Role", organisationsPresent: "Organisations present",
        agenda: "Agenda as run", slot: "Slot", planned: "Planned", actual: "Actual", delay: "Difference",
        notRun: "not run", stillRunning: "running", extended: { "extended by \($0) min" },
        findings: "Findings", context: "Context",
        notYetEdited: "Not yet edited: the most voted proposals and the groups formed, as the session left them.",
        mostVoted: "Most voted", groups: "Groups", noteCount: { "\($0) note\($0 == 1 ? "" : "s")" },
        otherRecommendations: "Other recommendations", annex: "Annex", roomNotes: "Notes by room",
        totalMinutes: { "\($0) min in all" }, questions: "Questions", question: { "Question \($0)" },
        group: "Group", unnamedGroup: "Unnamed group", noNotes: "No notes.",
        voteResults: "Vote results", rank: "Rank", item: "Item", dots: "Dots",
        dotCount: { "\($0) dot\($0 == 1 ? "" : "s")" }, voters: "Voters",
        promoted: "Promoted to the plenary", promotedMark: "promoted to the plenary", fromOrganiser: "from the organiser",
        anonymous: "anonymous", quotes: "In their words", about: "on",
        recommendations: "Recommendations", rankedByVote: "Ranked by the plenary vote.",
        moderatorsOrder: "In the moderators' order; there was no plenary vote.",
        sources: "Sources", removedSource: "source removed",
        votesByRole: "Votes by role", total: "Total", topChoices: "Top choice by role",
        agreement: "Where groups agree", divergence: "Where groups differ",
        favouredBy: "top choice of", noDotsFrom: "no dots from", none: "none",
        moderation: "Moderation team", unspecifiedRole: "Role not given",
        scopes: ["boards": "room notes", "promoted": "plenary items", "recommendations": "recommendations"],
        statuses: ["closed": "closed, not revealed", "revealed": "revealed"],
        kinds: ["plenary": "plenary", "breakout": "breakout", "vote": "vote", "synthesis": "synthesis", "break": "break"],
        months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"],
        colon: ": ", openQuote: "“", closeQuote: "”", listSeparator: "; ", dotsEach: { "\($0) dot\($0 == 1 ? "" : "s") each" },
        comments: "Comments", conclusion: "Conclusion", addresseeUnset: "No addressee yet", reservation: "Reservation",
        room: "Room", yes: "yes", no: "no",
        columns: ["note_id": "Note", "slot": "Slot", "room": "Room", "theme": "Theme", "question": "Question", "group": "Group",
                  "text": "Text", "anonymous": "Anonymous", "author_role": "Author's role", "author_name": "Author's name",
                  "author_organisation": "Author's organisation", "created_at": "Written at", "dots": "Dots", "promoted": "Promoted",
                  "comment_id": "Comment", "note": "Note text", "vote_id": "Vote", "scope": "Scope", "status": "Status", "rank": "Rank",
                  "item_id": "Item id", "item": "Item", "voters": "Voters"],
        withArticle: { ("aeiou".contains($0.first ?? "x") ? "an " : "a ") + $0 })
}
