/// The `Encoder` handed to `encode(to:)`: one per encoded value, writing into its node.
final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    /// Where this encoder's containers write.
    let node = EncodingNode()
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// An encoder for the value at `codingPath`.
    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedValueEncoder(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedValueEncoder(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncoder(node: node, codingPath: codingPath)
    }

    /// The encoding of `value` at `codingPath`; common scalars skip creating an encoder, and a
    /// `JSONValue` is taken as is.
    static func slot<T: Encodable>(for value: T, at codingPath: @autoclosure () -> [any CodingKey]) throws -> EncodingSlot {
        switch value {
        case let json as JSONValue: return .value(json)
        case let string as String: return .value(.string(string))
        case let bool as Bool: return .value(.bool(bool))
        case let int as Int: return .value(.int(Int64(int)))
        case let double as Double: return .value(try box(double, at: codingPath()))
        default:
            let encoder = ValueEncoder(codingPath: codingPath())
            try value.encode(to: encoder)
            return .node(encoder.node)
        }
    }

    /// A finite double; JSON has no infinities or NaN.
    static func box(_ double: Double, at codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard double.isFinite else {
            throw EncodingError.invalidValue(double, .init(
                codingPath: codingPath(), debugDescription: "\(double) cannot be written as a JSON number"))
        }
        return .double(double)
    }

    /// A finite float, written in its own shortest form (0.1, not 0.10000000149011612); it reads
    /// back as the same float.
    static func box(_ float: Float, at codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard float.isFinite else {
            throw EncodingError.invalidValue(float, .init(
                codingPath: codingPath(), debugDescription: "\(float) cannot be written as a JSON number"))
        }
        return .double(Double(float.description) ?? Double(float))
    }

    /// An integer within the signed 64-bit range JSON integers are held in here.
    static func box<T: FixedWidthInteger>(_ int: T, at codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard let exact = Int64(exactly: int) else {
            throw EncodingError.invalidValue(int, .init(
                codingPath: codingPath(), debugDescription: "\(int) is outside the 64-bit integer range"))
        }
        return .int(exact)
    }
}
