extension JSONValue {
    /// Parses JSON text strictly (RFC 8259, UTF-8, no comments, nothing after the value) within
    /// `limits`; errors carry line and column.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(WireError) -> JSONValue {
        try parse(text.utf8, limits: limits)
    }

    /// Parses JSON given as UTF-8 bytes, as received from a socket or read from a file; a
    /// leading byte order mark is ignored.
    public static func parse(_ bytes: some Collection<UInt8>, limits: JSONLimits = .default) throws(WireError) -> JSONValue {
        try ByteInput.withBytes(of: bytes) { JSONCParser.parse($0, limits: limits) }.get()
    }
}
