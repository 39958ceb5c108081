#if canImport(Glibc)
import Glibc
#endif

/// Reads websocket frames and the few JSON fields the bench needs straight from the bytes.
///
/// The server's messages are compact json-c output with known first keys (docs/PROTOCOL.md),
/// so a byte search finds `"ack":12`, `"seq":40` or the note text's send time without parsing
/// the whole message: the receiver stays far cheaper than the server it measures.
enum FrameScanner {
    /// The kinds of server message the bench tells apart, by their first key.
    enum Kind { case event, events, ack, error, synced, other }

    /// Calls `body(opcode, payload)` for every whole frame in `bytes`; returns the bytes used.
    static func frames(in bytes: UnsafeRawBufferPointer, _ body: (UInt8, UnsafeRawBufferPointer) -> Void) -> Int {
        var offset = 0
        while bytes.count - offset >= 2 {
            let opcode = bytes[offset] & 0x0f
            var length = Int(bytes[offset + 1] & 0x7f)
            var header = 2
            if length == 126 {
                guard bytes.count - offset >= 4 else { break }
                length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                header = 4
            } else if length == 127 {
                guard bytes.count - offset >= 10 else { break }
                length = 0
                for index in 2..<10 { length = length << 8 | Int(bytes[offset + index]) }
                header = 10
            }
            guard bytes.count - offset >= header + length else { break }
            body(opcode, UnsafeRawBufferPointer(rebasing: bytes[(offset + header)..<(offset + header + length)]))
            offset += header + length
        }
        return offset
    }

    /// The message's kind from its opening bytes.
    static func kind(of payload: UnsafeRawBufferPointer) -> Kind {
        guard payload.count > 4, payload[0] == UInt8(ascii: "{"), payload[1] == UInt8(ascii: "\"") else { return .other }
        switch (payload[2], payload[3], payload[4]) {
        case (UInt8(ascii: "s"), UInt8(ascii: "e"), _): return .event
        case (UInt8(ascii: "e"), UInt8(ascii: "v"), _): return .events
        case (UInt8(ascii: "a"), UInt8(ascii: "c"), _): return .ack
        case (UInt8(ascii: "e"), UInt8(ascii: "r"), _): return .error
        case (UInt8(ascii: "s"), UInt8(ascii: "y"), _): return .synced
        default: return .other
        }
    }

    /// Where `needle` starts in `haystack`, searching from `start` (libc's `memchr` for its first
    /// byte, then `memcmp`).
    static func find(_ needle: StaticString, in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard count > 0, let base = haystack.baseAddress else { return nil }
        let first = Int32(needle.utf8Start[0])
        var index = start
        while haystack.count - index >= count {
            guard let hit = memchr(base + index, first, haystack.count - index - count + 1) else { return nil }
            let at = UnsafeRawPointer(hit) - base
            if memcmp(base + at, needle.utf8Start, count) == 0 { return at }
            index = at + 1
        }
        return nil
    }

    /// The non-negative integer right after `key` (for example `"seq":`), if present.
    static func integer(after key: StaticString, in payload: UnsafeRawBufferPointer, from start: Int = 0) -> Int64? {
        guard let at = find(key, in: payload, from: start) else { return nil }
        return digits(in: payload, at: at + key.utf8CodeUnitCount)
    }

    /// Decimal digits starting at `index`.
    static func digits(in payload: UnsafeRawBufferPointer, at index: Int) -> Int64? {
        var value: Int64 = 0
        var cursor = index
        while cursor < payload.count, payload[cursor] >= UInt8(ascii: "0"), payload[cursor] <= UInt8(ascii: "9") {
            value = value * 10 + Int64(payload[cursor] - UInt8(ascii: "0"))
            cursor += 1
        }
        return cursor > index ? value : nil
    }

    /// The string value right after `key` (for example `"code":"`), up to the closing quote.
    static func string(after key: StaticString, in payload: UnsafeRawBufferPointer) -> String? {
        guard let at = find(key, in: payload) else { return nil }
        var cursor = at + key.utf8CodeUnitCount
        let start = cursor
        while cursor < payload.count, payload[cursor] != UInt8(ascii: "\"") { cursor += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: payload[start..<cursor]), as: UTF8.self)
    }
}
