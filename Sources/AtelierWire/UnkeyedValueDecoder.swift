/// Reads the elements of an array in order.
struct UnkeyedValueDecoder: UnkeyedDecodingContainer {
    /// The elements read in order.
    let array: [JSONValue]
    let codingPath: [any CodingKey]
    /// Shared by every decoder of one top-level decode.
    let state: DecodingState
    private(set) var currentIndex = 0

    /// A container over `array`, positioned at its first element.
    init(array: [JSONValue], codingPath: [any CodingKey], state: DecodingState) {
        self.array = array
        self.codingPath = codingPath
        self.state = state
    }

    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    mutating func decodeNil() throws -> Bool {
        guard try element(JSONValue.self) == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try ValueDecoder.unboxBool($0, at: $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try ValueDecoder.unboxString($0, at: $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try ValueDecoder.unboxDouble($0, at: $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try ValueDecoder.unboxFloat($0, at: $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { [state] in try ValueDecoder.decode(type, from: $0, at: $1, state: state) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { [state] in try ValueDecoder(value: $0, codingPath: $1, state: state).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { [state] in try ValueDecoder(value: $0, codingPath: $1, state: state).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next { [state] in ValueDecoder(value: $0, codingPath: $1, state: state) }
    }

    /// The current element, which must exist; `type` names what was wanted if it does not.
    private func element(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            let count = array.count
            throw DecodingError.valueNotFound(type, .init(
                codingPath: codingPath + [IndexKey(currentIndex)],
                debugDescription: "missing element: the array has \(count) element\(count == 1 ? "" : "s")"))
        }
        return array[currentIndex]
    }

    /// Decodes the current element with `body` and moves past it only on success.
    private mutating func next<T>(_ body: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
        let result = try body(element(T.self), codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return result
    }

    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        try next { try ValueDecoder.unboxInteger($0, as: T.self, at: $1) }
    }
}
