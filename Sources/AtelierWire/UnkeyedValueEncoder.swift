/// Appends elements to an array node.
struct UnkeyedValueEncoder: UnkeyedEncodingContainer {
    /// The array node elements are appended to.
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int { node.elementCount }

    mutating func encodeNil() { node.append(.value(.null)) }
    mutating func encode(_ value: Bool) { node.append(.value(.bool(value))) }
    mutating func encode(_ value: String) { node.append(.value(.string(value))) }
    mutating func encode(_ value: Double) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: Float) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: Int) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: Int8) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: Int16) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: Int32) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: Int64) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: UInt) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: UInt8) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: UInt16) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: UInt32) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }
    mutating func encode(_ value: UInt64) throws { node.append(.value(try ValueEncoder.box(value, at: nextPath))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.append(try ValueEncoder.slot(for: value, at: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        child.becomeObject()
        let path = nextPath
        node.append(.node(child))
        return KeyedEncodingContainer(KeyedValueEncoder<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        child.becomeArray()
        let path = nextPath
        node.append(.node(child))
        return UnkeyedValueEncoder(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(codingPath: nextPath)
        node.append(.node(encoder.node))
        return encoder
    }

    /// The coding path of the element appended next.
    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }
}
