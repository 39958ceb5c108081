/// Writes members into an object node.
struct KeyedValueEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    /// The object node members are written into.
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) { node.setMember(key.stringValue, .value(.null)) }
    mutating func encode(_ value: Bool, forKey key: Key) { node.setMember(key.stringValue, .value(.bool(value))) }
    mutating func encode(_ value: String, forKey key: Key) { node.setMember(key.stringValue, .value(.string(value))) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try set(ValueEncoder.box(value, at: path(key)), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.setMember(key.stringValue, try ValueEncoder.slot(for: value, at: path(key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        child.becomeObject()
        node.setMember(key.stringValue, .node(child))
        return KeyedEncodingContainer(KeyedValueEncoder<NestedKey>(node: child, codingPath: path(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        child.becomeArray()
        node.setMember(key.stringValue, .node(child))
        return UnkeyedValueEncoder(node: child, codingPath: path(key))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: NameKey.superKey) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [key])
        node.setMember(key.stringValue, .node(encoder.node))
        return encoder
    }

    private func set(_ value: JSONValue, _ key: Key) { node.setMember(key.stringValue, .value(value)) }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }
}
