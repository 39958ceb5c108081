/// What one top-level decode learns as it goes: the objects read through keyed containers
/// and which of their members were consulted, and member names that matched no coding key.
/// It turns that into unknown-field errors and specific errors for unknown enum cases.
final class DecodingState {
    private struct TrackedObject {
        let codingPath: [any CodingKey]
        let object: JSONObject
        let consulted: ConsultedKeys
    }

    /// Names in an object that `allKeys` could not turn into keys of the container's key type.
    private struct UnmatchedNames {
        let codingPath: [any CodingKey]
        let memberCount: Int
        let names: [String]
        let knownNames: [String]?
    }

    /// Whether members no type consulted are errors, and so whether objects are tracked.
    let rejectUnknownKeys: Bool
    private var trackedObjects: [TrackedObject] = []
    private var unmatchedNames: [UnmatchedNames] = []

    /// The state for one top-level decode.
    init(rejectUnknownKeys: Bool) { self.rejectUnknownKeys = rejectUnknownKeys }

    /// Starts recording which members of `object` are consulted, when unknown ones are rejected.
    func track(_ object: JSONObject, at codingPath: [any CodingKey]) -> ConsultedKeys? {
        guard rejectUnknownKeys else { return nil }
        let consulted = ConsultedKeys()
        trackedObjects.append(TrackedObject(codingPath: codingPath, object: object, consulted: consulted))
        return consulted
    }

    /// Notes names that matched no key; the known names are listed when the key type is
    /// `CaseIterable` (synthesized `CodingKeys` are not, so usually they are unknown).
    func noteUnmatchedNames<Key: CodingKey>(
        _ names: [String], in object: JSONObject, at codingPath: [any CodingKey], keyType: Key.Type
    ) {
        let knownNames = (Key.self as? any CaseIterable.Type).map { Self.caseNames(of: $0) }
        unmatchedNames.append(UnmatchedNames(
            codingPath: codingPath, memberCount: object.count, names: names, knownNames: knownNames))
    }

    private static func caseNames<Cases: CaseIterable>(of type: Cases.Type) -> [String] {
        type.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    /// The first member no decoded type consulted, in the order objects were read. An object
    /// read more than once at one path (a type decoding itself in steps) counts every read.
    func firstUnknownField() -> WireError? {
        var consultedByPath: [String: Set<String>] = [:]
        var firstReads: [(path: WirePath, object: JSONObject)] = []
        for tracked in trackedObjects {
            let path = WirePath(codingPath: tracked.codingPath)
            if consultedByPath[path.text] == nil { firstReads.append((path, tracked.object)) }
            consultedByPath[path.text, default: []].formUnion(tracked.consulted.names)
        }
        for (path, object) in firstReads {
            let consulted = consultedByPath[path.text] ?? []
            if let name = object.keys.first(where: { !consulted.contains($0) }) {
                return WireError.unknownField(path: path.appending(.key(name)).text)
            }
        }
        return nil
    }

    /// The `WireError` for a `DecodingError` thrown while decoding `root`. The decoder's own
    /// errors already carry a readable message; others keep the message they were thrown with.
    func wireError(for error: DecodingError, in root: JSONValue) -> WireError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = WirePath(codingPath: context.codingPath + [key])
            return WireError(code: .missingField, path: path.text, message: "missing field \"\(key.stringValue)\"")
        case .valueNotFound(_, let context):
            let path = WirePath(codingPath: context.codingPath)
            let code: WireError.Code = root.value(at: path) == .null ? .wrongType : .missingField
            return WireError(code: code, path: path.text, message: context.debugDescription)
        case .typeMismatch(_, let context):
            let path = WirePath(codingPath: context.codingPath)
            if let unknownCase = unknownCaseError(at: path) { return unknownCase }
            return WireError(code: .wrongType, path: path.text, message: context.debugDescription)
        case .dataCorrupted(let context):
            return WireError(
                code: .invalidValue, path: WirePath(codingPath: context.codingPath).text, message: context.debugDescription)
        @unknown default:
            return WireError(code: .invalidValue, message: String(describing: error))
        }
    }

    /// A synthesized enum decoder reads `allKeys`, and throws a type mismatch at the object's
    /// path ("Invalid number of keys found, expected one.") when no name matched a case. When
    /// the object's only member had an unmatched name, that name is the unknown case.
    private func unknownCaseError(at path: WirePath) -> WireError? {
        guard let note = unmatchedNames.last(where: { WirePath(codingPath: $0.codingPath) == path }),
              note.memberCount == 1, let name = note.names.first
        else { return nil }
        let message = if let known = note.knownNames {
            "\"\(name)\" is not one of: \(known.joined(separator: ", "))"
        } else {
            "unknown case \"\(name)\""
        }
        return WireError(code: .unknownCase, path: path.text, message: message)
    }
}
