/// Reads members of an object, noting which names the decoded type consulted so that unknown
/// members can be reported afterwards.
struct KeyedValueDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The object whose members are read.
    let object: JSONObject
    let codingPath: [any CodingKey]
    /// Shared by every decoder of one top-level decode.
    let state: DecodingState
    private let consulted: ConsultedKeys?

    /// A container over `object`, registered with `state` when unknown members are rejected.
    init(object: JSONObject, codingPath: [any CodingKey], state: DecodingState) {
        self.object = object
        self.codingPath = codingPath
        self.state = state
        consulted = state.track(object, at: codingPath)
    }

    /// The member names that are keys of `Key`. Names that are not are noted, so that a
    /// synthesized enum failing on them can be reported as an unknown case.
    var allKeys: [Key] {
        var keys: [Key] = []
        var unmatched: [String] = []
        for (name, _) in object {
            if let key = Key(stringValue: name) { keys.append(key) } else { unmatched.append(name) }
        }
        if !unmatched.isEmpty {
            state.noteUnmatchedNames(unmatched, in: object, at: codingPath, keyType: Key.self)
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        consulted?.names.insert(key.stringValue)
        return object[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try ValueDecoder.unboxBool(member(key), at: path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try ValueDecoder.unboxString(member(key), at: path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try ValueDecoder.unboxDouble(member(key), at: path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try ValueDecoder.unboxFloat(member(key), at: path(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try ValueDecoder.decode(type, from: member(key), at: path(key), state: state)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: member(key), codingPath: path(key), state: state).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: member(key), codingPath: path(key), state: state).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { superDecoder(named: NameKey.superKey) }

    func superDecoder(forKey key: Key) throws -> any Decoder { superDecoder(named: key) }

    /// A decoder for the member, or for null when it is absent, as Foundation's decoder does.
    private func superDecoder(named key: any CodingKey) -> any Decoder {
        consulted?.names.insert(key.stringValue)
        return ValueDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key], state: state)
    }

    private func member(_ key: Key) throws -> JSONValue {
        consulted?.names.insert(key.stringValue)
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(
                codingPath: codingPath, debugDescription: "missing field \"\(key.stringValue)\""))
        }
        return value
    }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try ValueDecoder.unboxInteger(member(key), as: T.self, at: path(key))
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }
}

/// The member names a decoded type asked about in one object.
final class ConsultedKeys {
    /// The names consulted so far.
    var names: Set<String> = []
}
