import AtelierCore
import AtelierWire
import Foundation
import Testing

/// The repository root, found from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `Workshops/schema.json`, parsed.
private func loadSchema() throws -> JSONValue {
    let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Workshops/schema.json"))
    return try JSONValue.parse(Array(data), limits: .file)
}

/// A workshop in which every optional field the model has is present, so its encoding shows every key.
private let maximalWorkshop: WorkshopDefinition = {
    let text = LocalizedText(translations: ["fr": "Texte", "nl": "Tekst"])
    let prompt = WorkshopDefinition.Prompt(id: "question", text: text, items: [text])
    let voting = WorkshopDefinition.VotingSettings(dotsPerPerson: 3, maxDotsPerNote: 2, hiddenUntilReveal: true)
    return WorkshopDefinition(
        id: "maximal", title: text, organiser: "Organisateur", contact: "dpo@organisateur.example", retentionDays: 90,
        minimumRoleGroup: 5,
        date: "2021-01-21", timezone: "Europe/Brussels",
        languages: ["fr", "nl"], description: text, roles: [.init(id: "role", label: text)],
        rooms: [.init(id: "room", theme: text, prompts: [prompt])], prompts: [prompt],
        agenda: [.init(
            id: "slot", title: text, start: "09:00", minutes: 30, kind: .breakout, onTimeUp: .advance,
            rooms: ["room"], prompts: [prompt], voting: voting, description: text)],
        voting: voting, assignment: .random)
}()

/// A workshop with only the fields the model requires.
private let minimalWorkshop = WorkshopDefinition(
    id: "minimal", title: LocalizedText("Titre"), organiser: "Organisateur", date: "2021-01-21",
    timezone: "Europe/Brussels", languages: ["fr"], roles: [.init(id: "role", label: LocalizedText("Rôle"))],
    rooms: [], agenda: [.init(id: "slot", title: LocalizedText("Accueil"), minutes: 10, kind: .plenary)],
    voting: .init(dotsPerPerson: 3, maxDotsPerNote: 1, hiddenUntilReveal: false), assignment: .self)

/// Walks a JSON value beside the schema that describes it, following `$ref`s into `$defs`.
private struct SchemaWalker {
    let root: JSONValue

    /// The schema object a `$ref` (or an inline schema) stands for.
    func resolve(_ schema: JSONValue) -> JSONValue {
        guard let reference = schema["$ref"]?.stringValue, reference.hasPrefix("#/$defs/") else { return schema }
        return resolve(root["$defs"]?[String(reference.dropFirst("#/$defs/".count))] ?? .null)
    }

    /// The object schema among `schema` and its `oneOf`/`anyOf` alternatives that has `properties`.
    func objectSchema(_ schema: JSONValue) -> JSONValue? {
        let resolved = resolve(schema)
        if resolved["properties"] != nil { return resolved }
        for key in ["oneOf", "anyOf"] {
            for option in resolved[key]?.arrayValue ?? [] { if let found = objectSchema(option) { return found } }
        }
        return nil
    }

    /// Keys of `value` objects (at any depth) that the schema does not describe, as paths.
    func undescribedKeys(in value: JSONValue, schema: JSONValue, path: String = "") -> [String] {
        switch value {
        case .object(let object):
            guard let described = objectSchema(schema), let properties = described["properties"]?.objectValue else {
                return []
            }
            return object.flatMap { key, member -> [String] in
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                guard let memberSchema = properties[key] else { return [memberPath] }
                return undescribedKeys(in: member, schema: memberSchema, path: memberPath)
            }
        case .array(let items):
            let itemSchema = resolve(schema)["items"] ?? .null
            return items.enumerated().flatMap { undescribedKeys(in: $1, schema: itemSchema, path: "\(path)[\($0)]") }
        default:
            return []
        }
    }
}

@Suite struct SchemaConsistencyTests {
    @Test("Every key the engine writes in a workshop is described by the schema")
    func everyModelKeyIsInTheSchema() throws {
        let schema = try loadSchema()
        let encoded = try WireEncoder().encode(maximalWorkshop)
        #expect(SchemaWalker(root: schema).undescribedKeys(in: encoded, schema: schema) == [])
    }

    @Test("The schema requires exactly the fields the engine cannot do without")
    func requiredFieldsAgree() throws {
        let schema = try loadSchema()
        guard case .object(let minimal) = try WireEncoder().encode(minimalWorkshop) else {
            Issue.record("a workshop encodes as an object")
            return
        }
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(Set(required) == Set(minimal.keys))
        let slot = try #require(SchemaWalker(root: schema).objectSchema(schema["$defs"]?["Slot"] ?? .null))
        #expect(Set((slot["required"]?.arrayValue ?? []).compactMap(\.stringValue)) == ["id", "title", "minutes", "kind"])
    }

    @Test("The schema's enumerations list exactly the engine's cases")
    func enumerationsAgree() throws {
        let schema = try loadSchema()
        let walker = SchemaWalker(root: schema)
        let slot = try #require(walker.objectSchema(schema["$defs"]?["Slot"] ?? .null))
        func values(_ property: JSONValue?) -> Set<String> {
            Set((walker.resolve(property ?? .null)["enum"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        #expect(values(slot["properties"]?["kind"]) == Set(WorkshopDefinition.SlotKind.allCases.map(\.rawValue)))
        #expect(values(slot["properties"]?["onTimeUp"]) == Set(WorkshopDefinition.TimeUpBehaviour.allCases.map(\.rawValue)))
        #expect(values(schema["properties"]?["assignment"]) == Set(WorkshopDefinition.AssignmentMode.allCases.map(\.rawValue)))
        #expect(values(schema["$defs"]?["LanguageCode"]) == Set(WorkshopDefinition.supportedLanguages))
    }

    @Test("The maximal workshop the engine writes is one the engine accepts")
    func maximalWorkshopIsValid() throws {
        let bytes = Array(try WireEncoder().encodeJSON(maximalWorkshop).utf8)
        #expect(try WorkshopFile.decode(bytes, file: "maximal.json") == maximalWorkshop)
    }
}

private extension JSONValue {
    var arrayValue: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var objectValue: JSONObject? { if case .object(let object) = self { object } else { nil } }
}
