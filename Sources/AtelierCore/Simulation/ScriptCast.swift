/// The people and words of a scripted session, in French like the field material it imitates.
enum ScriptCast {
    /// A participant's display name and organisation.
    static func person(_ number: Int) -> (name: String, organisation: String) {
        let name = firstNames[number % firstNames.count]
        let suffix = number < firstNames.count ? "" : " \(number / firstNames.count + 1)"
        return ("\(name)\(suffix)", cities[(number * 3) % cities.count])
    }

    /// The text of the `seed`-th note.
    static func note(_ seed: Int) -> String { notes[seed % notes.count] }

    /// The text of the `seed`-th comment.
    static func comment(_ seed: Int) -> String { comments[seed % comments.count] }

    /// A recommendation drawn from a plenary item.
    static func recommendation(for item: String, number: Int) -> String {
        "\(openings[number % openings.count]) : \(item.prefix(1).lowercased())\(item.dropFirst())"
    }

    /// A room's findings in the words of a synthesis, from its most voted notes: each text once,
    /// since the cast's notes repeat in a large room.
    static func findings(from notes: [String]) -> String {
        var seen = Set<String>()
        return "Les échanges ont fait apparaître quelques **constats majeurs**, que les votes de la salle confirment :\n\n"
            + notes.filter { seen.insert($0).inserted }.map { "- \($0.prefix(1).lowercased())\($0.dropFirst())" }.joined(separator: " ;\n") + "."
            + "\n\nLes participants évoquent *beaucoup plus la prévention que la répression*."
    }

    static let introduction = """
        Élus, professionnels de la prévention et partenaires ont échangé analyses et expériences pour proposer des \
        mesures adaptées à l'échelle des stratégies locales. Ce document rassemble leurs **constats** et leurs **mesures \
        préconisées** ; la matière brute de la séance suit en annexe.
        """
    static let conclusion = """
        Les mesures préconisées seront présentées aux conseils communaux. Le réseau en fera le *bilan dans un an*, \
        avec les mêmes partenaires.
        """
    static let reservation = "Les zones de police souhaitent un calendrier plus progressif."
    static let clusterName = "Coordination entre partenaires"
    static let welcome = "Bienvenue dans les ateliers : une idée par post-it, merci !"
    static let pause = "Pause de dix minutes, reprise à l'heure indiquée."

    private static let firstNames = [
        "Amina", "Bruno", "Chloé", "Dries", "Elif", "Fatou", "Grégoire", "Hanne", "Ismaël", "Julie",
        "Koen", "Leïla", "Marc", "Nadia", "Olivier", "Pieter", "Rachida", "Sofie", "Thomas", "Yasmina",
    ]

    private static let cities = [
        "Ville d'Anderlecht", "Ville de Mons", "Ville de Bruxelles", "Ville de Huy", "Ville de Liège",
        "Stad Mechelen", "Commune de Molenbeek", "Ville de Mouscron", "Commune de Saint-Gilles",
        "Commune de Saint-Josse-ten-Noode", "Stad Vilvoorde", "Zone de police Midi",
    ]

    private static let notes = [
        "Un coordinateur local qui réunit tous les services autour de la table",
        "Le bourgmestre doit porter la démarche, mais avec les travailleurs de terrain",
        "Partir du terrain (bottom up) et faire valider par le collège",
        "Une convention de partenariat simple, revue chaque année",
        "Clarifier ce que chacun peut partager malgré le secret professionnel",
        "Former ensemble policiers, éducateurs et médiateurs",
        "Évaluer l'impact sur le sentiment de sécurité, pas seulement les chiffres",
        "Communiquer les résultats aux habitants et aux conseils de quartier",
        "Des horaires de présence le soir et la nuit, quand personne n'est là",
        "Reconnaître le métier de médiateur comme un vrai métier",
        "Un référent unique pour les personnes avec multidiagnostics",
        "Associer les habitants à la co-production de la sécurité",
        "Mieux connaître le travail de chacun : une journée d'immersion croisée",
        "Aménager l'espace public avec les usagers avant d'installer des caméras",
        "Accompagner les 18-25 ans à la sortie de prison : logement et emploi",
        "Valoriser les actions de prévention déjà menées",
    ]

    private static let comments = [
        "D'accord, c'est ce qui manque chez nous aussi.",
        "Attention aux moyens : qui finance ?",
        "Nous l'avons testé à Malines, ça marche si le collège suit.",
        "Il faudrait préciser le rôle de la zone de police.",
        "Oui, et impliquer aussi la justice.",
    ]

    private static let openings = [
        "Mesure préconisée", "Priorité du réseau", "À généraliser", "À expérimenter",
    ]
}
