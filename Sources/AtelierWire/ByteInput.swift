/// Gives contiguous access to input bytes however the caller holds them, without the leading
/// UTF-8 byte order mark that some editors write (RFC 8259 lets parsers ignore it).
enum ByteInput {
    /// Calls `body` with the bytes of `input` after any byte order mark, copying only when the
    /// collection has no contiguous storage.
    static func withBytes<R>(
        of input: some Collection<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        let stripping = { (bytes: UnsafeBufferPointer<UInt8>) -> R in
            let hasMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
            return body(hasMark ? UnsafeBufferPointer(rebasing: bytes[3...]) : bytes)
        }
        if let result = input.withContiguousStorageIfAvailable(stripping) { return result }
        return Array(input).withUnsafeBufferPointer(stripping)
    }
}
