/// A JSON document held as a Swift value: what the parser produces, the serializer writes and
/// the `Codable` coders translate to and from.
///
/// Integers and doubles stay distinct so that `1` and `1.0` survive a round trip. Equality is
/// structural, except that objects compare without regard to member order, as JSON defines.
public enum JSONValue: Hashable, Sendable {
    /// The JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case int(Int64)
    /// Any other number; only finite values can be serialized.
    case double(Double)
    /// A string, which may contain any Unicode scalar including U+0000.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, with its members in order.
    case object(JSONObject)
}
