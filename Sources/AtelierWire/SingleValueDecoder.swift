/// Reads the one value a decoder stands for.
struct SingleValueDecoder: SingleValueDecodingContainer {
    /// The value read.
    let value: JSONValue
    let codingPath: [any CodingKey]
    /// Shared by every decoder of one top-level decode.
    let state: DecodingState

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try ValueDecoder.unboxBool(value, at: codingPath) }
    func decode(_ type: String.Type) throws -> String { try ValueDecoder.unboxString(value, at: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try ValueDecoder.unboxDouble(value, at: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try ValueDecoder.unboxFloat(value, at: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ValueDecoder.decode(type, from: value, at: codingPath, state: state)
    }

    private func integer<T: FixedWidthInteger>() throws -> T {
        try ValueDecoder.unboxInteger(value, as: T.self, at: codingPath)
    }
}
