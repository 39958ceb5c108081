/// What RFC 6455 (5.5.1, 7.4) allows in the payload of a close frame a peer sends.
enum CloseFrame {
    /// Empty, or a code a peer may send followed by any reason (lws checks that it is UTF-8).
    static func isValid(_ payload: UnsafeRawBufferPointer) -> Bool {
        payload.isEmpty || code(payload).map(mayBeSent) == true
    }

    /// The code at the start of the payload; nil when there is none.
    static func code(_ payload: UnsafeRawBufferPointer) -> UInt16? {
        payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
    }

    /// The codes defined by RFC 6455 for an endpoint to send, and those for libraries (3000-3999)
    /// and applications (4000-4999). 1004-1006 and 1015 are never sent; the rest is unassigned.
    static func mayBeSent(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return true
        default: return false
        }
    }
}
