extension JSONValue {
    /// The value as compact JSON text (or indented by two spaces when `pretty`), written by
    /// json-c. Slashes are not escaped; non-finite doubles, which JSON cannot express, become null.
    public func serialized(pretty: Bool = false) -> String {
        JSONCWriter.withSerialization(of: self, pretty: pretty) { String(decoding: $0, as: UTF8.self) }
    }

    /// The value as compact (or pretty) JSON in UTF-8 bytes, ready to send.
    public func serializedBytes(pretty: Bool = false) -> [UInt8] {
        JSONCWriter.withSerialization(of: self, pretty: pretty) { Array($0) }
    }
}
