extension JSONValue {
    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The integer, when this is one.
    public var int64Value: Int64? {
        if case .int(let int) = self { return int }
        return nil
    }

    /// The number as a double, integers included.
    public var doubleValue: Double? {
        switch self {
        case .int(let int): Double(int)
        case .double(let double): double
        default: nil
        }
    }

    /// The boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The value at `path` below this one, for locating errors by path.
    func value(at path: WirePath) -> JSONValue? {
        var value = self
        for component in path.components {
            switch component {
            case .key(let key):
                guard let member = value[key] else { return nil }
                value = member
            case .index(let index):
                guard let element = value[index] else { return nil }
                value = element
            }
        }
        return value
    }

    /// How this value is named in messages: "a string", "null".
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
