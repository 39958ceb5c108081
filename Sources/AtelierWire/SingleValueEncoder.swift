/// Writes one value into the encoder's node.
struct SingleValueEncoder: SingleValueEncodingContainer {
    /// The node the value is written into.
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() { node.set(.null) }
    mutating func encode(_ value: Bool) { node.set(.bool(value)) }
    mutating func encode(_ value: String) { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: Float) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: Int) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: Int8) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: Int16) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: Int32) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: Int64) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: UInt) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: UInt8) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: UInt16) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: UInt32) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }
    mutating func encode(_ value: UInt64) throws { node.set(try ValueEncoder.box(value, at: codingPath)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.set(try ValueEncoder.slot(for: value, at: codingPath))
    }
}
