/// Turns any `Encodable` into a `JSONValue` or JSON text, the one way this server writes JSON.
///
/// `Optional` properties that are nil are left out (synthesized `encodeIfPresent`). With
/// `sortedKeys` (the default) members are ordered by name, so that the same value always gives
/// the same bytes, even for Swift dictionaries, whose order changes from run to run.
public struct WireEncoder: Sendable {
    /// Whether object members are ordered by the UTF-8 bytes of their names; otherwise they
    /// follow encoding order (declaration order for synthesized `Codable`).
    public var sortedKeys: Bool

    /// An encoder, sorting members unless told otherwise.
    public init(sortedKeys: Bool = true) {
        self.sortedKeys = sortedKeys
    }

    /// The JSON form of `value`. Fails with `field.invalidValue` at the offending path for a
    /// non-finite number or an integer beyond 64 bits, or with whatever `encode(to:)` throws.
    public func encode(_ value: some Encodable) throws(WireError) -> JSONValue {
        do {
            return try ValueEncoder.slot(for: value, at: []).jsonValue(sortedKeys: sortedKeys)
        } catch let error as WireError {
            throw error
        } catch let EncodingError.invalidValue(_, context) {
            throw WireError(code: .invalidValue, path: WireError.path(of: context.codingPath), message: context.debugDescription)
        } catch {
            throw WireError(code: .invalidValue, message: String(describing: error))
        }
    }

    /// `value` as compact JSON text (or indented, when `pretty`).
    public func encodeJSON(_ value: some Encodable, pretty: Bool = false) throws(WireError) -> String {
        try encode(value).serialized(pretty: pretty)
    }

    /// `value` as compact JSON in UTF-8 bytes, ready to send.
    public func encodeJSONBytes(_ value: some Encodable) throws(WireError) -> [UInt8] {
        try encode(value).serializedBytes()
    }
}
