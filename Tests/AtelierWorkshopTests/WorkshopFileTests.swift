import AtelierCore
import AtelierWire
import Testing

/// A small valid workshop file, written the way organisers write them, one key per line.
private let validFile = """
{
  "format": 1,
  "id": "atelier-test",
  "title": {"fr": "Atelier", "nl": "Werkplaats"},
  "organiser": "BeFUS asbl",
  "date": "2021-01-21",
  "timezone": "Europe/Brussels",
  "languages": ["fr", "nl"],
  "roles": [{"id": "elu", "label": "élu·e"}],
  "rooms": [{"id": "gouvernance", "theme": "Gouvernance locale"}],
  "prompts": [{"id": "pilotage", "text": "Qui pilote ?"}],
  "agenda": [
    {"id": "accueil", "title": "Accueil", "start": "09:00", "minutes": 10, "kind": "plenary"},
    {"id": "labs", "title": "Innovation labs", "minutes": 60, "kind": "breakout"}
  ],
  "voting": {"dotsPerPerson": 3, "maxDotsPerNote": 2, "hiddenUntilReveal": true},
  "assignment": "self"
}
"""

/// The valid file with `old` replaced by `new` once.
private func variant(_ old: String, _ new: String) -> [UInt8] {
    precondition(validFile.contains(old), "the fixture has no \(old)")
    return Array(validFile.replacingOccurrences(of: old, with: new).utf8)
}

/// The problems `atelier check` would print for `bytes`.
private func problems(_ bytes: [UInt8]) -> [WorkshopFileError.Problem] {
    do {
        _ = try WorkshopFile.decode(bytes, file: "x.json")
        return []
    } catch {
        return error.problems
    }
}

@Suite struct WorkshopFileTests {
    @Test("A valid file loads")
    func validFileLoads() throws {
        let workshop = try WorkshopFile.decode(Array(validFile.utf8), file: "x.json")
        #expect(workshop.agenda.map(\.id) == ["accueil", "labs"])
    }

    @Test("A rule broken after decoding is reported with its path and line")
    func ruleIssueHasPathAndLine() {
        let found = problems(variant(#""minutes": 60"#, #""minutes": 0"#))
        #expect(found == [.init(line: 14, path: "agenda[1].minutes", message: "must be a positive integer of at most 1440")])
    }

    @Test("Every broken rule is reported, not only the first")
    func everyIssueIsReported() {
        let bytes = Array(validFile
            .replacingOccurrences(of: #""date": "2021-01-21""#, with: #""date": "2021-02-30""#)
            .replacingOccurrences(of: #""languages": ["fr", "nl"]"#, with: #""languages": ["fr", "de"]"#).utf8)
        #expect(problems(bytes).map(\.path) == ["title.nl", "date", "languages[1]"])
    }

    @Test("A misspelt required key is reported as the missing one, on its object's line")
    func misspeltRequiredKeyIsReported() {
        let found = problems(variant(#""minutes": 10"#, #""minuts": 10"#))
        #expect(found == [.init(line: 13, path: "agenda[0].minutes", message: #"missing field "minutes""#)])
    }

    @Test("A key the format does not have is an error naming it")
    func unknownKeyIsReported() {
        let found = problems(variant(#""kind": "plenary""#, #""kind": "plenary", "speaker": "Dorah""#))
        #expect(found.map(\.path) == ["agenda[0].speaker"])
        #expect(found.first?.line == 13)
    }

    @Test("A value of the wrong type is reported at its path")
    func wrongTypeIsReported() {
        let found = problems(variant(#""minutes": 60"#, #""minutes": "soixante""#))
        #expect(found.map(\.path) == ["agenda[1].minutes"])
    }

    @Test("A key written twice in one object is an error naming it and the line of the second")
    func repeatedKeyIsReported() {
        let bytes = Array(validFile.replacingOccurrences(of: #""minutes": 60,"#, with: "\"minutes\": 60,\n     \"minutes\": 90,").utf8)
        do {
            _ = try WorkshopFile.decode(bytes, file: "x.json")
            Issue.record("a file with a repeated key was accepted")
        } catch {
            #expect(error.description == #"x.json:15: agenda[1].minutes: the member "minutes" appears more than once in one object"#)
        }
    }

    @Test("A syntax error gives the line where json-c stopped")
    func syntaxErrorHasLine() {
        let found = problems(variant(#""organiser": "BeFUS asbl","#, #""organiser": "BeFUS asbl""#))
        #expect(found.count == 1)
        #expect(found.first?.line == 6)
    }

    @Test("A missing file says so")
    func missingFile() {
        #expect(throws: WorkshopFileError.self) { try WorkshopFile.load(path: "/nonexistent/workshop.json") }
    }

    @Test("Printed problems read file:line: path: message")
    func printedForm() {
        let error = WorkshopFileError(file: "x.json", problems: [.init(line: 14, path: "agenda[1].minutes", message: "must be …")])
        #expect(error.description == "x.json:14: agenda[1].minutes: must be …")
    }
}
