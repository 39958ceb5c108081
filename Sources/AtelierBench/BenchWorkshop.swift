/// The workshop a bench session runs: one role and one language, `rooms` rooms for a breakout,
/// and plenary slots that all ask the same question, so the moderator can move the agenda
/// while participants keep writing.
enum BenchWorkshop {
    /// The workshop file's JSON. With `rooms` > 0 the first slot is a breakout of every room.
    static func json(rooms: Int) -> String {
        let prompt = #"{"id": "ideas", "text": "Ideas"}"#
        let roomList = (0..<max(rooms, 1)).map { #"{"id": "r\#($0 + 1)", "theme": "Room \#($0 + 1)", "prompts": [\#(prompt)]}"# }
        var agenda: [String] = []
        if rooms > 0 {
            agenda.append(#"{"id": "rooms", "title": "Rooms", "minutes": 120, "kind": "breakout"}"#)
        }
        for index in 1...40 {
            agenda.append(#"{"id": "p\#(index)", "title": "Plenary \#(index)", "minutes": 120, "kind": "plenary", "prompts": [\#(prompt)]}"#)
        }
        return """
            {"format": 1, "id": "bench", "title": "Load benchmark", "organiser": "atelier bench",
             "date": "2026-01-01", "timezone": "UTC", "languages": ["en"],
             "roles": [{"id": "participant", "label": "Participant"}],
             "rooms": [\(roomList.joined(separator: ", "))],
             "agenda": [\(agenda.joined(separator: ", "))],
             "voting": {"dotsPerPerson": 100, "maxDotsPerNote": 1, "hiddenUntilReveal": false},
             "assignment": "self"}
            """
    }
}
