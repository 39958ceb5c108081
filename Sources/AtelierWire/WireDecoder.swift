/// Turns a `JSONValue` or JSON text into any `Decodable`, the one way this server reads JSON.
///
/// Errors are `WireError`s with the path of the failing value, and a line when decoding from
/// text. With `rejectUnknownKeys`, a member no decoded type asked about is an error, which
/// catches misspelt fields in workshop files (`agenda[2].minuts: unknown field`).
public struct WireDecoder: Sendable {
    /// Whether a member that the decoded types never consulted (through `decode`,
    /// `decodeIfPresent`, `contains` or a nested container) fails the decode.
    public var rejectUnknownKeys: Bool

    /// A decoder; unknown members are ignored unless `rejectUnknownKeys`.
    public init(rejectUnknownKeys: Bool = false) {
        self.rejectUnknownKeys = rejectUnknownKeys
    }

    /// Decodes `type` from a parsed value. Integers accept doubles only without a fraction and
    /// within range; doubles accept integers; `Optional` members may be absent or null.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(WireError) -> T {
        let state = DecodingState(rejectUnknownKeys: rejectUnknownKeys)
        let decoded: T
        do {
            decoded = try ValueDecoder.decode(type, from: value, at: [], state: state)
        } catch let error as WireError {
            throw error
        } catch let error as DecodingError {
            throw state.wireError(for: error, in: value)
        } catch {
            throw WireError(code: .invalidValue, message: String(describing: error))
        }
        if let unknownField = state.firstUnknownField() { throw unknownField }
        return decoded
    }

    /// Parses `text` within `limits` and decodes `type` from it; errors carry line and column.
    public func decode<T: Decodable>(
        _ type: T.Type, fromJSON text: String, limits: JSONLimits = .default
    ) throws(WireError) -> T {
        try decode(type, fromJSON: text.utf8, limits: limits)
    }

    /// Parses UTF-8 `bytes` within `limits` and decodes `type` from them; errors carry line and
    /// column.
    public func decode<T: Decodable>(
        _ type: T.Type, fromJSON bytes: some Collection<UInt8>, limits: JSONLimits = .default
    ) throws(WireError) -> T {
        try ByteInput.withBytes(of: bytes) { buffer in
            JSONCParser.parse(buffer, limits: limits).flatMap { value in
                Result { () throws(WireError) in try decode(type, from: value) }
                    .mapError { $0.located(in: JSONSourceMap(scanning: buffer)) }
            }
        }.get()
    }
}
