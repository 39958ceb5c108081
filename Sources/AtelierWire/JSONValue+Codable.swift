/// Lets a `JSONValue` be a property of a `Codable` type, for free-form payloads. The wire
/// coders pass it through unchanged; other coders see its natural JSON shape.
extension JSONValue: Codable {
    /// Reads whatever JSON the decoder holds; through other decoders object members arrive
    /// unordered, so they are sorted by name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            self = .int(int)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            let members = try container.decode([String: JSONValue].self)
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            self = .object(JSONObject(uniqueEntries: sorted.map { (key: $0.key, value: $0.value) }))
        }
    }

    /// Writes the value with the matching containers, keeping member order.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let bool):
            var container = encoder.singleValueContainer()
            try container.encode(bool)
        case .int(let int):
            var container = encoder.singleValueContainer()
            try container.encode(int)
        case .double(let double):
            var container = encoder.singleValueContainer()
            try container.encode(double)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let object):
            var container = encoder.container(keyedBy: NameKey.self)
            for (key, value) in object { try container.encode(value, forKey: NameKey(stringValue: key)) }
        }
    }
}
