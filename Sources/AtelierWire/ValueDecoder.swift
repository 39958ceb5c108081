/// The `Decoder` handed to `init(from:)`: one per decoded composite value.
final class ValueDecoder: Decoder {
    /// The value this decoder reads.
    let value: JSONValue
    let codingPath: [any CodingKey]
    /// Shared by every decoder of one top-level decode.
    let state: DecodingState
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// A decoder for `value` found at `codingPath`.
    init(value: JSONValue, codingPath: [any CodingKey], state: DecodingState) {
        self.value = value
        self.codingPath = codingPath
        self.state = state
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw Self.mismatch(value, expected: "an object", type: [String: JSONValue].self, at: codingPath)
        }
        return KeyedDecodingContainer(KeyedValueDecoder<Key>(object: object, codingPath: codingPath, state: state))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else {
            throw Self.mismatch(value, expected: "an array", type: [JSONValue].self, at: codingPath)
        }
        return UnkeyedValueDecoder(array: array, codingPath: codingPath, state: state)
    }

    func singleValueContainer() -> any SingleValueDecodingContainer {
        SingleValueDecoder(value: value, codingPath: codingPath, state: state)
    }

    /// Decodes `type` from `value`; common scalars skip creating a decoder, and a `JSONValue`
    /// is taken whole (which also counts all its members as consulted).
    static func decode<T: Decodable>(
        _ type: T.Type, from value: JSONValue, at codingPath: @autoclosure () -> [any CodingKey], state: DecodingState
    ) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self { return try unboxString(value, at: codingPath()) as! T }
        if T.self == Int.self { return try unboxInteger(value, as: Int.self, at: codingPath()) as! T }
        if T.self == Bool.self { return try unboxBool(value, at: codingPath()) as! T }
        if T.self == Double.self { return try unboxDouble(value, at: codingPath()) as! T }
        return try T(from: ValueDecoder(value: value, codingPath: codingPath(), state: state))
    }

    /// A boolean, from `true` or `false` only.
    static func unboxBool(_ value: JSONValue, at codingPath: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(value, expected: "a boolean", type: Bool.self, at: codingPath()) }
        return bool
    }

    /// A string, from a JSON string only.
    static func unboxString(_ value: JSONValue, at codingPath: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let string) = value else { throw mismatch(value, expected: "a string", type: String.self, at: codingPath()) }
        return string
    }

    /// A double from any JSON number; integers convert, rounding past 2^53.
    static func unboxDouble(_ value: JSONValue, at codingPath: @autoclosure () -> [any CodingKey]) throws -> Double {
        switch value {
        case .double(let double): return double
        case .int(let int): return Double(int)
        default: throw mismatch(value, expected: "a number", type: Double.self, at: codingPath())
        }
    }

    /// A float from any JSON number small enough not to become infinite.
    static func unboxFloat(_ value: JSONValue, at codingPath: @autoclosure () -> [any CodingKey]) throws -> Float {
        let float = Float(try unboxDouble(value, at: codingPath()))
        guard float.isFinite else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath(), debugDescription: "\(value.serialized()) is too large for a 32-bit float"))
        }
        return float
    }

    /// An integer of type `T` from a JSON integer, or from a double with no fractional part;
    /// values outside `T`'s range are rejected rather than wrapped or clamped.
    static func unboxInteger<T: FixedWidthInteger>(
        _ value: JSONValue, as type: T.Type, at codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        let exact: T?
        switch value {
        case .int(let int):
            exact = T(exactly: int)
        case .double(let double):
            guard !hasFraction(double) else {
                throw DecodingError.typeMismatch(T.self, .init(
                    codingPath: codingPath(), debugDescription: "expected an integer, found \(value.serialized())"))
            }
            exact = T(exactly: double)
        default:
            throw mismatch(value, expected: "an integer", type: T.self, at: codingPath())
        }
        guard let exact else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath(),
                debugDescription: "expected an integer from \(T.min) to \(T.max), found \(value.serialized())"))
        }
        return exact
    }

    /// Whether a finite double has a fractional part. Every double of magnitude 2^52 or more is
    /// whole; below that, truncating through Int64 is exact. `rounded()` would call libm's
    /// floor and ceil, which an executable without Foundation does not link.
    private static func hasFraction(_ double: Double) -> Bool {
        double.magnitude < 0x1p52 && Double(Int64(double)) != double
    }

    /// The error for a value of the wrong JSON type: `valueNotFound` for null, as `Decoder`
    /// conventions ask, `typeMismatch` otherwise; both say what was expected and found.
    static func mismatch(
        _ value: JSONValue, expected: String, type: Any.Type, at codingPath: [any CodingKey]
    ) -> DecodingError {
        let context = DecodingError.Context(
            codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kindDescription)")
        return value == .null ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }
}
